package ing.paperclip.db.backup.restore;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database a restore fills, and everything a restore does to it besides running the plan's
 * steps: whether it is empty (a new instance's untouched core schema counts as empty:
 * {@link FreshCoreSchema}), cleaning it, the in-progress marker of a parallel restore, the
 * restore's own session settings, and the undo of a failed parallel restore. Both executors use
 * it; the statements it sends are its own, never the file's.
 */
public final class RestoreTarget {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreTarget.class);

  /**
   * The comment on the schema that marks a database while a parallel restore fills it (the
   * same since the marker was introduced, so markers older versions left are found too).
   */
  public static final String MARKER_COMMENT = "a paperclip-db restore is filling this database, or was "
      + "interrupted: if no restore runs, the database is partial";

  /**
   * How the schema that marks a database while a parallel restore fills it begins; 16 random hex
   * digits follow, so that no schema of a backup (which the restore creates) can collide with it.
   */
  static final String MARKER_PREFIX = "paperclip_restore_";

  /** The note a result carries when the target's fresh core schema was replaced. */
  static final String REPLACED_FRESH_CORE = "the target held only the empty core schema a new instance "
      + "migrates (its journal this build's, no rows, nothing else): the backup replaced it";

  private static final String USER_SCHEMA = "n.nspname NOT IN ('pg_catalog', 'information_schema') "
      + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

  /** Opens a connection to the target. */
  @FunctionalInterface
  interface Connector {
    Connection open() throws SQLException;
  }

  private final Connector connector;
  /** The same database as a role that may create the scratch database {@link FreshCoreSchema} migrates, or null. */
  private final ConnectionSpec inspector;
  /** How {@link #connector} reaches the target, or null when it is a data source's. */
  private final ConnectionSpec spec;

  RestoreTarget(Connector connector, ConnectionSpec inspector) {
    this(connector, inspector, null);
  }

  private RestoreTarget(Connector connector, ConnectionSpec inspector, ConnectionSpec spec) {
    this.connector = connector;
    this.inspector = inspector;
    this.spec = spec;
  }

  /**
   * The target {@code spec} names, reached on connections of its own (no pool) named "paperclip-db
   * restore" in {@code pg_stat_activity}.
   *
   * @param inspector the same database as a role with CREATEDB, or null
   */
  static RestoreTarget of(ConnectionSpec spec, ConnectionSpec inspector) {
    return new RestoreTarget(() -> {
      java.util.Properties p = spec.driverProperties();
      p.setProperty("ApplicationName", "paperclip-db restore");
      return java.sql.DriverManager.getConnection(spec.jdbcUrl(), p);
    }, inspector, spec);
  }

  /** How the target is reached, when it is known (not for a data source). */
  Optional<ConnectionSpec> spec() {
    return Optional.ofNullable(spec);
  }

  /**
   * The role that creates, renames and drops databases for a {@code --clean} through a scratch
   * database ({@link DatabaseSwap}): the inspector when there is one, else the target's own.
   */
  Optional<ConnectionSpec> serverSpec() {
    return Optional.ofNullable(inspector != null ? inspector : spec);
  }

  /** Another database on the same server, reached as the target is (same role and settings). */
  RestoreTarget sibling(String database) {
    return of(spec.withDatabase(database), null);
  }

  /** Opens a connection to the target. */
  Connection open() throws SQLException {
    return connector.open();
  }

  /**
   * What a restore found in the target before it started.
   *
   * @param clean whether the target's objects must be dropped first (--clean over a non-empty
   *     target, or a fresh core schema that the backup replaces)
   * @param replaced whether the target held only a new instance's empty core schema
   */
  record Emptiness(boolean clean, boolean replaced) {
    /** The plan's warnings, and the note that a fresh core schema was replaced when it was. */
    List<String> notes(List<String> warnings) {
      if (!replaced) {
        return warnings;
      }
      List<String> out = new ArrayList<>(warnings);
      out.add(REPLACED_FRESH_CORE);
      return out;
    }
  }

  /**
   * Checks that the target may be restored into: empty, a new instance's untouched core schema,
   * or anything when {@code clean}.
   *
   * @throws PaperclipException {@link ErrorCode#RESTORE} for a target holding anything else
   *     (naming an interrupted restore when it holds one); nothing is changed
   */
  Emptiness check(Connection c, boolean clean) throws SQLException {
    int objects = countUserObjects(c);
    if (objects == 0) {
      return new Emptiness(false, false);
    }
    if (clean) {
      return new Emptiness(true, false);
    }
    Optional<String> interrupted = interruptedRestore(c);
    if (interrupted.isPresent()) {
      throw new PaperclipException(ErrorCode.RESTORE, "the target database holds a partial restore: "
          + interrupted.get() + " was interrupted; restore again with --clean, or drop and recreate the "
          + "database (nothing was changed)");
    }
    Optional<String> notFresh = notFreshCoreSchema();
    if (notFresh.isPresent()) {
      throw new PaperclipException(ErrorCode.RESTORE, "the target database is not empty ("
          + objects + " objects in non-system schemas" + (notFresh.get().isEmpty() ? "" : "; not a new instance's"
          + " empty core schema: " + notFresh.get()) + "); restore into an empty database, or "
          + "pass --clean to drop its schemas first (nothing was changed)");
    }
    return new Emptiness(true, true);
  }

  /**
   * Tells why the (non-empty) target is not only the untouched core schema this build migrates.
   *
   * @return empty when it is; else why not ("" when it cannot be told: no connection settings)
   */
  private Optional<String> notFreshCoreSchema() {
    if (inspector == null) {
      return Optional.of("");
    }
    Optional<String> why = FreshCoreSchema.whyNot(inspector);
    why.ifPresent(w -> LOG.info("the restore target is not a new instance's empty core schema: {}", w));
    return why;
  }

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
      ps.setString(1, "^" + MARKER_PREFIX + "[0-9a-f]{16}$");
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
    try (PreparedStatement ps = c.prepareStatement("SELECT started_at, file FROM "
        + SqlIdentifiers.qualified(marker, "started") + " LIMIT 1"); ResultSet rs = ps.executeQuery()) {
      return Optional.of(rs.next() ? "a parallel restore of " + rs.getString(2) + " started at "
          + rs.getObject(1, OffsetDateTime.class) : "a parallel restore");
    }
  }

  /** Counts user objects: relations, types, functions in non-system schemas, extra schemas and extensions. */
  static int countUserObjects(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA + ")"
            + " + (SELECT count(*) FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
            + "     WHERE " + USER_SCHEMA + " AND t.typtype IN ('e', 'd', 'r', 'm'))"
            + " + (SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_SCHEMA + ")"
            + " + (SELECT count(*) FROM pg_catalog.pg_namespace n WHERE " + USER_SCHEMA + " AND n.nspname <> 'public')"
            + " + (SELECT count(*) FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql')");
        ResultSet rs = ps.executeQuery()) {
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
    Map<String, List<String>> relations = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'"
        + " WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, n.nspname, c.relname"
        + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE c.relkind IN ('r', 'p', 'f', 'm', 'v', 'S') AND NOT c.relispartition AND " + USER_SCHEMA
        + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        + " AND d.objid = c.oid AND d.deptype = 'e') ORDER BY 1, 2, 3"); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        relations.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
            .add(SqlIdentifiers.qualified(rs.getString(2), rs.getString(3)));
      }
    }
    // tables first (their indexes, and what depends on them, go with them), one statement per kind
    for (String kind : List.of("TABLE", "FOREIGN TABLE", "MATERIALIZED VIEW", "VIEW", "SEQUENCE")) {
      List<String> names = relations.get(kind);
      if (names != null) {
        run(c, "DROP " + kind + " IF EXISTS " + String.join(", ", names) + " CASCADE");
      }
    }
    for (String n : names(c, "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE " + USER_SCHEMA)) {
      run(c, "DROP SCHEMA IF EXISTS " + SqlIdentifiers.quote(n) + " CASCADE");
    }
    for (String x : names(c, "SELECT extname FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql'")) {
      run(c, "DROP EXTENSION IF EXISTS " + SqlIdentifiers.quote(x) + " CASCADE");
    }
    run(c, "CREATE SCHEMA public AUTHORIZATION pg_database_owner");
    run(c, "GRANT USAGE ON SCHEMA public TO PUBLIC");
    run(c, "COMMENT ON SCHEMA public IS 'standard public schema'");
  }

  private static List<String> names(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * Runs one of the restore's own statements. They are sent as prepared statements, the file's
   * (the plan's) as simple statements: what runs of the file can be told from what the restore
   * adds.
   */
  private static void run(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.execute();
    }
  }

  /** Tells whether the role may create schemas in the target (a parallel restore's marker needs one). */
  static boolean mayCreateSchemas(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT pg_catalog.has_database_privilege(pg_catalog.current_database(), 'CREATE')");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** Returns a new marker name: {@link #MARKER_PREFIX} and 16 random hex digits. */
  static String newMarker() {
    return MARKER_PREFIX + HexFormat.of().toHexDigits(new SecureRandom().nextLong());
  }

  /** Creates the marker schema in the connection's transaction (the caller commits). */
  static void mark(Connection c, String marker, Path file, int jobs) throws SQLException {
    run(c, "CREATE SCHEMA " + SqlIdentifiers.quote(marker));
    run(c, "CREATE TABLE " + SqlIdentifiers.qualified(marker, "started")
        + " (started_at timestamptz NOT NULL DEFAULT now(), file text NOT NULL, jobs int NOT NULL)");
    // a constant without quotes: spliced as a literal
    run(c, "COMMENT ON SCHEMA " + SqlIdentifiers.quote(marker) + " IS '" + MARKER_COMMENT + "'");
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO "
        + SqlIdentifiers.qualified(marker, "started") + " (file, jobs) VALUES (?, ?)")) {
      ps.setString(1, file.toAbsolutePath().toString());
      ps.setInt(2, jobs);
      ps.execute();
    }
  }

  /** Drops the marker durably (the restore is complete once it is gone), and commits. */
  static void unmark(Connection c, String marker) throws SQLException {
    c.setAutoCommit(false);
    run(c, "SET LOCAL synchronous_commit = on");
    run(c, "DROP SCHEMA " + SqlIdentifiers.quote(marker) + " CASCADE");
    c.commit();
  }

  /**
   * The restore's own session settings: {@code maintenance_work_mem} raised for index and
   * constraint builds to 1 GB shared by the jobs (at most 512 MB, at least 64 MB each), never
   * lowering the server's own; with {@code asynchronousCommit}, commits that do not wait for the
   * disk (a parallel restore's loads: a crash leaves the marker, and the restore is redone).
   *
   * @param local for the current transaction only
   */
  static void sessionSettings(Connection c, int jobs, boolean local, boolean asynchronousCommit) throws SQLException {
    long wanted = Math.max(64L << 20, Math.min(512L << 20, (1L << 30) / jobs));
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.set_config('maintenance_work_mem', "
        + "(greatest(pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem')), ?) / 1024)::text || 'kB', ?)")) {
      ps.setLong(1, wanted);
      ps.setBoolean(2, local);
      ps.execute();
    }
    if (asynchronousCommit) {
      run(c, "SELECT pg_catalog.set_config('synchronous_commit', 'off', " + local + ")");
    }
  }

  /** Returns the connection's server process id. */
  static int backendPid(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_backend_pid()"); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * Roles, role and database settings, event triggers, foreign servers, publications and large
   * objects: what a restore could change that dropping schemas does not undo. Compared after an
   * undo so that "the target is empty again" is said only when it is true.
   */
  record Outside(Map<String, String> parts) {
    private static final String SQL = "SELECT"
        + " (SELECT coalesce(string_agg(rolname, ',' ORDER BY rolname), '') FROM pg_catalog.pg_roles) AS roles,"
        + " (SELECT coalesce(string_agg(setdatabase || ':' || setrole || ':' || pg_catalog.array_to_string(setconfig, ','),"
        + " ';' ORDER BY setdatabase, setrole), '') FROM pg_catalog.pg_db_role_setting) AS \"role and database settings\","
        + " (SELECT coalesce(string_agg(evtname, ',' ORDER BY evtname), '') FROM pg_catalog.pg_event_trigger) AS \"event triggers\","
        + " (SELECT coalesce(string_agg(srvname, ',' ORDER BY srvname), '') FROM pg_catalog.pg_foreign_server) AS \"foreign servers\","
        + " (SELECT coalesce(string_agg(pubname, ',' ORDER BY pubname), '') FROM pg_catalog.pg_publication) AS publications,"
        + " (SELECT count(*)::text FROM pg_catalog.pg_largeobject_metadata) AS \"large objects\"";

    static Outside read(Connection c) throws SQLException {
      Map<String, String> parts = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement(SQL); ResultSet rs = ps.executeQuery()) {
        rs.next();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          parts.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
        }
      }
      return new Outside(parts);
    }

    /** Names what differs from {@code before}, e.g. "roles, event triggers"; empty when nothing. */
    String changedSince(Outside before) {
      List<String> changed = new ArrayList<>();
      parts.forEach((k, v) -> {
        if (!v.equals(before.parts().get(k))) {
          changed.add(k);
        }
      });
      return String.join(", ", changed);
    }
  }

  /**
   * Undoes a failed parallel restore: stops its sessions (server work whose client is gone, e.g.
   * an index build, would keep its locks), then drops everything in the target's non-system
   * schemas (it was empty, or cleaned, when the restore started) and checks what lies outside
   * them against {@code outside}. Returns the sentence the error message ends with.
   *
   * @param pids the restore's server processes
   * @param outside what lay outside the schemas before, or null when it could not be read
   * @param emptiness what the restore found first
   * @param marker the restore's marker schema (named when the undo fails)
   */
  String undo(List<Integer> pids, Outside outside, Emptiness emptiness, String marker) {
    try (Connection c = open()) {
      c.setAutoCommit(true);
      if (!pids.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT pg_catalog.pg_terminate_backend(p) FROM unnest(?::int[]) p")) {
          Array a = c.createArrayOf("int4", pids.toArray());
          ps.setArray(1, a);
          ps.execute();
        } catch (SQLException e) {
          LOG.debug("restore undo: cannot stop worker sessions: {}", RestoreService.oneLine(e));
        }
      }
      c.setAutoCommit(false);
      clean(c);
      c.commit();
      int left = countUserObjects(c);
      String changed = outside == null ? "" : Outside.read(c).changedSince(outside);
      c.commit();
      if (left == 0 && changed.isEmpty() && outside != null) {
        return "; the parallel restore was undone: everything it had created was dropped and the target "
            + "is empty again" + (emptiness.replaced() ? " (without the empty core schema it replaced: the instance's "
            + "next start migrates it again)" : emptiness.clean() ? " (without what --clean dropped first: restore that"
            + " from a backup too)" : "");
      }
      if (left == 0 && changed.isEmpty()) {
        return "; the parallel restore was undone: the database's schemas are empty again (roles and other"
            + " server-wide objects could not be read, so they were not checked)";
      }
      return "; the parallel restore was undone in the database's schemas, but "
          + (left > 0 ? left + " objects remain in them" + (changed.isEmpty() ? "" : " and ") : "")
          + (changed.isEmpty() ? "" : "what dropping schemas cannot undo changed while it ran (" + changed
              + ", which belong to the server or the database itself): check and repair them by hand");
    } catch (SQLException | RuntimeException e) {
      LOG.warn("restore undo failed", e);
      return "; undoing the parallel restore failed too (" + RestoreService.oneLine(e) + "): the target "
          + "holds a partial restore, marked by schema " + marker + "; restore again with --clean or "
          + "drop and recreate the database";
    }
  }
}
