package ing.paperclip.db.core.migrate;

import java.util.logging.Level;
import liquibase.logging.core.AbstractLogService;
import liquibase.logging.core.AbstractLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liquibase's own log, sent to SLF4J under Liquibase's class names ({@code liquibase.*}): its
 * SEVERE as ERROR, WARNING as WARN, INFO down to FINE as DEBUG, finer as TRACE, so the host's
 * logging configuration decides what is shown (the CLI shows it with {@code --verbose}). Nothing
 * is ever written to standard output.
 */
final class Slf4jLogService extends AbstractLogService {
  @Override
  public int getPriority() {
    return PRIORITY_SPECIALIZED;
  }

  @Override
  @SuppressWarnings("rawtypes") // Liquibase's signature
  public liquibase.logging.Logger getLog(Class clazz) {
    return new Forwarder(LoggerFactory.getLogger(clazz));
  }

  private static final class Forwarder extends AbstractLogger {
    private final Logger log;

    Forwarder(Logger log) {
      this.log = log;
    }

    @Override
    public void close() {
      // nothing to release: SLF4J loggers are shared
    }

    @Override
    public void log(Level level, String message, Throwable e) {
      int v = level.intValue();
      if (v == Level.OFF.intValue()) {
        return; // Liquibase's way of saying "not logged" (its analytics messages default to OFF)
      } else if (v >= Level.SEVERE.intValue()) {
        log.error(message, e);
      } else if (v >= Level.WARNING.intValue()) {
        log.warn(message, e);
      } else if (v >= Level.FINE.intValue()) {
        // Liquibase's INFO is a line per changeset and per failed precondition (multi-line): detail
        // for a host's DEBUG, not its INFO (the migrator reports what it applied on its own).
        log.debug(message, e);
      } else {
        log.trace(message, e);
      }
    }
  }
}
