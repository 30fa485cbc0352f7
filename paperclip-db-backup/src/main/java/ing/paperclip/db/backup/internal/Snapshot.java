package ing.paperclip.db.backup.internal;

import ing.paperclip.db.backup.file.BackupFormat;
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
   * snapshot, with timeouts off except lock waits, which are bounded by {@code lockTimeout}, and
   * row security off, for this transaction only (SET LOCAL, so a pooled connection is returned
   * unchanged). Runs no query: the snapshot is taken by the caller's first one. Every connection
   * of a backup, the main one and each worker, goes through here, so all of them read with the
   * settings the file's header declares ({@link BackupFormat#SETTINGS}: empty {@code search_path},
   * {@code standard_conforming_strings = on}, ...) whatever the role's or database's defaults: a
   * {@code regclass} value or a deparsed literal then reads back the same on restore.
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
      for (String line : BackupFormat.SETTINGS) {
        s.execute(local(line));
      }
      // the header's lock_timeout = 0 is for the restore; a backup never waits longer than asked
      s.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
      s.execute("SET LOCAL extra_float_digits = 3");
      s.execute("SET LOCAL DateStyle = 'ISO'");
      s.execute("SET LOCAL IntervalStyle = 'postgres'");
    }
  }

  /** Turns a header line ({@code SET x = v;} or a session-wide set_config) into its SET LOCAL. */
  static String local(String headerLine) {
    String sql = headerLine.endsWith(";") ? headerLine.substring(0, headerLine.length() - 1) : headerLine;
    if (sql.startsWith("SET ")) {
      return "SET LOCAL " + sql.substring(4);
    }
    if (sql.startsWith("SELECT pg_catalog.set_config(") && sql.endsWith(", false)")) {
      return sql.substring(0, sql.length() - ", false)".length()) + ", true)";
    }
    throw new IllegalStateException("unexpected header setting: " + headerLine);
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
