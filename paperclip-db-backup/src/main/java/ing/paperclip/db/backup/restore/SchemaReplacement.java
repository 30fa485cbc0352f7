package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.internal.CopyLine;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces named schemas of a live database with the backup's ({@code db restore FILE --schema
 * plugin_x --clean-schema}): a plugin's schema, together with its rows in the core plugin registry
 * ({@code public.plugins}, {@code plugin_database_namespaces}, {@code plugin_migrations}), and
 * nothing else. Everything runs in one transaction (a failure leaves the old schema and rows as
 * they were):
 *
 * <ol>
 *   <li>{@code DROP SCHEMA ... CASCADE} of each named schema;
 *   <li>the plan's steps of those schemas alone (objects of other schemas they need must exist in
 *       the live database, as they do in the instance the backup came from), their rows, and the
 *       registry tables' rows of the file loaded into scratch tables ({@code pg_temp}, dropped at
 *       commit) rather than into the live registry;
 *   <li>the registry rows of the plugins whose namespace is a named schema (as the file records
 *       them) replace the live rows of those plugins (by key or namespace); other plugins' rows
 *       stay as they are.
 * </ol>
 * The plugin's login role and grants are not part of a database: the caller repairs them
 * afterwards. A schema the file holds no registry row for is replaced alone, with a warning.
 */
final class SchemaReplacement {
  /** The plugin registry: tables in {@code public}, parents before children. */
  static final List<String> REGISTRY = List.of("plugins", "plugin_database_namespaces", "plugin_migrations");
  private static final String SCRATCH_PREFIX = "paperclip_restore_";

  private final List<String> schemas;
  private final RestorePlan plan;
  /** Registry data steps (loaded into scratch tables), by table name. */
  private final Map<String, RestoreStep.LoadTableData> registry;

  private SchemaReplacement(List<String> schemas, RestorePlan plan, Map<String, RestoreStep.LoadTableData> registry) {
    this.schemas = schemas;
    this.plan = plan;
    this.registry = registry;
  }

  /**
   * Checks the selection and returns the replacement of its schemas.
   *
   * @param full the whole file's plan
   * @param selection {@code --schema} only
   * @param liveRegistry the registry tables the live database has
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} without {@code --schema}, with
   *     {@code --table} or {@code --exclude-schema}, for the core schema, or for a schema the
   *     file does not hold
   */
  static SchemaReplacement of(RestorePlan full, RestoreSelection selection, Set<String> liveRegistry) {
    requireSchemas(selection);
    // the selection checks the schemas are in the file, and finds what is built on their objects
    RestorePlan selected = selection.apply(full);
    Set<String> schemas = new LinkedHashSet<>(selection.schemas());
    Set<String> keys = new LinkedHashSet<>();
    Set<RestoreStep> keep = Collections.newSetFromMap(new IdentityHashMap<>());
    for (RestoreStep s : selected.steps()) {
      if (s instanceof RestoreStep.CreateObject o && (schemas.contains(o.schema())
          || (o.kind().equals("SCHEMA") && schemas.contains(o.name())))) {
        keep.add(s);
        keys.add(o.key());
      } else if (s instanceof RestoreStep.LoadTableData d && schemas.contains(d.schema())) {
        keep.add(s);
      }
    }
    // what has no schema of its own but is built on those objects alone (a comment on the schema)
    for (RestoreStep s : selected.steps()) {
      if (s instanceof RestoreStep.CreateObject o && o.schema().isEmpty() && !o.dependsOn().isEmpty()
          && keys.containsAll(o.dependsOn())) {
        keep.add(s);
      }
    }
    Map<String, RestoreStep.LoadTableData> registry = new LinkedHashMap<>();
    List<RestoreStep> steps = new ArrayList<>();
    for (RestoreStep s : full.steps()) {
      if (s instanceof RestoreStep.LoadTableData d && d.schema().equals("public") && REGISTRY.contains(d.table())
          && liveRegistry.contains(d.table())) {
        registry.put(d.table(), d);
        steps.add(s);
      } else if (keep.contains(s) || s instanceof RestoreStep.SessionSetting || s instanceof RestoreStep.Skipped) {
        steps.add(s);
      }
    }
    List<String> warnings = new ArrayList<>(full.warnings());
    warnings.add("a schema replaced in a live database (" + selection.describe() + " --clean-schema): "
        + keep.stream().filter(s -> s instanceof RestoreStep.LoadTableData).count() + " tables' rows, and the "
        + "plugin registry's rows of its plugin; objects of other schemas it needs are the live database's");
    return new SchemaReplacement(List.copyOf(schemas), new RestorePlan(full.file(), full.format(), steps, warnings,
        full.fileBytes(), true), registry);
  }

