package ing.paperclip.cli;

/**
 * Configures the CLI's logging backend (slf4j-simple) before the first logger is created:
 * warnings only, on standard error, unless {@code --verbose}.
 */
final class Logging {
  private Logging() {}

  static void configure(boolean verbose) {
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    System.setProperty("org.slf4j.simpleLogger.showLogName", verbose ? "true" : "false");
    System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
    // Liquibase and HikariCP are chatty at INFO; keep them quiet in normal runs.
    System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", verbose ? "info" : "error");
    // Liquibase's own log (forwarded by core's migrator; its INFO arrives as DEBUG) with --verbose.
    System.setProperty("org.slf4j.simpleLogger.log.liquibase", verbose ? "debug" : "error");
  }
}
