package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.internal.Sha256;
import ing.paperclip.db.backup.script.ScriptItem;
import ing.paperclip.db.backup.script.ScriptPolicy;
import ing.paperclip.db.backup.script.ScriptReader;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
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
 * plpgsql) is refused unless {@link RestoreOptions#clean()}.
 *
 * <p>With {@link RestoreOptions#oneTransaction()} (jobs 1, {@code singleTransaction} or
 * {@code clean}) or for files other than ours, everything — the cleaning, every statement, every
 * COPY — runs in ONE transaction: on any failure it rolls back and the target is exactly as
 * before. Otherwise our files restore in parallel like {@code pg_restore -j} (see
 * {@link ParallelRestore}): on any failure everything the restore created is dropped again. Rows
 * stream from the file to {@code COPY FROM STDIN} in large chunks, never parsed in Java; memory
 * stays bounded.
 *
 * <p>Built with a plain constructor; stateless and thread-safe.
 */
public final class RestoreService {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreService.class);

  /** The note a result carries when the target's fresh core schema was replaced. */
  static final String REPLACED_FRESH_CORE = "the target held only the empty core schema a new instance "
      + "migrates (its journal this build's, no rows, nothing else): the backup replaced it";

  private final Connector target;
  /**
   * How to inspect the target for a fresh core schema (a role that may create a scratch database),
   * or null (a data source): a fresh core schema is then not recognised.
   */
  private final ConnectionSpec inspector;
  private final RestorePlanner planner;

  /** Opens a connection to the target. */
  @FunctionalInterface
  interface Connector {
    Connection open() throws SQLException;
  }

  /**
   * Creates a service restoring into the database the data source connects to. A parallel
   * restore takes up to {@link RestoreOptions#jobs()} connections at once from it (a pool smaller
   * than that makes it wait for its connection timeout and go on with fewer), sets session
   * settings on them and closes them at the end.
   *
   * @param target the target database
   */
  public RestoreService(DataSource target) {
    Objects.requireNonNull(target, "target");
    this.target = target::getConnection;
    this.inspector = null;
    this.planner = new RestorePlanner();
  }

  private RestoreService(Connector target, ConnectionSpec inspector, RestorePlanner planner) {
    this.target = target;
    this.inspector = inspector;
    this.planner = planner;
  }

  /**
   * Returns a service like this one that verifies files with {@code verifier}: its key checks
   * signatures, and unless it accepts unsigned files a file of ours not signed by that key is
   * refused before the target is touched. The default verifier has no key and accepts them.
   *
   * @param verifier the verifier, not null
   */
  public RestoreService withVerifier(BackupVerifier verifier) {
    return new RestoreService(target, inspector, new RestorePlanner(verifier));
  }

  /**
   * Creates a service opening its own connections (no pool) to the database the spec names. A
   * target holding only the untouched core schema this build migrates (a new instance's) counts
   * as empty and is replaced.
   *
   * @param target the target database
   */
  public RestoreService(ConnectionSpec target) {
    this(target, target);
  }

  /**
   * Creates a service opening its own connections (no pool) to the database {@code target} names,
   * recognising a fresh core schema there through {@code inspector}: the same database reached as
   * a role that may create the scratch database the check migrates (e.g. an embedded cluster's
   * superuser, when the restoring role may not).
   *
   * @param target the target database
   * @param inspector the same database, as a role with CREATEDB
   */
  public RestoreService(ConnectionSpec target, ConnectionSpec inspector) {
    Objects.requireNonNull(target, "target");
    this.inspector = Objects.requireNonNull(inspector, "inspector");
    this.target = () -> {
      Properties p = target.driverProperties();
      p.setProperty("ApplicationName", "paperclip-db restore");
      return DriverManager.getConnection(target.jdbcUrl(), p);
    };
    this.planner = new RestorePlanner();
  }

  /** Verifies the file and returns its plan, touching no database. */
  public RestorePlan plan(Path file, RestoreOptions options) {
    return planner.plan(file, options);
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
    Map<String, Long> phases = new LinkedHashMap<>();
    RestorePlanner.Planned planned = planner.plan(file, options.noOwner(), !options.oneTransaction(),
        options.trustFile());
    RestorePlan plan = planned.plan();
    phases.put("verify", millisSince(t0));
    LOG.debug("restore of {}: verified and planned in {} ms", file, phases.get("verify"));
    RestoreScript script = planned.script();
    Optional<String> fallback = Optional.empty(); // why a restore that may run in parallel does not
    if (!options.oneTransaction()) {
      if (script != null && script.dataOnlyInBlocks()) {
        ParallelRestore.Outcome o = new ParallelRestore(target, file, plan, script, options, listener, phases, t0,
            this::notFreshCoreSchema).run();
        if (o instanceof ParallelRestore.Outcome.Restored r) {
          return r.result();
        }
        fallback = Optional.of(((ParallelRestore.Outcome.Declined) o).reason());
      } else {
        fallback = Optional.of(script == null ? "a " + plan.format() + " file is restored statement by statement"
            : "its data section is not COPY blocks only");
      }
      LOG.info("restore of {} runs in one transaction: {}", file, fallback.get());
    }
    RestoreResult r = singleTransaction(file, options, listener, plan, planned.manifest(), phases, t0);
    return fallback.map(why -> withNote(r, ONE_TRANSACTION + why)).orElse(r);
  }

  /** The note a result carries when a restore asked to run in parallel ran in one transaction. */
  static final String ONE_TRANSACTION = "restored in one transaction instead of in parallel: ";

  private static RestoreResult withNote(RestoreResult r, String note) {
    List<String> w = new ArrayList<>(r.warnings());
    w.add(note);
    return new RestoreResult(r.file(), r.format(), r.statements(), r.tables(), r.rows(), r.cleaned(), r.duration(),
        w, r.jobs(), r.phaseMillis());
  }

  private RestoreResult singleTransaction(Path file, RestoreOptions options, RestoreListener listener,
      RestorePlan plan, BackupManifest manifest, Map<String, Long> phases, long t0) {
    try (Connection c = target.open()) {
      c.setAutoCommit(false);
      Executor ex = null;
      try {
        boolean cleaned = false;
        boolean replaced = false;
        int objects = countUserObjects(c);
        if (objects > 0) {
          if (!options.clean()) {
            Optional<String> notFresh = interruptedRestore(c).isPresent() ? Optional.of("") : notFreshCoreSchema();
            if (notFresh.isPresent()) {
              throw notEmpty(c, objects, notFresh.get());
            }
            replaced = true;
          }
          clean(c);
          cleaned = true;
        }
        raiseMaintenanceWorkMem(c, 1, true);
        long t1 = System.nanoTime();
        // the file is read again: what runs is checked again, not what was planned
        ex = new Executor(c, options, plan, listener,
            RestorePlanner.policy(plan.format(), file, options.trustFile()), manifest, file);
        try (InputStream in = BackupFormat.openText(file)) {
          new ScriptReader(in).read(ex);
        }
        ex.checkRows();
        phases.put("load", millisSince(t1));
        long t2 = System.nanoTime();
        c.commit();
        phases.put("commit", millisSince(t2));
        LOG.info("restored {} in one transaction ({} tables, {} rows; phases {})", file, ex.tables, ex.rows, phases);
        return new RestoreResult(file, plan.format(), ex.statements, ex.tables, ex.rows, cleaned,
            java.time.Duration.ofNanos(System.nanoTime() - t0), withNote(plan.warnings(), replaced), 1, phases);
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

  /**
   * Tells why the (non-empty) target is not only the untouched core schema this build migrates
   * ({@link FreshCoreSchema}), which a restore may replace.
   *
   * @return empty when it is; else why not ("" when it cannot be told: no connection settings)
   */
  Optional<String> notFreshCoreSchema() {
    if (inspector == null) {
      return Optional.of("");
    }
    Optional<String> why = FreshCoreSchema.whyNot(inspector);
    why.ifPresent(w -> LOG.info("the restore target is not a new instance's empty core schema: {}", w));
    return why;
  }

  /** The plan's warnings, and the note that a fresh core schema was replaced when it was. */
  static List<String> withNote(List<String> warnings, boolean replaced) {
    if (!replaced) {
      return warnings;
    }
    List<String> out = new ArrayList<>(warnings);
    out.add(REPLACED_FRESH_CORE);
    return out;
  }

  static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /**
   * Raises {@code maintenance_work_mem} for index and constraint builds to 1 GB shared by the
   * jobs (at most 512 MB, at least 64 MB each), never lowering the server's own setting.
   */
  static void raiseMaintenanceWorkMem(Connection c, int jobs, boolean local) throws SQLException {
    long wanted = Math.max(64L << 20, Math.min(512L << 20, (1L << 30) / jobs));
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.set_config('maintenance_work_mem', "
        + "(greatest(pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem')), ?) / 1024)::text || 'kB', ?)")) {
      ps.setLong(1, wanted);
      ps.setBoolean(2, local);
      ps.execute();
    }
  }

  /** The error for a non-empty target; names an interrupted parallel restore when it is one. */
  static PaperclipException notEmpty(Connection c, int objects, String whyNotFresh) throws SQLException {
    Optional<String> interrupted = interruptedRestore(c);
    if (interrupted.isPresent()) {
      return new PaperclipException(ErrorCode.RESTORE, "the target database holds a partial restore: "
          + interrupted.get() + " was interrupted; restore again with --clean, or drop and recreate the "
          + "database (nothing was changed)");
    }
    return new PaperclipException(ErrorCode.RESTORE, "the target database is not empty ("
        + objects + " objects in non-system schemas" + (whyNotFresh.isEmpty() ? "" : "; not a new instance's"
        + " empty core schema: " + whyNotFresh) + "); restore into an empty database, or "
        + "pass --clean to drop its schemas first (nothing was changed)");
  }

  /**
   * The comment on the schema that marks a database while a parallel restore fills it (the
   * same since the marker was introduced, so markers older versions left are found too).
   */
  public static final String MARKER_COMMENT = "a paperclip-db restore is filling this database, or was "
      + "interrupted: if no restore runs, the database is partial";

  /**
   * Looks for the marker a parallel restore leaves while it runs: a schema named
   * {@code paperclip_restore_} and 16 hex digits (or, from older versions,
   * {@code paperclip_restore_in_progress}) with the comment {@link #MARKER_COMMENT}. A database
   * holding it was being restored when the restoring process was killed, and holds part of a
   * backup. A user schema of either name without that comment is not a marker.
   *
   * @param c a connection to the database
   * @return a description of the interrupted restore (when it started, from which file), or empty
   * @throws SQLException if the catalog cannot be read
   */
  public static Optional<String> interruptedRestore(Connection c) throws SQLException {
    String marker;
    try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, pg_catalog.to_regclass("
        + "pg_catalog.quote_ident(n.nspname) || '.started') IS NOT NULL FROM pg_catalog.pg_namespace n"
        + " JOIN pg_catalog.pg_description d ON d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass"
        + " WHERE (n.nspname = 'paperclip_restore_in_progress' OR n.nspname ~ ?) AND d.description = ?"
        + " ORDER BY n.nspname LIMIT 1")) {
      ps.setString(1, "^" + ParallelRestore.MARKER_PREFIX + "[0-9a-f]{16}$");
      ps.setString(2, MARKER_COMMENT);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        if (!rs.getBoolean(2)) {
          return Optional.of("a parallel restore");
        }
        marker = rs.getString(1);
      }
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT started_at, file FROM "
        + SqlIdentifiers.qualified(marker, "started") + " LIMIT 1")) {
      return Optional.of(rs.next() ? "a parallel restore of " + rs.getString(2) + " started at "
          + rs.getObject(1, java.time.OffsetDateTime.class) : "a parallel restore");
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

  /**
   * Drops every non-system schema and extension, then recreates {@code public} as a new database
   * has it. Objects go in dependency order, users' before extensions': first every relation that
   * is no extension's member (tables with their indexes, views, sequences), then the schemas, then
   * the extensions left. Dropping an extension first, with CASCADE, fails in PostgreSQL itself
   * for some (ltree while an index uses its operator class with {@code siglen}: "cache lookup
   * failed for function"), and the undo or the {@code --clean} would be stuck on it.
   */
  static void clean(Connection c) throws SQLException {
    String userSchema = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
        + "AND n.nspname NOT LIKE 'pg\\_temp%'";
    try (Statement s = c.createStatement()) {
      Map<String, List<String>> relations = new LinkedHashMap<>();
      try (ResultSet rs = s.executeQuery("SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'"
          + " WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, n.nspname, c.relname"
          + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE c.relkind IN ('r', 'p', 'f', 'm', 'v', 'S') AND NOT c.relispartition AND " + userSchema
          + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
          + " AND d.objid = c.oid AND d.deptype = 'e') ORDER BY 1, 2, 3")) {
        while (rs.next()) {
          relations.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(SqlIdentifiers.qualified(rs.getString(2), rs.getString(3)));
        }
      }
      // tables first (their indexes, and what depends on them, go with them), one statement per kind
      for (String kind : List.of("TABLE", "FOREIGN TABLE", "MATERIALIZED VIEW", "VIEW", "SEQUENCE")) {
        List<String> names = relations.get(kind);
        if (names != null) {
          s.execute("DROP " + kind + " IF EXISTS " + String.join(", ", names) + " CASCADE");
        }
      }
      List<String> schemas = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE " + userSchema)) {
        while (rs.next()) {
          schemas.add(rs.getString(1));
        }
      }
      for (String n : schemas) {
        s.execute("DROP SCHEMA IF EXISTS " + SqlIdentifiers.quote(n) + " CASCADE");
      }
      List<String> extensions = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT extname FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql'")) {
        while (rs.next()) {
          extensions.add(rs.getString(1));
        }
      }
      for (String x : extensions) {
        s.execute("DROP EXTENSION IF EXISTS " + SqlIdentifiers.quote(x) + " CASCADE");
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

  static String oneLine(Throwable t) {
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
    private CopyIn copy;
    private String copyName;
    private long copyBytes;
    private long statements;
    private long tables;
    private long rows;
    private long bytes;
    private final List<Long> loaded = new ArrayList<>();
    private final ScriptPolicy policy;
    /** The verified checksum of each block's rows, in file order (our files), checked as they load. */
    private final List<String> verified;
    private final Path file;
    private final MessageDigest digest = Sha256.newDigest();

    Executor(Connection c, RestoreOptions options, RestorePlan plan, RestoreListener listener,
        ScriptPolicy policy, BackupManifest manifest, Path file) throws SQLException {
      this.policy = policy;
      this.verified = manifest == null ? null : manifest.tables().stream().map(BackupManifest.TableEntry::sha256).toList();
      this.file = file;
      this.c = c;
      this.options = options;
      this.listener = listener;
      this.expected = plan.steps().stream().filter(s -> s instanceof RestoreStep.LoadTableData)
          .map(s -> (RestoreStep.LoadTableData) s).toList();
      this.st = c.createStatement();
    }

    @Override
    public void item(ScriptItem item) throws IOException {
      if (policy != null) {
        policy.check(item);
      }
      try {
        if (item instanceof ScriptItem.MetaCommand) {
          return;
        }
        if (item instanceof ScriptItem.CopyStart cs) {
          copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(cs.sql());
          String[] t = RestorePlanner.copyTarget(cs.sql());
          copyName = t[0] + "." + t[1];
          copyBytes = 0;
          digest.reset();
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
    public void copyData(byte[] b, int off, int n, int newlines) throws IOException {
      try {
        digest.update(b, off, n);
        copy.writeToCopy(b, off, n);
        copyBytes += n;
      } catch (SQLException e) {
        throw new PaperclipException(ErrorCode.RESTORE, "loading " + copyName + " failed: "
            + oneLine(e) + "; the target was left unchanged", e);
      }
    }

    @Override
    public void copyEnd() throws IOException {
      String sha = Sha256.hex(digest);
      if (verified != null && (tables >= verified.size() || !verified.get((int) tables).equalsIgnoreCase(sha))) {
        // the file is read a second time to load it: its rows must still be the verified ones
        throw new PaperclipException(ErrorCode.CORRUPT_FILE, "the rows of " + copyName + " read from " + file
            + " for loading are not the ones verified: the file changed after its verification; take it"
            + " from a safe place and restore again (the target was left unchanged)");
      }
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
