package ing.paperclip.db.backup.schedule;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.ConnectionSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The lock that keeps a restore and backups of one database apart: a PostgreSQL advisory lock in
 * the database itself, so every process reaching the instance (the CLI, an embedding host's
 * {@link BackupScheduler}, {@code db backup --every}) sees it. Backups take it shared (several may
 * run at once), a restore takes it exclusively for its whole run; a scheduled backup that finds a
 * restore holding it is skipped and says so, a restore waits for running backups to end.
 *
 * <p>A lease holds one connection of its own until it is closed; closing the connection (or the
 * process dying) releases the lock. Thread-safe; leases are not shared between threads.
 */
public final class InstanceLock {
  /** The first key of the advisory lock ({@code 'PCLP'}), visible as {@code classid} in {@code pg_locks}. */
  public static final int KEY_CLASS = 0x50434c50;
  /** The second key of the advisory lock, visible as {@code objid} in {@code pg_locks}. */
  public static final int KEY_OBJECT = 20;

  private final Connector connector;

  /** Opens the lock's connection. */
  @FunctionalInterface
  private interface Connector {
    Connection open() throws SQLException;
  }

  /** An acquired lock; {@link #close()} releases it. */
  public interface Lease extends AutoCloseable {
    /** Releases the lock (closes its connection). Never throws. */
    @Override
    void close();
  }

  /**
   * Creates the lock of the database the spec names, taken on connections of its own.
   *
   * @param spec the instance's database
   */
  public InstanceLock(ConnectionSpec spec) {
    Objects.requireNonNull(spec, "spec");
    this.connector = () -> {
      Properties p = spec.driverProperties();
      p.setProperty("ApplicationName", "paperclip-db instance lock");
      return DriverManager.getConnection(spec.jdbcUrl(), p);
    };
  }

  /**
   * Creates the lock of the database a data source reaches; a lease keeps one of its connections.
   *
   * @param dataSource the instance's database
   */
  public InstanceLock(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    this.connector = dataSource::getConnection;
  }

  /**
   * Takes the lock shared for a backup, without waiting.
   *
   * @return the lease, or empty when a restore holds the lock ({@link #holder()} says which)
   * @throws PaperclipException {@link ErrorCode#CONNECTION} when the database cannot be reached
   */
  public Optional<Lease> tryBackup() {
    Connection c = open();
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock_shared(?, ?)")) {
      ps.setInt(1, KEY_CLASS);
      ps.setInt(2, KEY_OBJECT);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getBoolean(1)) {
          return Optional.of(lease(c, "pg_advisory_unlock_shared"));
        }
      }
    } catch (SQLException e) {
      close(c);
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot take the instance lock for a backup: "
          + firstLine(e.getMessage()), e);
    }
    close(c);
    return Optional.empty();
  }

  /**
   * Takes the lock exclusively for a restore, waiting up to {@code wait} for running backups.
   *
   * @param wait the longest wait, at least 1 ms
   * @param waiting told once, with {@link #holder()}'s words, when the lock is busy and the wait begins
   * @return the lease; hold it until the restore (and its checks) are done
   * @throws PaperclipException {@link ErrorCode#CONFLICT} when the wait ran out (nothing was
   *     changed), {@link ErrorCode#CONNECTION} when the database cannot be reached
   */
  public Lease acquireRestore(Duration wait, java.util.function.Consumer<String> waiting) {
    Connection c = open();
    try {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
        ps.setInt(1, KEY_CLASS);
        ps.setInt(2, KEY_OBJECT);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            return lease(c, "pg_advisory_unlock");
          }
        }
      }
      waiting.accept(holder(c).orElse("another session"));
      try (Statement s = c.createStatement()) {
        s.execute("SET lock_timeout = " + Math.max(1, wait.toMillis()));
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
        ps.setInt(1, KEY_CLASS);
        ps.setInt(2, KEY_OBJECT);
        ps.execute();
      }
      try (Statement s = c.createStatement()) {
        s.execute("RESET lock_timeout");
      }
      return lease(c, "pg_advisory_unlock");
    } catch (SQLException e) {
      String who = "55P03".equals(e.getSQLState()) ? holder(c).orElse("another session") : null;
      close(c);
      if (who != null) {
        throw new PaperclipException(ErrorCode.CONFLICT, "refusing to restore: " + who + " still holds the "
            + "instance lock after " + wait.toSeconds() + " s; nothing was changed. Wait for it to finish "
            + "(or stop it) and run the restore again");
      }
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot take the instance lock for a restore: "
          + firstLine(e.getMessage()), e);
    }
  }

  /**
   * Describes who holds the lock now, e.g. {@code "a restore (pid 4711, 'paperclip-db instance
   * lock', since 2026-01-01 10:00:00+00)"}.
   *
   * @return the words, or empty when nobody holds it
   * @throws PaperclipException {@link ErrorCode#CONNECTION} when the database cannot be reached
   */
  public Optional<String> holder() {
    Connection c = open();
    try {
      return holder(c);
    } finally {
      close(c);
    }
  }

  private static Optional<String> holder(Connection c) {
    try (PreparedStatement ps = c.prepareStatement("SELECT l.mode, l.pid, a.backend_start::text "
        + "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
        + "AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        + "AND l.classid = ?::bigint::oid AND l.objid = ?::bigint::oid AND l.objsubid = 2 AND l.pid <> pg_backend_pid() "
        + "ORDER BY l.mode DESC, l.pid")) {
      ps.setInt(1, KEY_CLASS);
      ps.setInt(2, KEY_OBJECT);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String what = "ExclusiveLock".equals(rs.getString(1)) ? "a restore" : "a running backup";
        return Optional.of(what + " (server pid " + rs.getInt(2) + ", connected since " + rs.getString(3) + ")");
      }
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  private Connection open() {
    try {
      return connector.open();
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot connect for the instance lock: "
          + firstLine(e.getMessage()) + "; check the database URL and that the server is running", e);
    }
  }

  /** A pooled connection outlives the lease: the lock is released explicitly, not by closing. */
  private static Lease lease(Connection c, String unlock) {
    return () -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + unlock + "(?, ?)")) {
        ps.setInt(1, KEY_CLASS);
        ps.setInt(2, KEY_OBJECT);
        ps.execute();
      } catch (SQLException ignored) {
        // a broken connection has lost its session, and the lock with it
      }
      close(c);
    };
  }

  private static void close(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing the session releases its advisory locks either way
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
