package ing.paperclip.db.backup.internal;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The backup's table locks, as pg_dump takes them but with the window before the snapshot closed.
 *
 * <p>A REPEATABLE READ transaction takes its snapshot at its first query, and {@code LOCK TABLE}
 * is not a query: PostgreSQL runs it without a snapshot. So the main connection lists the tables
 * to back up in a transaction of its own, begins the snapshot transaction, takes ACCESS SHARE on
 * every listed table, and only then runs its first query, which freezes the snapshot and checks
 * that every table it sees is locked (one created between the listing and the locks makes it
 * start over). A TRUNCATE or DDL therefore either committed before the snapshot, or waits for
 * the backup; it can never commit between the snapshot and the lock.
 *
 * <p>Workers that import the exported snapshot lock their table again with {@code NOWAIT}
 * before reading it: a DDL queued behind the main connection's lock would otherwise queue the
 * worker behind itself while the main connection waits for the worker, a wait with no end. With
 * {@code NOWAIT} the backup fails at once, naming the table and the waiting session. Every other
 * wait is bounded by {@code lock_timeout}. Stateless.
 */
public final class TableLocks {
  /** The tables a backup reads, as a predicate on {@code pg_class c} joined to {@code pg_namespace n}. */
  private static final String BACKED_UP = "c.relkind IN ('r', 'p') AND n.nspname NOT IN "
      + "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname "
      + "NOT LIKE 'pg\\_temp%' AND pg_catalog.has_table_privilege(c.oid, 'SELECT')";
  private static final int ATTEMPTS = 5;
  private static final String LOCK_NOT_AVAILABLE = "55P03";
  private static final String UNDEFINED_TABLE = "42P01";

  private TableLocks() {}

