package ing.paperclip.db.core.pool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.settings.PoolSettings;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Builds HikariCP pools for Paperclip connections. The runtime pool serves application queries;
 * the migration pool (at most two connections) serves schema checks, migrations and plugin
 * namespace migrations, and should point at a direct connection, not a transaction pooler.
 *
 * <p>Stateless; each call returns a new pool the caller must close.
 */
public final class ConnectionPools {
  private ConnectionPools() {}

  /**
   * Opens the runtime pool and checks that one connection works.
   *
   * @param spec where to connect
   * @param settings pool settings
   * @param name the pool's name in logs
   * @return a started pool
   * @throws PaperclipException {@link ErrorCode#CONNECTION} when the database cannot be reached
   *     within the connect timeout, naming the redacted URL and the cause
   */
  public static HikariDataSource open(ConnectionSpec spec, PoolSettings settings, String name) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(settings, "settings");
    HikariConfig c = new HikariConfig();
    c.setPoolName(name);
    c.setJdbcUrl(spec.jdbcUrl());
    spec.driverProperties().forEach((k, v) -> c.addDataSourceProperty((String) k, v));
    c.setMaximumPoolSize(settings.maxSize());
    c.setMinimumIdle(0);
    c.setIdleTimeout(Math.max(settings.idleTimeout().toMillis(), 10_000));
    c.setConnectionTimeout(settings.connectTimeout().toMillis());
    c.setInitializationFailTimeout(settings.connectTimeout().toMillis());
    // The driver's own connect timeout, so an unreachable host fails within the limit too.
    long seconds = Math.max(1, (settings.connectTimeout().toMillis() + 999) / 1000);
    c.addDataSourceProperty("connectTimeout", Long.toString(seconds));
    c.addDataSourceProperty("ApplicationName", "paperclip-db");
    if (!settings.preparedStatements()) {
      c.addDataSourceProperty("prepareThreshold", "0");
    }
    try {
      return new HikariDataSource(c);
    } catch (HikariPool.PoolInitializationException e) {
      throw connectionFailed(spec, e.getCause() != null ? e.getCause() : e);
    } catch (RuntimeException e) {
      throw connectionFailed(spec, e);
    }
  }

  /** Opens the migration pool: same as {@link #open} with at most two connections. */
  public static HikariDataSource openMigration(ConnectionSpec spec, PoolSettings settings) {
    return open(spec, settings.withMaxSize(Math.min(2, settings.maxSize())), "paperclip-migration");
  }

  /** Builds the one-line error for a failed connection, without the password. */
  public static PaperclipException connectionFailed(ConnectionSpec spec, Throwable cause) {
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (cause instanceof SQLException sql && sql.getSQLState() != null) {
      why = why + " (SQLSTATE " + sql.getSQLState() + ")";
    }
    if (spec.password() != null) {
      why = why.replace(spec.password(), "****");
    }
    return new PaperclipException(ErrorCode.CONNECTION, "cannot connect to " + spec.redacted()
        + ": " + firstLine(why) + "; check that the server is running and the URL, user and password are right",
        cause);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * Closes the idle connections of each pool given (null ones and repeats skipped; a connection in
   * use closes when it is returned); the pools stay open and connect again when next used. For a
   * moment that needs no session of this process on the database, such as a restore renaming it.
   * The pools keep no minimum of idle connections ({@link #open}), so none is opened again at once.
   */
  public static void releaseIdle(HikariDataSource... pools) {
    for (HikariDataSource pool : pools) {
      if (pool != null && pool.getHikariPoolMXBean() != null) {
        pool.getHikariPoolMXBean().softEvictConnections();
      }
    }
  }
}
