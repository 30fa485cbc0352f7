package ing.paperclip.db.backup.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** Puts connections into the backup's snapshot. Stateless. */
public final class Snapshot {
  private Snapshot() {}

  /**
   * Starts a REPEATABLE READ, READ ONLY transaction on {@code c}, optionally importing an exported
   * snapshot, with statement timeouts off, every lock wait bounded by {@code lockTimeout} and row
   * security off for this transaction only (SET LOCAL, so a pooled connection is returned
   * unchanged). Runs no query: the snapshot is taken by the caller's first one.
   *
   * @param snapshotId an id from {@code pg_export_snapshot()}, or null
   * @param lockTimeout the longest a lock is waited for
   */
  public static void begin(Connection c, String snapshotId, Duration lockTimeout) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      if (snapshotId != null) {
        if (!snapshotId.matches("[0-9A-Fa-f-]+")) {
          throw new SQLException("unexpected snapshot id format");
        }
        s.execute("SET TRANSACTION SNAPSHOT '" + snapshotId + "'");
      }
      s.execute("SET LOCAL statement_timeout = 0");
      s.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
      s.execute("SET LOCAL idle_in_transaction_session_timeout = 0");
      s.execute("SET LOCAL row_security = off");
      s.execute("SET LOCAL extra_float_digits = 3");
      s.execute("SET LOCAL DateStyle = 'ISO'");
      s.execute("SET LOCAL IntervalStyle = 'postgres'");
    }
  }

  /** Exports the snapshot of {@code c}'s transaction for parallel workers. */
  public static String export(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Ends the read-only transaction, quietly. */
  public static void end(Connection c) {
    try {
      c.rollback();
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the connection is closed next; nothing was written
    }
  }
}