  /**
   * Locks every table to back up and takes the snapshot on {@code main}.
   *
   * @param main an idle connection in autocommit mode; left inside the snapshot transaction
   * @param lockTimeout bounds each lock wait
   * @param database names the database in messages
   * @throws PaperclipException {@link ErrorCode#BACKUP} when a lock is not granted in time
   *     (naming the table and the sessions holding or awaiting it) or the tables keep changing
   */
  public static void lockThenSnapshot(Connection main, Duration lockTimeout, String database)
      throws SQLException {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      List<String[]> tables = list(main);
      Snapshot.begin(main, null, lockTimeout);
      String failed = lock(main, tables, lockTimeout, database);
      if (failed != null) {
        // dropped or renamed since the listing: list again
        Snapshot.end(main);
        continue;
      }
      if (unlockedInSnapshot(main) == 0) {
        return;
      }
      Snapshot.end(main);
    }
    throw new PaperclipException(ErrorCode.BACKUP, "backup of " + database + " could not lock its"
        + " tables: tables were created, dropped or renamed during each of " + ATTEMPTS
        + " attempts; retry when the schema changes are done (nothing was written)");
  }

  private static List<String[]> list(Connection c) throws SQLException {
    List<String[]> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            + " ON n.oid = c.relnamespace WHERE " + BACKED_UP + " ORDER BY c.oid")) {
      while (rs.next()) {
        out.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    return out;
  }

  /** Locks in one statement; returns a table that no longer exists, or null when all are locked. */
  private static String lock(Connection c, List<String[]> tables, Duration lockTimeout,
      String database) throws SQLException {
    if (tables.isEmpty()) {
      return null;
    }
    String names = tables.stream().map(t -> "ONLY " + SqlIdentifiers.qualified(t[0], t[1]))
        .collect(Collectors.joining(", "));
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE " + names + " IN ACCESS SHARE MODE");
      return null;
    } catch (SQLException e) {
      if (UNDEFINED_TABLE.equals(e.getSQLState())) {
        return e.getMessage();
      }
      if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
        throw e;
      }
      Snapshot.end(c);
      String[] t = firstUnavailable(c, tables);
      String table = t == null ? "one of its tables" : "table " + t[0] + "." + t[1];
      throw new PaperclipException(ErrorCode.BACKUP, "backup of " + database + " could not lock "
          + table + " within the lock timeout of " + lockTimeout.toMillis() + " ms"
          + (t == null ? "" : ": " + sessions(c, t[0], t[1], true)) + "; retry when it is done, or"
          + " raise --lock-timeout (nothing was written)", e);
    }
  }

  /** Finds the table the lock timed out on (PostgreSQL does not say): the first not free now. */
  private static String[] firstUnavailable(Connection c, List<String[]> tables) {
    try {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String[] t : tables) {
          try {
            s.execute("SAVEPOINT probe");
            s.execute("LOCK TABLE ONLY " + SqlIdentifiers.qualified(t[0], t[1]) + " IN ACCESS SHARE MODE NOWAIT");
            s.execute("RELEASE SAVEPOINT probe");
          } catch (SQLException e) {
            s.execute("ROLLBACK TO SAVEPOINT probe");
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
              return t;
            }
          }
        }
      } finally {
        Snapshot.end(c);
      }
    } catch (SQLException e) {
      // only a diagnosis: the caller's message stands without it
    }
    return null;
  }

  /** The first query of the snapshot transaction: counts tables it sees that are not locked. */
  private static int unlockedInSnapshot(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            + " ON n.oid = c.relnamespace WHERE " + BACKED_UP + " AND NOT EXISTS (SELECT 1 FROM"
            + " pg_catalog.pg_locks l WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype ="
            + " 'relation' AND l.relation = c.oid AND l.granted)")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * Locks one table on a worker connection without waiting.
   *
   * @throws PaperclipException {@link ErrorCode#BACKUP} when another session holds or awaits a
   *     conflicting lock, naming it
   */
  public static void lockNowait(Connection worker, String schema, String table, String database)
      throws SQLException {
    try (Statement s = worker.createStatement()) {
      s.execute("LOCK TABLE ONLY " + SqlIdentifiers.qualified(schema, table) + " IN ACCESS SHARE MODE NOWAIT");
    } catch (SQLException e) {
      if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
        throw e;
      }
      Snapshot.end(worker);
      throw new PaperclipException(ErrorCode.BACKUP, "backup of " + database + " stopped: table "
          + schema + "." + table + " is wanted by another session while the backup reads it ("
          + sessions(worker, schema, table, false) + "); the backup gave way so that it need not wait"
          + " for the backup to end; retry the backup when the schema change is done (nothing was"
          + " written)", e);
    }
  }

  /**
   * Describes the sessions that hold ({@code held}) or await a lock on a table other than ACCESS
   * SHARE, by pid, user, application and mode; never their query text, which may hold secrets.
   */
  static String sessions(Connection c, String schema, String table, boolean held) {
    String sql = "SELECT l.pid, a.usename, a.application_name, l.mode, l.granted,"
        + " pg_catalog.array_to_string(pg_catalog.pg_blocking_pids(l.pid), ',')"
        + " FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_class c ON c.oid = l.relation"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
        + " WHERE n.nspname = ? AND c.relname = ? AND l.locktype = 'relation'"
        + " AND l.mode <> 'AccessShareLock' AND l.pid <> pg_catalog.pg_backend_pid()"
        + " ORDER BY l.granted DESC, l.pid";
    List<String> out = new ArrayList<>();
    try {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, schema);
        ps.setString(2, table);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && out.size() < 5) {
            String app = rs.getString(3);
            out.add("session " + rs.getInt(1) + " (user " + rs.getString(2)
                + (app == null || app.isEmpty() ? "" : ", application '" + app + "'") + ") "
                + (rs.getBoolean(5) ? "holds " : "waits for ") + rs.getString(4)
                + (rs.getBoolean(5) || rs.getString(6).isEmpty() ? "" : " behind session(s) " + rs.getString(6)));
          }
        }
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      return "the session could not be named: " + e.getMessage();
    }
    if (out.isEmpty()) {
      return held ? "a session held a conflicting lock that is gone now" : "the conflicting session is gone now";
    }
    return String.join("; ", out);
  }
}
