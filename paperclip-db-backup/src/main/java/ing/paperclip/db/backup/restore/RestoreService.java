package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.script.ScriptItem;
import ing.paperclip.db.backup.script.ScriptReader;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup (ours, a plain pg_dump file, or the original Paperclip's) into a database.
 *
 * <p>The file is verified and planned first ({@link RestorePlanner}), so a damaged, truncated or
 * foreign file is refused before the target is touched. A target holding anything (a relation,
 * type or function in a non-system schema, a schema besides {@code public}, an extension besides
 * plpgsql) is refused unless {@link RestoreOptions#clean()}. Everything — the cleaning, every
 * statement, every COPY — runs in ONE transaction: on any failure it rolls back and the target is
 * exactly as before. Rows stream from the file to {@code COPY FROM STDIN}; memory stays bounded.
 *
 * <p>Built with a plain constructor; stateless and thread-safe.
 */
public final class RestoreService {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreService.class);

  private final DataSource target;
  private final RestorePlanner planner = new RestorePlanner();

  /**
   * Creates a service restoring into the database the data source connects to.
   *
   * @param target the target database (a direct connection; the restore uses one connection)
   */
  public RestoreService(DataSource target) {
    this.target = Objects.requireNonNull(target, "target");
  }

  /** Verifies the file and returns its plan, touching no database. */
  public RestorePlan plan(Path file, RestoreOptions options) {
    return planner.plan(file, options.noOwner());
  }

  /**
   * Restores a file.
   *
   * @return what was done
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} for a bad file,
   *     {@link ErrorCode#RESTORE} for a refused target or a failed statement (the target unchanged)
   */
  public RestoreResult restore(Path file, RestoreOptions options, RestoreListener listener) {
    long t0 = System.nanoTime();
    RestorePlan plan = planner.plan(file, options.noOwner());
    try (Connection c = target.getConnection()) {
      c.setAutoCommit(false);
      Executor ex = null;
      try {
        boolean cleaned = false;
        int objects = countUserObjects(c);
        if (objects > 0) {
          if (!options.clean()) {
            throw new PaperclipException(ErrorCode.RESTORE, "the target database is not empty ("
                + objects + " objects in non-system schemas); restore into an empty database, or "
                + "pass --clean to drop its schemas first (nothing was changed)");
          }
          clean(c);
          cleaned = true;
        }
        ex = new Executor(c, options, plan, listener);
        try (InputStream in = BackupFormat.openText(file)) {
          new ScriptReader(new InputStreamReader(in, StandardCharsets.UTF_8)).read(ex);
        }
        ex.checkRows();
        c.commit();
        LOG.info("restored {} ({} tables, {} rows)", file, ex.tables, ex.rows);
        return new RestoreResult(file, plan.format(), ex.statements, ex.tables, ex.rows, cleaned,
            java.time.Duration.ofNanos(System.nanoTime() - t0), plan.warnings());
      } catch (SQLException | IOException | RuntimeException e) {
        if (ex != null) {
          ex.abortCopy();
        }
        rollback(c);
        if (e instanceof PaperclipException pe) {
          throw pe;
        }
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        throw new PaperclipException(ErrorCode.RESTORE, "restore of " + file + " failed: "
            + oneLine(cause) + "; the target was left unchanged", cause);
      }
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot connect to the restore target: "
          + oneLine(e), e);
    }
  }

  /** Counts user objects: relations, types, functions in non-system schemas, extra schemas and extensions. */
  static int countUserObjects(Connection c) throws SQLException {
    String userSchema = "n.nspname NOT IN ('pg_catalog', 'information_schema') "
        + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " + userSchema + ")"
            + " + (SELECT count(*) FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
            + "     WHERE " + userSchema + " AND t.typtype IN ('e', 'd', 'r', 'm'))"
            + " + (SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE " + userSchema + ")"
            + " + (SELECT count(*) FROM pg_catalog.pg_namespace n WHERE " + userSchema + " AND n.nspname <> 'public')"
            + " + (SELECT count(*) FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql')")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Drops every non-system schema and extension, then recreates {@code public} as a new database has it. */
  private static void clean(Connection c) throws SQLException {
    List<String> schemas = new ArrayList<>();
    List<String> extensions = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT extname FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql'")) {
        while (rs.next()) {
          extensions.add(rs.getString(1));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE "
          + "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
          + "AND n.nspname NOT LIKE 'pg\\_temp%'")) {
        while (rs.next()) {
          schemas.add(rs.getString(1));
        }
      }
      for (String x : extensions) {
        s.execute("DROP EXTENSION IF EXISTS " + SqlIdentifiers.quote(x) + " CASCADE");
      }
      for (String n : schemas) {
        s.execute("DROP SCHEMA IF EXISTS " + SqlIdentifiers.quote(n) + " CASCADE");
      }
      s.execute("CREATE SCHEMA public AUTHORIZATION pg_database_owner");
      s.execute("GRANT USAGE ON SCHEMA public TO PUBLIC");
      s.execute("COMMENT ON SCHEMA public IS 'standard public schema'");
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is closed next; the server rolls back anyway
    }
  }

  private static String oneLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Runs the script's items on the connection. */
  private static final class Executor implements ScriptReader.Handler {
    private final Connection c;
    private final RestoreOptions options;
    private final RestoreListener listener;
    private final List<RestoreStep.LoadTableData> expected;
    private final Statement st;
    private final byte[] buf = new byte[1 << 16];
    private int bufLen;
    private CopyIn copy;
    private String copyName;
    private long copyBytes;
    private long statements;
    private long tables;
    private long rows;
    private long bytes;
    private final List<Long> loaded = new ArrayList<>();

    Executor(Connection c, RestoreOptions options, RestorePlan plan, RestoreListener listener) throws SQLException {
      this.c = c;
      this.options = options;
      this.listener = listener;
      this.expected = plan.steps().stream().filter(s -> s instanceof RestoreStep.LoadTableData)
          .map(s -> (RestoreStep.LoadTableData) s).toList();
      this.st = c.createStatement();
    }

    @Override
    public void item(ScriptItem item) throws IOException {
      try {
        if (item instanceof ScriptItem.MetaCommand) {
          return;
        }
        if (item instanceof ScriptItem.CopyStart cs) {
          copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(cs.sql());
          String[] t = RestorePlanner.copyTarget(cs.sql());
          copyName = t[0] + "." + t[1];
          copyBytes = 0;
          bufLen = 0;
          return;
        }
        ScriptItem.Statement s = (ScriptItem.Statement) item;
        String sql = s.sql();
        if (RestorePlanner.isTransactionControl(sql) || (options.noOwner() && RestorePlanner.isOwnerChange(sql))) {
          return;
        }
        try {
          st.execute(sql);
          statements++;
        } catch (SQLException e) {
          String hint = "42501".equals(e.getSQLState()) && sql.contains("session_replication_role")
              ? " (this backup of the original Paperclip disables triggers and needs a superuser)" : "";
          throw new PaperclipException(ErrorCode.RESTORE, "restore failed at line " + s.line() + " ("
              + summary(sql) + "): " + oneLine(e) + hint + "; the target was left unchanged", e);
        }
      } catch (SQLException e) {
        throw new PaperclipException(ErrorCode.RESTORE, "restore failed: " + oneLine(e)
            + "; the target was left unchanged", e);
      }
    }

    @Override
    public void copyLine(String line) throws IOException {
      byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
      if (bufLen + b.length > buf.length) {
        flush();
      }
      if (b.length > buf.length) {
        write(b, b.length);
      } else {
        System.arraycopy(b, 0, buf, bufLen, b.length);
        bufLen += b.length;
      }
    }

    private void flush() throws IOException {
      if (bufLen > 0) {
        write(buf, bufLen);
        bufLen = 0;
      }
    }

    private void write(byte[] b, int n) throws IOException {
      try {
        copy.writeToCopy(b, 0, n);
        copyBytes += n;
      } catch (SQLException e) {
        throw new PaperclipException(ErrorCode.RESTORE, "loading " + copyName + " failed: "
            + oneLine(e) + "; the target was left unchanged", e);
      }
    }

    @Override
    public void copyEnd() throws IOException {
      flush();
      try {
        long n = copy.endCopy();
        loaded.add(n);
        tables++;
        rows += n;
        bytes += copyBytes;
        listener.tableDone(copyName, n, (int) tables, expected.size(), bytes);
      } catch (SQLException e) {
        throw new PaperclipException(ErrorCode.RESTORE, "loading " + copyName + " failed: "
            + oneLine(e) + "; the target was left unchanged", e);
      } finally {
        copy = null;
      }
    }

    void abortCopy() {
      if (copy != null) {
        try {
          copy.cancelCopy();
        } catch (SQLException ignored) {
          // the transaction is rolled back next
        }
        copy = null;
      }
    }

    void checkRows() {
      for (int i = 0; i < Math.min(expected.size(), loaded.size()); i++) {
        RestoreStep.LoadTableData e = expected.get(i);
        if (e.expectedRows() != loaded.get(i)) {
          throw new PaperclipException(ErrorCode.RESTORE, e.schema() + "." + e.table() + ": the server "
              + "loaded " + loaded.get(i) + " rows but the file holds " + e.expectedRows()
              + "; the target was left unchanged");
        }
      }
    }

    private static String summary(String sql) {
      String one = sql.replaceAll("\\s+", " ").strip();
      return one.length() > 60 ? one.substring(0, 57) + "..." : one;
    }
  }
}
