package ing.paperclip.db.plugins;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits for plugin SQL. Immutable; change one field with the {@code with...} methods.
 *
 * @param migrationStatementTimeout longest one migration statement may run; enforced by the
 *     server ({@code statement_timeout}) and by the driver cancelling it, so a file cannot lift it
 * @param migrationLockTimeout longest a migration statement waits for a lock ({@code lock_timeout})
 * @param maxMigrationFileBytes largest migration file accepted
 * @param runtimeStatementTimeout {@code statement_timeout} of runtime connections
 * @param runtimeLockTimeout {@code lock_timeout} of runtime connections
 * @param runtimePoolSize connections in a plugin's runtime pool (also the role's connection limit
 *     together with one for migrations)
 * @param validate whether migrations go through {@link ing.paperclip.db.plugins.sql.PluginSqlValidator}
 *     first (the database enforces the boundary either way; the validator gives earlier, precise
 *     errors)
 */
public record PluginSettings(Duration migrationStatementTimeout, Duration migrationLockTimeout,
    long maxMigrationFileBytes, Duration runtimeStatementTimeout, Duration runtimeLockTimeout,
    int runtimePoolSize, boolean validate) {
  /** 8 MiB. */
  public static final long DEFAULT_MAX_MIGRATION_FILE_BYTES = 8L << 20;

  /** Validates. */
  public PluginSettings {
    positive("migrationStatementTimeout", migrationStatementTimeout);
    positive("migrationLockTimeout", migrationLockTimeout);
    positive("runtimeStatementTimeout", runtimeStatementTimeout);
    positive("runtimeLockTimeout", runtimeLockTimeout);
    if (maxMigrationFileBytes < 1) {
      throw new PluginException("maxMigrationFileBytes must be at least 1, got " + maxMigrationFileBytes);
    }
    if (runtimePoolSize < 1 || runtimePoolSize > 100) {
      throw new PluginException("runtimePoolSize must be between 1 and 100, got " + runtimePoolSize);
    }
  }

  /** 5 min per migration statement, 30 s lock wait, 8 MiB files, 30 s / 10 s at runtime, 4 connections, validation on. */
  public static PluginSettings defaults() {
    return new PluginSettings(Duration.ofMinutes(5), Duration.ofSeconds(30), DEFAULT_MAX_MIGRATION_FILE_BYTES,
        Duration.ofSeconds(30), Duration.ofSeconds(10), 4, true);
  }

  /** Returns a copy with another migration statement timeout. */
  public PluginSettings withMigrationStatementTimeout(Duration d) {
    return new PluginSettings(d, migrationLockTimeout, maxMigrationFileBytes, runtimeStatementTimeout,
        runtimeLockTimeout, runtimePoolSize, validate);
  }

  /** Returns a copy with another migration lock timeout. */
  public PluginSettings withMigrationLockTimeout(Duration d) {
    return new PluginSettings(migrationStatementTimeout, d, maxMigrationFileBytes, runtimeStatementTimeout,
        runtimeLockTimeout, runtimePoolSize, validate);
  }

  /** Returns a copy with another file size limit. */
  public PluginSettings withMaxMigrationFileBytes(long bytes) {
    return new PluginSettings(migrationStatementTimeout, migrationLockTimeout, bytes, runtimeStatementTimeout,
        runtimeLockTimeout, runtimePoolSize, validate);
  }

  /** Returns a copy with other runtime timeouts. */
  public PluginSettings withRuntimeTimeouts(Duration statement, Duration lock) {
    return new PluginSettings(migrationStatementTimeout, migrationLockTimeout, maxMigrationFileBytes, statement,
        lock, runtimePoolSize, validate);
  }

  /** Returns a copy with another runtime pool size. */
  public PluginSettings withRuntimePoolSize(int size) {
    return new PluginSettings(migrationStatementTimeout, migrationLockTimeout, maxMigrationFileBytes,
        runtimeStatementTimeout, runtimeLockTimeout, size, validate);
  }

  /** Returns a copy with validation switched on or off. */
  public PluginSettings withValidation(boolean on) {
    return new PluginSettings(migrationStatementTimeout, migrationLockTimeout, maxMigrationFileBytes,
        runtimeStatementTimeout, runtimeLockTimeout, runtimePoolSize, on);
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new PluginException(name + " must be positive, got " + d);
    }
  }
}