  /** Refuses a selection that names no schema, or more than schemas, or the core schema. */
  static void requireSchemas(RestoreSelection selection) {
    if (selection.schemas().isEmpty()) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "--clean-schema needs --schema SCHEMA: it replaces the "
          + "named schemas of a live database (to replace the whole database, use --clean)");
    }
    if (!selection.tables().isEmpty() || !selection.excludeSchemas().isEmpty()) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "--clean-schema replaces whole schemas: name them with "
          + "--schema alone, without --table or --exclude-schema");
    }
    for (String s : selection.schemas()) {
      if (s.equals("public") || s.equals("information_schema") || s.startsWith("pg_")) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "--schema " + s + " --clean-schema: "
            + (s.equals("public") ? "the core schema holds every plugin's registry and cannot be replaced alone; "
            + "restore the whole database with --clean" : "a system schema is not restored"));
      }
    }
  }

  /** The plan that runs: session settings, the schemas' steps, and the registry's rows. */
  RestorePlan plan() {
    return plan;
  }

  /** The tables whose rows the restore checks against the manifest: the schemas' own. */
  Set<String> restoredTables() {
    Set<String> out = new LinkedHashSet<>();
    plan.tableData().stream().filter(d -> schemas.contains(d.schema())).forEach(d -> out.add(d.qualifiedName()));
    return out;
  }

  /** The rows loaded into the schemas' tables (the loads check them against the file). */
  long restoredRows() {
    return plan.tableData().stream().filter(d -> schemas.contains(d.schema()))
        .mapToLong(RestoreStep.LoadTableData::expectedRows).sum();
  }

  /** Returns the registry tables the live database has. */
  static Set<String> liveRegistry(Connection c) throws SQLException {
    Set<String> out = new LinkedHashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_catalog.pg_class c"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"
        + " AND c.relname = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("text", REGISTRY.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** The COPY a data step runs: a registry table's rows go to its scratch table. */
  String copyInto(RestoreStep.LoadTableData d) {
    if (registry.get(d.table()) != d) {
      return d.copySql();
    }
    return new CopyLine("pg_temp", SCRATCH_PREFIX + d.table(), columns(d)).format();
  }

  /**
   * Objects of the other schemas that a {@code DROP SCHEMA ... CASCADE} could take with it:
   * relations, functions, types, constraints (a core table's foreign key to a plugin table),
   * triggers, column defaults and policies (a relation's row type and array types go with what they
   * belong to).
   */
  private static final String OUTSIDE = "SELECT 'relation ' || n.nspname || '.' || c.relname FROM pg_catalog.pg_class c"
      + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname <> ALL (?)"
      + " UNION ALL SELECT 'function ' || p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc p"
      + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname <> ALL (?)"
      + " UNION ALL SELECT 'type ' || t.oid::pg_catalog.regtype::text FROM pg_catalog.pg_type t"
      + " JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname <> ALL (?)"
      + " AND t.typrelid = 0 AND t.typcategory <> 'A'"
      + " UNION ALL SELECT 'constraint ' || co.conname || ' on ' || co.conrelid::pg_catalog.regclass::text"
      + " FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_namespace n ON n.oid = co.connamespace"
      + " WHERE n.nspname <> ALL (?)"
      + " UNION ALL SELECT 'trigger ' || tg.tgname || ' on ' || tg.tgrelid::pg_catalog.regclass::text"
      + " FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid"
      + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname <> ALL (?)"
      + " UNION ALL SELECT 'default of ' || d.adrelid::pg_catalog.regclass::text || ' column ' || d.adnum"
      + " FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_class c ON c.oid = d.adrelid"
      + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname <> ALL (?)"
      + " UNION ALL SELECT 'policy ' || po.polname || ' on ' || po.polrelid::pg_catalog.regclass::text"
      + " FROM pg_catalog.pg_policy po JOIN pg_catalog.pg_class c ON c.oid = po.polrelid"
      + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname <> ALL (?)";

  private Set<String> outside(Connection c) throws SQLException {
    Set<String> out = new java.util.TreeSet<>();
    try (PreparedStatement ps = c.prepareStatement(OUTSIDE)) {
      // the system schemas' objects are no user's (a table's TOAST table goes with the table)
      List<String> skip = new ArrayList<>(schemas);
      skip.addAll(List.of("pg_catalog", "pg_toast", "information_schema"));
      Array names = c.createArrayOf("text", skip.toArray());
      for (int i = 1; i <= 7; i++) {
        ps.setArray(i, names);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /**
   * In the restore's transaction, before the plan: drops the schemas and makes the scratch tables.
   *
   * @throws PaperclipException {@link ErrorCode#RESTORE} when dropping a schema would take objects
   *     of other schemas with it (a core view over a plugin table): nothing else is changed
   */
  void before(Connection c) throws SQLException {
    Set<String> others = outside(c);
    for (String s : schemas) {
      run(c, "DROP SCHEMA IF EXISTS " + SqlIdentifiers.quote(s) + " CASCADE");
    }
    others.removeAll(outside(c));
    if (!others.isEmpty()) {
      List<String> named = others.stream().limit(10).toList();
      throw new PaperclipException(ErrorCode.RESTORE, "replacing schema(s) " + String.join(", ", schemas)
          + " would drop " + others.size() + " object(s) of other schemas that depend on them (" + String.join(", ",
          named) + (others.size() > named.size() ? ", ..." : "") + "); drop or change them first, or restore the "
          + "whole database with --clean");
    }
    for (String t : registry.keySet()) {
      // no constraints: the file's columns are loaded, the live table's others stay null here
      run(c, "CREATE TEMPORARY TABLE " + SqlIdentifiers.quote(SCRATCH_PREFIX + t) + " ON COMMIT DROP AS SELECT * FROM "
          + SqlIdentifiers.qualified("public", t) + " WITH NO DATA");
    }
  }

  /**
   * In the restore's transaction, after the plan: replaces the live registry rows of the plugins
   * whose namespace is one of the schemas with the file's.
   *
   * @return warnings (a schema without registry rows in the file)
   */
  List<String> after(Connection c) throws SQLException {
    List<String> warnings = new ArrayList<>();
    if (!registry.containsKey("plugin_database_namespaces") || !registry.containsKey("plugins")) {
      warnings.add("the file holds no plugin registry: the live registry's rows were left as they are");
      return warnings;
    }
    Array names = c.createArrayOf("text", schemas.toArray());
    List<String> keys = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Set<String> found = new LinkedHashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT plugin_key, plugin_id::text, namespace_name FROM "
        + scratch("plugin_database_namespaces") + " WHERE namespace_name = ANY (?) ORDER BY 1")) {
      ps.setArray(1, names);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(rs.getString(1));
          ids.add(rs.getString(2));
          found.add(rs.getString(3));
        }
      }
    }
    for (String s : schemas) {
      if (!found.contains(s)) {
        warnings.add("schema " + s + " has no row in the file's plugin_database_namespaces: it was replaced alone, "
            + "and the live plugin registry's rows were left as they are");
      }
    }
    if (keys.isEmpty()) {
      return warnings;
    }
    Array keyArray = c.createArrayOf("text", keys.toArray());
    Array idArray = c.createArrayOf("text", ids.toArray());
    // the live rows of those plugins (by key, or by the namespace they hold), children first
    if (registry.containsKey("plugin_migrations")) {
      update(c, "DELETE FROM public.plugin_migrations WHERE plugin_key = ANY (?) OR namespace_name = ANY (?)"
          + " OR plugin_id IN (SELECT id FROM public.plugins WHERE plugin_key = ANY (?))", keyArray, names, keyArray);
    }
    update(c, "DELETE FROM public.plugin_database_namespaces WHERE plugin_key = ANY (?) OR namespace_name = ANY (?)"
        + " OR plugin_id IN (SELECT id FROM public.plugins WHERE plugin_key = ANY (?))", keyArray, names, keyArray);
    // the same plugin installed again under another id: its row goes (with what cascades from it)
    update(c, "DELETE FROM public.plugins WHERE plugin_key = ANY (?) AND id::text <> ALL (?)", keyArray, idArray);
    List<String> cols = columns(registry.get("plugins"));
    String list = String.join(", ", cols.stream().map(SqlIdentifiers::quote).toList());
    List<String> set = new ArrayList<>();
    cols.stream().filter(col -> !col.equals("id"))
        .forEach(col -> set.add(SqlIdentifiers.quote(col) + " = EXCLUDED." + SqlIdentifiers.quote(col)));
    update(c, "INSERT INTO public.plugins (" + list + ") SELECT " + list + " FROM " + scratch("plugins")
        + " WHERE id::text = ANY (?) ON CONFLICT (id) DO " + (set.isEmpty() ? "NOTHING" : "UPDATE SET "
        + String.join(", ", set)), idArray);
    for (String t : List.of("plugin_database_namespaces", "plugin_migrations")) {
      if (registry.containsKey(t)) {
        String l = String.join(", ", columns(registry.get(t)).stream().map(SqlIdentifiers::quote).toList());
        update(c, "INSERT INTO " + SqlIdentifiers.qualified("public", t) + " (" + l + ") SELECT " + l + " FROM "
            + scratch(t) + " WHERE plugin_id::text = ANY (?)", idArray);
      }
    }
    return warnings;
  }

  private static String scratch(String table) {
    return SqlIdentifiers.qualified("pg_temp", SCRATCH_PREFIX + table);
  }

  private static List<String> columns(RestoreStep.LoadTableData d) {
    List<String> cols = CopyLine.parse(d.copySql().strip()).map(CopyLine::columns).orElse(List.of());
    if (cols.isEmpty()) {
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, d.qualifiedName() + ": its COPY block names no columns ("
          + d.copySql() + "); a paperclip-db backup always does");
    }
    return cols;
  }

  private static void run(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.execute();
    }
  }

  private static void update(Connection c, String sql, Array... values) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        ps.setArray(i + 1, values[i]);
      }
      ps.executeUpdate();
    }
  }
}
