package ing.paperclip.db.backup.dump;

import static ing.paperclip.db.core.sql.SqlIdentifiers.literal;
import static ing.paperclip.db.core.sql.SqlIdentifiers.qualified;
import static ing.paperclip.db.core.sql.SqlIdentifiers.quote;
import static ing.paperclip.db.core.sql.SqlIdentifiers.splitQualified;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.catalog.Catalog;
import ing.paperclip.db.core.catalog.Catalog.Column;
import ing.paperclip.db.core.catalog.Catalog.Constraint;
import ing.paperclip.db.core.catalog.Catalog.Dependency;
import ing.paperclip.db.core.catalog.Catalog.Sequence;
import ing.paperclip.db.core.catalog.Catalog.Table;
import ing.paperclip.db.core.catalog.Catalog.Type;
import ing.paperclip.db.core.catalog.Catalog.View;
import ing.paperclip.db.core.catalog.CatalogReader;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Scripts a database for a dump from its {@link Catalog}: the DDL pg_dump would write, every
 * identifier quoted, pre-data objects in dependency order (a topological sort over the catalog's
 * dependencies, ties broken by kind like pg_dump, then by name), the tables whose rows follow, and
 * post-data objects (constraints and indexes, then foreign keys, triggers, row security, sequence
 * values, materialized view data, comments).
 *
 * <p>Stateless and thread-safe.
 */
public final class CatalogSchemaScripter implements SchemaScripter {
  private static final Map<String, Integer> PRIORITY = Map.ofEntries(
      Map.entry("SCHEMA", 0), Map.entry("EXTENSION", 1), Map.entry("COLLATION", 1),
      Map.entry("TYPE", 2), Map.entry("FUNCTION", 3), Map.entry("CAST", 4), Map.entry("SEQUENCE", 4),
      Map.entry("OPERATOR", 4), Map.entry("TEXT SEARCH DICTIONARY", 4),
      Map.entry("TEXT SEARCH CONFIGURATION", 4), Map.entry("TEXT SEARCH TEMPLATE", 4),
      Map.entry("TEXT SEARCH PARSER", 4), Map.entry("CONVERSION", 4), Map.entry("SHELL TYPE", 2),
      Map.entry("BASE TYPE", 4), Map.entry("ACCESS METHOD", 4), Map.entry("LANGUAGE", 4),
      Map.entry("TRANSFORM", 4), Map.entry("OPERATOR FAMILY", 4), Map.entry("OPERATOR CLASS", 4),
      Map.entry("FOREIGN DATA WRAPPER", 4), Map.entry("SERVER", 4), Map.entry("USER MAPPING", 4),
      Map.entry("FOREIGN TABLE", 5),
      Map.entry("TABLE", 5), Map.entry("SEQUENCE OWNED BY", 6), Map.entry("VIEW", 7),
      Map.entry("MATERIALIZED VIEW", 7), Map.entry("COMMENT", 9));

  /**
   * The kinds of {@link Catalog#inventory()} this scripter writes completely; an inventoried
   * object of any other kind is reported in {@link DumpScript#unscripted()}, so that a backup
   * refuses instead of losing it.
   */
  public static final Set<String> SUPPORTED_KINDS = Set.of(
      "schema", "extension", "table", "sequence", "view", "materialized view", "index",
      "composite type", "enum type", "domain", "range type", "function", "aggregate",
      "window function", "procedure", "table constraint", "domain constraint", "default value",
      "trigger", "policy", "rule", "statistics object", "collation", "cast", "event trigger",
      "default value of a view column", "publication", "publication member",
      "default privileges", "typed table (OF type)",
      "partition whose column order differs from its parent's", "operator",
      "text search dictionary", "text search configuration", "text search template",
      "text search parser", "conversion", "base type", "shell type",
      "privileges of an extension member", "operator class", "operator family", "access method",
      "language", "transform", "foreign-data wrapper", "server", "user mapping",
      "foreign table", "default value of a foreign table column", "large object");

  /** Privileges changed on extension members: written with the other privileges. */
  private static final String MEMBER_ACL = "EXTENSION MEMBER ACL";

  private final CatalogReader reader;
  private final Set<String> supportedKinds;

  /** Creates a scripter reading the catalog with a {@link CatalogReader}. */
  public CatalogSchemaScripter() {
    this(new CatalogReader());
  }

  /** Creates a scripter with the given reader. */
  public CatalogSchemaScripter(CatalogReader reader) {
    this(reader, SUPPORTED_KINDS);
  }

  /**
   * Creates a scripter that writes only the given inventory kinds (a subset of
   * {@link #SUPPORTED_KINDS}: tests use it to watch a backup refuse a kind).
   *
   * @param reader reads the catalog, not null
   * @param supportedKinds kinds of {@link Catalog.InventoryItem} to accept, not null
   * @throws IllegalArgumentException if a kind is not in {@link #SUPPORTED_KINDS}
   */
  public CatalogSchemaScripter(CatalogReader reader, Set<String> supportedKinds) {
    this.reader = java.util.Objects.requireNonNull(reader, "reader");
    this.supportedKinds = Set.copyOf(supportedKinds);
    for (String k : this.supportedKinds) {
      if (!SUPPORTED_KINDS.contains(k)) {
        throw new IllegalArgumentException("kind '" + k + "' cannot be scripted; supported: "
            + new java.util.TreeSet<>(SUPPORTED_KINDS));
      }
    }
  }

  @Override
  public DumpScript script(Connection snapshot) {
    return script(reader.read(snapshot));
  }

  /** Scripts an already read catalog. */
  public DumpScript script(Catalog cat) {
    // pg_dump's loop repair, in our words: sort; when objects are left in a dependency loop,
    // split what can be split out of them (a column default or CHECK that needs an object
    // which needs the table; else a view, created first as a placeholder of the right shape)
    // and sort again.
    Set<String> split = new HashSet<>();
    List<SchemaObject> preData;
    for (int round = 0; ; round++) {
      Map<String, SchemaObject> pre = new LinkedHashMap<>();
      Map<String, Set<String>> deps = new HashMap<>();
      preData(cat, split, pre, deps);
      Set<String> stuck = new HashSet<>();
      preData = sort(pre, deps, stuck);
      if (stuck.isEmpty() || round >= 16 || !split.addAll(loopBreakers(cat, stuck))) {
        break;
      }
    }
    int n = 0;
    List<SchemaObject> withComments = new ArrayList<>(preData);
    for (Catalog.Comment c : cat.comments()) {
      if (!c.post()) {
        // after every object, so that a comment never precedes what it is on
        withComments.add(new SchemaObject("COMMENT", "", (n++) + " " + c.target(),
            Section.PRE_DATA, "COMMENT ON " + c.target() + " IS " + literal(c.text()) + ";",
            List.of()));
      }
    }
    preData = withComments;

    List<TableData> data = new ArrayList<>();
    for (Table t : cat.tables()) {
      if (!t.partitioned()) {
        data.add(new TableData(t.schema(), t.name(), t.columns().stream()
            .filter(c -> c.generatedExpr() == null).map(Column::name).toList(),
            t.estimatedRows(), t.estimatedBytes()));
      }
    }
    for (Catalog.Extension x : cat.extensions()) {
      // the user's rows of the extension's configuration tables, loaded after CREATE EXTENSION
      for (Catalog.ConfigTable t : x.configTables()) {
        data.add(new TableData(t.schema(), t.name(), t.columns(), -1, -1, t.filter()));
      }
    }

    List<SchemaObject> postData = postData(cat, preData);
    List<String> unscripted = cat.inventory().stream()
        .filter(i -> !supportedKinds.contains(i.kind())).map(Catalog.InventoryItem::toString)
        .toList();
    return new DumpScript(preData, data, postData, cat.schemaNames(), cat.serverVersion(),
        unscripted);
  }

  /** Member keys ({@code DEFAULT s."t"."c"}, {@code CHECK s."t"."k"}) or views to split. */
  private static Set<String> loopBreakers(Catalog cat, Set<String> stuck) {
    Set<String> out = new HashSet<>();
    Map<String, Table> tables = new HashMap<>();
    cat.tables().forEach(t -> tables.put(t.schema() + "." + t.name(), t));
    for (Dependency dep : cat.dependencies()) {
      String kind = dep.from().kind();
      if ((kind.equals("DEFAULT") || kind.equals("CHECK")) && stuck.contains(dep.to().toString())) {
        List<String> parts = splitQualified(dep.from().name(), false);
        Table t = tables.get(dep.from().schema() + "." + parts.get(0));
        if (t == null || !stuck.contains("TABLE " + t.schema() + "." + t.name())) {
          continue;
        }
        boolean splittable = kind.equals("CHECK") || t.columns().stream().anyMatch(c ->
            c.name().equals(parts.get(1)) && c.generatedExpr() == null && c.defaultExpr() != null
                && (c.local() || t.partitionOf() == null && t.inherits().isEmpty()));
        if (splittable) {
          out.add(memberKey(dep.from()));
        }
      }
    }
    if (out.isEmpty()) {
      for (View v : cat.views()) {
        if (!v.materialized() && stuck.contains("VIEW " + v.schema() + "." + v.name())) {
          out.add("VIEW " + v.schema() + "." + v.name());
          break; // one placeholder at a time, like pg_dump
        }
      }
    }
    return out;
  }

  private static void preData(Catalog cat, Set<String> split, Map<String, SchemaObject> pre,
      Map<String, Set<String>> deps) {
    for (Catalog.Schema s : cat.schemas()) {
      if (!s.name().equals("public")) {
        add(pre, deps, new SchemaObject("SCHEMA", "", s.name(), Section.PRE_DATA,
            "CREATE SCHEMA " + quote(s.name()) + ";", List.of()));
      }
    }
    for (Catalog.Extension x : cat.extensions()) {
      add(pre, deps, new SchemaObject("EXTENSION", "", x.name(), Section.PRE_DATA,
          // No VERSION, like pg_dump: the target's default version, so that a backup moves
          // between majors whose extensions ship different versions.
          "CREATE EXTENSION IF NOT EXISTS " + quote(x.name()) + " WITH SCHEMA " + quote(x.schema())
              + ";", schemaDep(x.schema())));
    }
    for (Catalog.Collation c : cat.collations()) {
      add(pre, deps, new SchemaObject("COLLATION", c.schema(), c.name(), Section.PRE_DATA,
          "CREATE COLLATION " + qualified(c.schema(), c.name()) + " (" + c.options() + ");",
          schemaDep(c.schema())));
    }
    for (Type t : cat.types()) {
      add(pre, deps, new SchemaObject("TYPE", t.schema(), t.name(), Section.PRE_DATA, typeSql(t),
          schemaDep(t.schema())));
    }
    for (Catalog.Function f : cat.functions()) {
      add(pre, deps, new SchemaObject("FUNCTION", f.schema(), f.signature(), Section.PRE_DATA,
          f.definition() + ";", schemaDep(f.schema())));
    }
    for (Sequence s : cat.sequences()) {
      add(pre, deps, new SchemaObject("SEQUENCE", s.schema(), s.name(), Section.PRE_DATA,
          "CREATE " + (s.unlogged() ? "UNLOGGED " : "") + "SEQUENCE " + qualified(s.schema(), s.name())
              + " AS " + s.dataType() + "\n"
              + sequenceOptions(s) + ";", schemaDep(s.schema())));
    }
    Map<String, List<Constraint>> inlineChecks = new HashMap<>();
    for (Constraint c : cat.constraints()) {
      String member = "CHECK " + c.schema() + "." + quote(c.table()) + "." + quote(c.name());
      if (isInlineCheck(c) && !split.contains(member)) {
        inlineChecks.computeIfAbsent(c.schema() + "." + c.table(), k -> new ArrayList<>()).add(c);
      } else if (isInlineCheck(c)) {
        add(pre, deps, new SchemaObject("CHECK", c.schema(), quote(c.table()) + "." + quote(c.name()),
            Section.PRE_DATA, "ALTER TABLE ONLY " + qualified(c.schema(), c.table())
                + "\n    ADD CONSTRAINT " + quote(c.name()) + " " + c.definition() + ";",
            List.of("TABLE " + c.schema() + "." + c.table())));
      }
    }
    Map<String, Table> byName = new HashMap<>();
    cat.tables().forEach(t -> byName.put(t.schema() + "." + t.name(), t));
    for (Table t : cat.tables()) {
      List<String> d = new ArrayList<>(schemaDep(t.schema()));
      for (String parent : t.partitionOf() != null ? List.of(t.partitionOf()) : t.inherits()) {
        d.add("TABLE " + unquoteQualified(parent));
      }
      Set<String> splitDefaults = new HashSet<>();
      for (Column c : t.columns()) {
        String member = "DEFAULT " + t.schema() + "." + quote(t.name()) + "." + quote(c.name());
        if (split.contains(member)) {
          splitDefaults.add(c.name());
          add(pre, deps, new SchemaObject("DEFAULT", t.schema(), quote(t.name()) + "." + quote(c.name()),
              Section.PRE_DATA, "ALTER TABLE ONLY " + qualified(t.schema(), t.name())
                  + " ALTER COLUMN " + quote(c.name()) + " SET DEFAULT " + c.defaultExpr() + ";",
              List.of("TABLE " + t.schema() + "." + t.name())));
        }
      }
      List<Constraint> checks = inlineChecks.getOrDefault(t.schema() + "." + t.name(), List.of());
      boolean attach = attachedOutOfOrder(t, byName);
      List<Constraint> ownAndInherited = new ArrayList<>(checks);
      if (attach) {
        // ATTACH PARTITION wants the parent's CHECKs on the table already (it marks them inherited)
        cat.constraints().stream().filter(c -> c.schema().equals(t.schema())
            && c.table().equals(t.name()) && c.type().equals("c") && !c.local())
            .forEach(ownAndInherited::add);
      }
      String sql = attach
          ? tableSql(withoutDefaults(standalone(t), splitDefaults), ownAndInherited, byName)
              + "\nALTER TABLE ONLY " + t.partitionOf() + " ATTACH PARTITION "
              + qualified(t.schema(), t.name()) + " " + t.partitionBound() + ";"
          : tableSql(withoutDefaults(t, splitDefaults), checks, byName);
      add(pre, deps, new SchemaObject("TABLE", t.schema(), t.name(), Section.PRE_DATA, sql, d));
    }
    for (Sequence s : cat.sequences()) {
      if (s.ownedByTable() != null) {
        String table = unquoteQualified(s.ownedByTable());
        add(pre, deps, new SchemaObject("SEQUENCE OWNED BY", s.schema(), s.name(), Section.PRE_DATA,
            "ALTER SEQUENCE " + qualified(s.schema(), s.name()) + " OWNED BY " + s.ownedByTable() + "."
                + quote(s.ownedByColumn()) + ";",
            List.of("SEQUENCE " + s.schema() + "." + s.name(), "TABLE " + table)));
      }
    }
    for (View v : cat.views()) {
      String kind = v.materialized() ? "MATERIALIZED VIEW" : "VIEW";
      String with = v.options().isEmpty() ? "" : " WITH (" + String.join(", ", v.options()) + ")";
      String name = qualified(v.schema(), v.name());
      if (split.contains(kind + " " + v.schema() + "." + v.name())) {
        // a placeholder with the view's columns now, the real body once what it reads exists
        add(pre, deps, new SchemaObject(kind, v.schema(), v.name(), Section.PRE_DATA,
            "CREATE VIEW " + name + " AS\n SELECT " + v.columns().stream()
                .map(c -> "NULL::" + c.definition() + " AS " + quote(c.name()))
                .collect(Collectors.joining(",\n    ")) + ";", schemaDep(v.schema())));
        add(pre, deps, new SchemaObject("VIEW BODY", v.schema(), v.name(), Section.PRE_DATA,
            "CREATE OR REPLACE VIEW " + name + with + " AS\n" + v.definition() + ";"
                + viewDefaults(v), List.of(kind + " " + v.schema() + "." + v.name())));
        continue;
      }
      add(pre, deps, new SchemaObject(kind, v.schema(), v.name(), Section.PRE_DATA,
          "CREATE " + kind + " " + name + with + " AS\n" + v.definition()
              + (v.materialized() ? "\n  WITH NO DATA;" : ";") + viewDefaults(v),
          schemaDep(v.schema())));
    }
    for (Catalog.Definition d : cat.definitions()) {
      if (d.kind().equals(MEMBER_ACL)) {
        continue; // post-data
      }
      // like a cast: after what it needs, before what uses it (its kind sorts before tables)
      add(pre, deps, new SchemaObject(d.kind(), d.schema(), d.name(), Section.PRE_DATA, d.sql(),
          schemaDep(d.schema())));
    }
    for (Catalog.Definition d : cat.definitions()) {
      if (d.kind().equals(MEMBER_ACL)) {
        continue;
      }
      // after all of them are known: a configuration needs dictionaries listed after it
      d.needs().stream().map(Catalog.ObjectRef::toString).filter(pre::containsKey)
          .forEach(deps.get(d.kind() + " " + d.schema() + "." + d.name())::add);
    }
    for (Catalog.Cast c : cat.casts()) {
      String name = "(" + c.source() + " AS " + c.target() + ")";
      // a cast needs its function and types, and anything may use it later: after them all
      add(pre, deps, new SchemaObject("CAST", "", name, Section.PRE_DATA, "CREATE CAST " + name
          + " " + c.method() + c.context() + ";", c.needs().stream().map(Catalog.ObjectRef::toString)
          .filter(pre::containsKey).toList()));
    }
    for (Dependency dep : cat.dependencies()) {
      String from = dep.from().toString();
      String to = dep.to().toString();
      String kind = dep.from().kind();
      if (kind.equals("DEFAULT") || kind.equals("CHECK")) {
        from = memberKey(dep.from());
        if (!pre.containsKey(from)) {
          // not split out: its needs are its table's
          from = "TABLE " + dep.from().schema() + "." + splitQualified(dep.from().name(), false).get(0);
        }
      } else if (kind.equals("VIEW") && pre.containsKey("VIEW BODY " + dep.from().schema() + "."
          + dep.from().name())) {
        from = "VIEW BODY " + dep.from().schema() + "." + dep.from().name();
        if (dep.to().kind().equals("TYPE") || dep.to().kind().equals("SCHEMA")) {
          String placeholder = dep.from().toString();
          if (pre.containsKey(to)) {
            deps.get(placeholder).add(to); // the placeholder's columns need their types
          }
        }
      }
      if (pre.containsKey(from) && pre.containsKey(to) && !from.equals(to)) {
        deps.get(from).add(to);
      }
    }
  }

  /** The key of a split-out default or check: {@code KIND schema."table"."member"}, quoted by us. */
  private static String memberKey(Catalog.ObjectRef ref) {
    List<String> parts = splitQualified(ref.name(), false);
    return ref.kind() + " " + ref.schema() + "." + quote(parts.get(0)) + "." + quote(parts.get(1));
  }

  /** The table with the named columns' defaults removed (they are scripted on their own). */
  private static Table withoutDefaults(Table t, Set<String> columns) {
    if (columns.isEmpty()) {
      return t;
    }
    List<Column> cols = t.columns().stream().map(c -> !columns.contains(c.name()) ? c
        : new Column(c.name(), c.type(), c.notNull(), null, c.identity(), c.identitySequence(),
            c.generatedExpr(), c.collation(), c.local(), c.statisticsTarget(), c.storage(),
            c.notNullName(), c.compression(), c.options())).toList();
    return new Table(t.schema(), t.name(), t.partitioned(), t.unlogged(), t.partitionOf(),
        t.partitionBound(), t.partitionKey(), t.inherits(), t.reloptions(), t.rowSecurity(),
        t.forceRowSecurity(), cols, t.estimatedRows(), t.estimatedBytes(), t.replicaIdentity(),
        t.clusterOn(), t.accessMethod(), t.ofType());
  }

  /**
   * A partition whose columns are not in its parent's order (it was created on its own and
   * attached): written like that, as a table of its own with its columns in its order, then
   * attached, so that its column order and row text stay as they are.
   */
  private static boolean attachedOutOfOrder(Table t, Map<String, Table> byName) {
    if (t.partitionOf() == null) {
      return false;
    }
    Table parent = byName.get(unquoteQualified(t.partitionOf()));
    return parent != null && !parent.columns().stream().map(Column::name).toList()
        .equals(t.columns().stream().map(Column::name).toList());
  }

  private static Table standalone(Table t) {
    return new Table(t.schema(), t.name(), t.partitioned(), t.unlogged(), null, null,
        t.partitionKey(), t.inherits(), t.reloptions(), t.rowSecurity(), t.forceRowSecurity(),
        t.columns(), t.estimatedRows(), t.estimatedBytes(), t.replicaIdentity(), t.clusterOn(),
        t.accessMethod(), t.ofType());
  }

  private static List<SchemaObject> postData(Catalog cat, List<SchemaObject> preData) {
    List<SchemaObject> post = new ArrayList<>();
    Map<String, Table> tables = new HashMap<>();
    cat.tables().forEach(t -> tables.put(t.schema() + "." + t.name(), t));
    List<String> attaches = new ArrayList<>();
    Set<String> matviews = cat.views().stream().filter(View::materialized)
        .map(v -> v.schema() + "." + v.name()).collect(Collectors.toSet());
    for (Constraint c : cat.constraints()) {
      boolean partitionCopy = c.parentIndex() != null;
      if ((!c.local() && !partitionCopy) || isInlineCheck(c) || c.type().equals("f")) {
        continue;
      }
      String kind = "CONSTRAINT";
      post.add(new SchemaObject(kind, c.schema(), c.table() + "." + c.name(), Section.POST_DATA,
          "ALTER TABLE ONLY " + qualified(c.schema(), c.table()) + "\n    ADD CONSTRAINT " + quote(c.name())
              + " " + c.definition() + ";", List.of("TABLE " + c.schema() + "." + c.table())));
      if (c.parentIndex() != null && c.index() != null) {
        attaches.add("ALTER INDEX " + c.parentIndex() + " ATTACH PARTITION " + qualified(c.schema(), c.index()) + ";");
      }
    }
    for (Catalog.Index i : cat.indexes()) {
      String owner = (matviews.contains(i.schema() + "." + i.table()) ? "MATERIALIZED VIEW " : "TABLE ")
          + i.schema() + "." + i.table();
      StringBuilder sql = new StringBuilder(i.definition()).append(';');
      for (Catalog.NamedDef t : i.columnTargets()) {
        sql.append("\nALTER INDEX ").append(qualified(i.schema(), i.name())).append(" ALTER COLUMN ")
            .append(Integer.parseInt(t.name())).append(" SET STATISTICS ")
            .append(Integer.parseInt(t.definition())).append(';');
      }
      post.add(new SchemaObject("INDEX", i.schema(), i.name(), Section.POST_DATA, sql.toString(),
          List.of(owner)));
      if (i.parentIndex() != null) {
        attaches.add("ALTER INDEX " + i.parentIndex() + " ATTACH PARTITION " + qualified(i.schema(), i.name()) + ";");
      }
    }
    for (int k = 0; k < attaches.size(); k++) {
      post.add(new SchemaObject("INDEX ATTACH", "", Integer.toString(k), Section.POST_DATA, attaches.get(k), List.of()));
    }
    for (Table t : cat.tables()) {
      String table = qualified(t.schema(), t.name());
      if (t.clusterOn() != null) {
        post.add(new SchemaObject("CLUSTER ON", t.schema(), t.name(), Section.POST_DATA,
            "ALTER TABLE " + table + " CLUSTER ON " + quote(t.clusterOn()) + ";",
            List.of("TABLE " + t.schema() + "." + t.name())));
      }
      if (t.replicaIdentity() != null && t.replicaIdentity().startsWith("USING")) {
        post.add(new SchemaObject("REPLICA IDENTITY", t.schema(), t.name(), Section.POST_DATA,
            "ALTER TABLE ONLY " + table + " REPLICA IDENTITY " + t.replicaIdentity() + ";",
            List.of("TABLE " + t.schema() + "." + t.name())));
      }
    }
    for (Type t : cat.types()) {
      for (Catalog.NamedDef c : t.checks()) {
        if (isNotValid(c.definition())) {
          post.add(new SchemaObject("DOMAIN CONSTRAINT", t.schema(), t.name() + "." + c.name(),
              Section.POST_DATA, "ALTER DOMAIN " + qualified(t.schema(), t.name())
                  + " ADD CONSTRAINT " + quote(c.name()) + " " + c.definition() + ";",
              List.of("TYPE " + t.schema() + "." + t.name())));
        }
      }
    }
    for (Catalog.Statistics st : cat.statistics()) {
      post.add(new SchemaObject("STATISTICS", st.schema(), st.name(), Section.POST_DATA,
          st.definition() + ";" + (st.target() < 0 ? "" : "\nALTER STATISTICS "
              + qualified(st.schema(), st.name()) + " SET STATISTICS " + st.target() + ";"),
          List.of()));
    }
    for (Constraint c : cat.constraints()) {
      if (c.type().equals("f") && c.local()) {
        Table t = tables.get(c.schema() + "." + c.table());
        String only = t != null && t.partitioned() ? "" : "ONLY ";
        post.add(new SchemaObject("FK CONSTRAINT", c.schema(), c.table() + "." + c.name(), Section.POST_DATA,
            "ALTER TABLE " + only + qualified(c.schema(), c.table()) + "\n    ADD CONSTRAINT " + quote(c.name())
                + " " + c.definition() + ";", List.of("TABLE " + c.schema() + "." + c.table())));
      }
    }
    // triggers and rules depend on their relation's entry: a view's is not a TABLE key
    Map<String, String> viewKeys = new HashMap<>();
    cat.views().forEach(v -> viewKeys.put(v.schema() + "\u0000" + v.name(),
        (v.materialized() ? "MATERIALIZED VIEW " : "VIEW ") + v.schema() + "." + v.name()));
    for (Catalog.Trigger t : cat.triggers()) {
      StringBuilder sql = new StringBuilder();
      String table = qualified(t.schema(), t.table());
      if (t.definition() != null) {
        sql.append(t.definition()).append(';');
      } else {
        // a partition's clone of its parent's trigger: only its own state
        sql.append("ALTER TABLE ").append(table).append(" ENABLE TRIGGER ").append(quote(t.name())).append(';');
      }
      switch (t.enabled()) {
        case "D" -> sql.append("\nALTER TABLE ").append(table).append(" DISABLE TRIGGER ").append(quote(t.name())).append(';');
        case "R" -> sql.append("\nALTER TABLE ").append(table).append(" ENABLE REPLICA TRIGGER ").append(quote(t.name())).append(';');
        case "A" -> sql.append("\nALTER TABLE ").append(table).append(" ENABLE ALWAYS TRIGGER ").append(quote(t.name())).append(';');
        default -> { }
      }
      post.add(new SchemaObject("TRIGGER", t.schema(), t.table() + "." + t.name(), Section.POST_DATA,
          sql.toString(), List.of(relationKey(viewKeys, t.schema(), t.table()))));
    }
    for (Catalog.Rule r : cat.rules()) {
      String def = r.definition().strip();
      post.add(new SchemaObject("RULE", r.schema(), r.table() + "." + r.name(), Section.POST_DATA,
          def.endsWith(";") ? def : def + ";", List.of(relationKey(viewKeys, r.schema(), r.table()))));
    }
    for (Table t : cat.tables()) {
      if (t.rowSecurity()) {
        post.add(new SchemaObject("ROW SECURITY", t.schema(), t.name(), Section.POST_DATA,
            "ALTER TABLE " + qualified(t.schema(), t.name()) + " ENABLE ROW LEVEL SECURITY;",
            List.of("TABLE " + t.schema() + "." + t.name())));
      }
      if (t.forceRowSecurity()) {
        post.add(new SchemaObject("FORCE ROW SECURITY", t.schema(), t.name(), Section.POST_DATA,
            "ALTER TABLE " + qualified(t.schema(), t.name()) + " FORCE ROW LEVEL SECURITY;",
            List.of("TABLE " + t.schema() + "." + t.name())));
      }
    }
    for (Catalog.Policy p : cat.policies()) {
      StringBuilder sql = new StringBuilder("CREATE POLICY ").append(quote(p.name())).append(" ON ")
          .append(qualified(p.schema(), p.table())).append(p.permissive() ? " AS PERMISSIVE" : " AS RESTRICTIVE")
          .append(" FOR ").append(p.command()).append(" TO ").append(String.join(", ", p.roles()));
      if (p.using() != null) {
        sql.append("\n  USING (").append(p.using()).append(')');
      }
      if (p.withCheck() != null) {
        sql.append("\n  WITH CHECK (").append(p.withCheck()).append(')');
      }
      post.add(new SchemaObject("POLICY", p.schema(), p.table() + "." + p.name(), Section.POST_DATA,
          sql.append(';').toString(), List.of("TABLE " + p.schema() + "." + p.table())));
    }
    List<Sequence> allSequences = new ArrayList<>(cat.sequences());
    for (Table t : cat.tables()) {
      t.columns().stream().map(Column::identitySequence).filter(java.util.Objects::nonNull).forEach(allSequences::add);
    }
    for (Sequence s : allSequences) {
      post.add(sequenceSet(s.schema(), s.name(), s.lastValue(), s.isCalled()));
    }
    for (Catalog.Extension x : cat.extensions()) {
      for (Catalog.ConfigSequence s : x.configSequences()) {
        post.add(sequenceSet(s.schema(), s.name(), s.lastValue(), s.isCalled()));
      }
    }
    Set<String> populated = cat.views().stream().filter(v -> v.materialized() && v.populated())
        .map(v -> "MATERIALIZED VIEW " + v.schema() + "." + v.name()).collect(Collectors.toSet());
    for (SchemaObject o : preData) {
      if (populated.contains(o.key())) {
        post.add(new SchemaObject("MATERIALIZED VIEW DATA", o.schema(), o.name(), Section.POST_DATA,
            "REFRESH MATERIALIZED VIEW " + qualified(o.schema(), o.name()) + ";", List.of(o.key())));
      }
    }
    int n = 0;
    List<SchemaObject> last = new ArrayList<>();
    for (Catalog.Comment c : cat.comments()) {
      if (c.post()) {
        SchemaObject o = new SchemaObject("COMMENT", "", (n++) + " " + c.target(), Section.POST_DATA,
            "COMMENT ON " + c.target() + " IS " + literal(c.text()) + ";", List.of());
        (c.target().startsWith("EVENT TRIGGER ") ? last : post).add(o);
      }
    }
    post.addAll(acls(cat.grants(), cat.serverVersion()));
    for (Catalog.Definition d : cat.definitions()) {
      if (d.kind().equals(MEMBER_ACL)) {
        post.add(new SchemaObject("ACL", d.schema(), d.name(), Section.POST_DATA, d.sql(),
            List.of()));
      }
    }
    // after every object, like pg_dump: the restore's own CREATEs must not take them
    post.addAll(defaultPrivileges(cat.defaultPrivileges()));
    for (Catalog.Publication p : cat.publications()) {
      StringBuilder sql = new StringBuilder("CREATE PUBLICATION ").append(quote(p.name()))
          .append(p.allTables() ? " FOR ALL TABLES" : "").append(" WITH (publish = ")
          .append(literal(p.publish())).append(p.viaRoot() ? ", publish_via_partition_root = true" : "")
          .append(");");
      for (String m : p.members()) {
        sql.append("\nALTER PUBLICATION ").append(quote(p.name())).append(" ADD ").append(m).append(';');
      }
      post.add(new SchemaObject("PUBLICATION", "", p.name(), Section.POST_DATA, sql.toString(),
          List.of()));
    }
    // event triggers last, like pg_dump: they must not fire on the restore's own DDL
    for (Catalog.EventTrigger e : cat.eventTriggers()) {
      StringBuilder sql = new StringBuilder("CREATE EVENT TRIGGER ").append(quote(e.name()))
          .append(" ON ").append(quote(e.event()));
      if (!e.tags().isEmpty()) {
        sql.append("\n    WHEN TAG IN (").append(e.tags().stream().map(t -> literal(t))
            .collect(Collectors.joining(", "))).append(')');
      }
      sql.append("\n    EXECUTE FUNCTION ").append(e.function()).append(';');
      switch (e.enabled()) {
        case "D" -> sql.append("\nALTER EVENT TRIGGER ").append(quote(e.name())).append(" DISABLE;");
        case "R" -> sql.append("\nALTER EVENT TRIGGER ").append(quote(e.name())).append(" ENABLE REPLICA;");
        case "A" -> sql.append("\nALTER EVENT TRIGGER ").append(quote(e.name())).append(" ENABLE ALWAYS;");
        default -> { }
      }
      post.add(new SchemaObject("EVENT TRIGGER", "", e.name(), Section.POST_DATA, sql.toString(),
          List.of()));
    }
    post.addAll(last);
    // owners last, after the privileges: the ACLs are written for the restoring role as the
    // owner, and ALTER ... OWNER TO hands its entries (as grantee and grantor) to the new owner,
    // so the result is the source's; and with --no-owner or a missing role they stay right
    List<SchemaObject> all = new ArrayList<>(preData);
    all.addAll(post);
    post.addAll(owners(cat, all));
    return post;
  }

  /** The {@code ALTER ... OWNER TO} keyword of each inventory kind pg_dump sets an owner for. */
  private static final Map<String, String> OWNED_KINDS = Map.ofEntries(
      Map.entry("schema", "SCHEMA"), Map.entry("table", "TABLE"),
      Map.entry("foreign table", "FOREIGN TABLE"), Map.entry("view", "VIEW"),
      Map.entry("materialized view", "MATERIALIZED VIEW"), Map.entry("sequence", "SEQUENCE"),
      Map.entry("composite type", "TYPE"), Map.entry("enum type", "TYPE"),
      Map.entry("range type", "TYPE"), Map.entry("base type", "TYPE"), Map.entry("domain", "DOMAIN"),
      Map.entry("function", "FUNCTION"), Map.entry("window function", "FUNCTION"),
      Map.entry("aggregate", "AGGREGATE"), Map.entry("procedure", "PROCEDURE"),
      Map.entry("statistics object", "STATISTICS"), Map.entry("collation", "COLLATION"),
      Map.entry("conversion", "CONVERSION"), Map.entry("operator", "OPERATOR"),
      Map.entry("operator class", "OPERATOR CLASS"), Map.entry("operator family", "OPERATOR FAMILY"),
      Map.entry("text search configuration", "TEXT SEARCH CONFIGURATION"),
      Map.entry("text search dictionary", "TEXT SEARCH DICTIONARY"),
      Map.entry("language", "LANGUAGE"), Map.entry("foreign-data wrapper", "FOREIGN DATA WRAPPER"),
      Map.entry("server", "SERVER"), Map.entry("large object", "LARGE OBJECT"),
      Map.entry("publication", "PUBLICATION"), Map.entry("event trigger", "EVENT TRIGGER"));

  /**
   * {@code ALTER <kind> <identity> OWNER TO <role>} for every owned object of the inventory, as
   * post-data entries of the object's schema (a selective restore keeps those of the schemas it
   * restores). The identities are {@code pg_identify_object}'s, quoted where needed.
   */
  static List<SchemaObject> owners(Catalog cat, List<SchemaObject> written) {
    // each entry depends on the object's own entry, so that a selective restore leaving an object
    // out leaves its owner out too (functions: every overload of the name, which errs on leaving out)
    Map<String, List<String>> creates = new HashMap<>();
    for (SchemaObject o : written) {
      if (OWNED_ENTRY_KINDS.contains(o.kind())) {
        int paren = o.name().indexOf('(');
        creates.computeIfAbsent(o.schema() + "." + (paren < 0 ? o.name() : o.name().substring(0, paren)),
            k -> new ArrayList<>()).add(o.key());
      }
    }
    List<SchemaObject> out = new ArrayList<>();
    // schemas first: a non-superuser restore may give an object to a role only in a schema that
    // role may create in, as it may in the schema it owns. Sequences after tables: a serial's
    // sequence takes its table's owner with it, and PostgreSQL refuses to change a linked
    // sequence's owner on its own (unchanged, it is no-op)
    List<Catalog.InventoryItem> items = new ArrayList<>(cat.inventory());
    items.sort(Comparator.comparingInt(i -> i.kind().equals("schema") ? 0 : i.kind().equals("sequence") ? 2 : 1));
    for (Catalog.InventoryItem i : items) {
      String keyword = OWNED_KINDS.get(i.kind());
      if (keyword == null || i.owner() == null) {
        continue;
      }
      String identity = i.identity();
      if (i.kind().equals("aggregate") && identity.endsWith("()")) {
        identity = identity.substring(0, identity.length() - 2) + "(*)"; // ALTER AGGREGATE a(*)
      }
      String schema = ownerSchema(i);
      List<String> deps = i.kind().equals("schema") ? creates.getOrDefault("." + schema, List.of())
          : creates.getOrDefault(schema + "." + ownerName(i.identity()), List.of());
      out.add(new SchemaObject("OWNER", schema, i.kind() + " " + i.identity(), Section.POST_DATA,
          "ALTER " + keyword + " " + identity + " OWNER TO " + quote(i.owner()) + ";", deps));
    }
    return out;
  }

  /** Entry kinds that create an object {@link #owners} sets an owner for. */
  private static final Set<String> OWNED_ENTRY_KINDS = Set.of("SCHEMA", "TABLE", "VIEW",
      "MATERIALIZED VIEW", "SEQUENCE", "TYPE", "FUNCTION", "COLLATION", "FOREIGN TABLE", "STATISTICS");

  /** The unquoted first identifier of {@code s} (quoted or not), up to a dot, space or parenthesis. */
  private static String firstIdentifier(String s) {
    if (s.startsWith("\"")) {
      StringBuilder b = new StringBuilder();
      for (int k = 1; k < s.length(); k++) {
        char ch = s.charAt(k);
        if (ch == '"' && k + 1 < s.length() && s.charAt(k + 1) == '"') {
          b.append('"');
          k++;
        } else if (ch == '"') {
          break;
        } else {
          b.append(ch);
        }
      }
      return b.toString();
    }
    int end = 0;
    while (end < s.length() && ".( ".indexOf(s.charAt(end)) < 0) {
      end++;
    }
    return s.substring(0, end);
  }

  /** The object's own name in a schema-qualified identity ({@code s.n}, {@code s.f(int)}). */
  private static String ownerName(String identity) {
    String schema = firstIdentifier(identity);
    String rest = identity.substring(identity.startsWith("\"")
        ? schema.replace("\"", "\"\"").length() + 2 : schema.length());
    return rest.startsWith(".") ? firstIdentifier(rest.substring(1)) : "";
  }

  /** The schema of an owned item: its own name for a schema, "" for a kind without one. */
  private static String ownerSchema(Catalog.InventoryItem i) {
    Set<String> global = Set.of("language", "foreign-data wrapper", "server", "large object",
        "publication", "event trigger");
    return global.contains(i.kind()) ? "" : firstIdentifier(i.identity());
  }

  /**
   * Scripts explicit ACLs: per object, {@code REVOKE ALL ... FROM PUBLIC} when the explicit ACL
   * has no PUBLIC entry (functions and types grant PUBLIC rights by default), then the GRANTs
   * (which start from the default ACL, so the result equals the source's, entry order included). The owner's own entries are written for the restoring role, which owns the objects until the {@code OWNER TO} entries that end the post-data hand its entries to the recorded owner. Grants
   * to other roles are wrapped in a {@code DO} block that grants only if the role exists on the
   * target, so a restore onto another server never fails on a missing role.
   */
  private static List<SchemaObject> acls(List<Catalog.Grant> grants, int serverVersion) {
    Map<String, List<Catalog.Grant>> byObject = new LinkedHashMap<>();
    for (Catalog.Grant g : grants) {
      byObject.computeIfAbsent(g.objectType() + " " + g.target(), k -> new ArrayList<>()).add(g);
    }
    List<SchemaObject> out = new ArrayList<>();
    for (List<Catalog.Grant> entries : byObject.values()) {
      Catalog.Grant first = entries.get(0);
      String on = " ON " + first.objectType() + " " + first.target();
      StringBuilder sql = new StringBuilder();
      boolean objectLevel = entries.stream().anyMatch(g -> g.column() == null);
      boolean publicKept = entries.stream()
          .anyMatch(g -> g.column() == null && g.grantee().equals("PUBLIC"));
      if (objectLevel && !publicKept) {
        sql.append("REVOKE ALL").append(on).append(" FROM PUBLIC;\n");
      }
      // An owner that revoked some of its own rights: the restoring role (the new owner) gets
      // exactly the rights the source's owner kept.
      Set<String> ownerKept = entries.stream().filter(g -> g.toOwner() && g.column() == null)
          .map(Catalog.Grant::privilege).collect(Collectors.toCollection(java.util.TreeSet::new));
      if (objectLevel && !ownerKept.equals(allPrivileges(first.objectType(), serverVersion))) {
        sql.append("REVOKE ALL").append(on).append(" FROM CURRENT_USER;\n");
        if (!ownerKept.isEmpty()) {
          sql.append("GRANT ").append(String.join(", ", ownerKept)).append(on)
              .append(" TO CURRENT_USER;\n");
        }
      }
      record Grantee(String role, boolean grantable) {}
      Map<Grantee, List<String>> byGrantee = new LinkedHashMap<>();
      for (Catalog.Grant g : entries) {
        if (g.toOwner()) {
          continue;
        }
        String priv = g.privilege() + (g.column() == null ? "" : " (" + quote(g.column()) + ")");
        byGrantee.computeIfAbsent(new Grantee(g.grantee(), g.grantable()),
            k -> new ArrayList<>()).add(priv);
      }
      for (Map.Entry<Grantee, List<String>> e : byGrantee.entrySet()) {
        String role = e.getKey().role();
        boolean grantable = e.getKey().grantable();
        boolean isPublic = role.equals("PUBLIC");
        String grant = "GRANT " + String.join(", ", e.getValue()) + on + " TO "
            + (isPublic ? "PUBLIC" : quote(role)) + (grantable ? " WITH GRANT OPTION" : "") + ";";
        if (isPublic) {
          sql.append(grant).append('\n');
        } else {
          String tag = "$acl$";
          for (int k = 1; grant.contains(tag); k++) {
            tag = "$acl" + k + "$";
          }
          sql.append("DO ").append(tag).append(" BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles")
              .append(" WHERE rolname = ").append(literal(role)).append(") THEN ").append(grant)
              .append(" END IF; END ").append(tag).append(";\n");
        }
      }
      if (sql.length() > 0) {
        out.add(new SchemaObject("ACL", first.schema() == null ? "" : first.schema(),
            first.objectType() + " " + first.name(), Section.POST_DATA,
            sql.substring(0, sql.length() - 1), List.of()));
      }
    }
    return out;
  }

  /**
   * Scripts {@code ALTER DEFAULT PRIVILEGES} like pg_dump: per role, schema and object type, the
   * revokes from the built-in defaults, then the grants. {@code FOR ROLE} is always written (as
   * pg_dump does), so the role, and every grantee, must exist on the target.
   */
  private static List<SchemaObject> defaultPrivileges(List<Catalog.DefaultPrivilege> privileges) {
    record Scope(String role, String schema, String objectType) {}
    record Grantee(boolean revoke, String role, boolean grantable) {}
    Map<Scope, Map<Grantee, List<String>>> byScope = new LinkedHashMap<>();
    for (Catalog.DefaultPrivilege d : privileges) {
      byScope.computeIfAbsent(new Scope(d.role(), d.schema(), d.objectType()),
          k -> new LinkedHashMap<>()).computeIfAbsent(new Grantee(d.revoke(), d.grantee(),
          d.grantable()), k -> new ArrayList<>()).add(d.privilege());
    }
    List<SchemaObject> out = new ArrayList<>();
    for (Map.Entry<Scope, Map<Grantee, List<String>>> e : byScope.entrySet()) {
      Scope sc = e.getKey();
      String prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE " + quote(sc.role())
          + (sc.schema() == null ? "" : " IN SCHEMA " + quote(sc.schema()));
      StringBuilder sql = new StringBuilder();
      for (Map.Entry<Grantee, List<String>> g : e.getValue().entrySet()) {
        String role = g.getKey().role().equals("PUBLIC") ? "PUBLIC" : quote(g.getKey().role());
        String privs = String.join(", ", g.getValue());
        sql.append(prefix).append(g.getKey().revoke()
            ? " REVOKE " + privs + " ON " + sc.objectType() + " FROM " + role
            : " GRANT " + privs + " ON " + sc.objectType() + " TO " + role
                + (g.getKey().grantable() ? " WITH GRANT OPTION" : "")).append(";\n");
      }
      out.add(new SchemaObject("DEFAULT ACL", sc.schema() == null ? "" : sc.schema(),
          sc.role() + " " + sc.objectType(), Section.POST_DATA,
          sql.substring(0, sql.length() - 1), List.of()));
    }
    return out;
  }

  /** Every privilege an owner has on an object of that ACL type, by default. */
  private static Set<String> allPrivileges(String objectType, int serverVersion) {
    return switch (objectType) {
      case "TABLE" -> serverVersion >= 170000
          ? Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN")
          : Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER");
      case "SEQUENCE" -> Set.of("USAGE", "SELECT", "UPDATE");
      case "SCHEMA" -> Set.of("USAGE", "CREATE");
      case "FUNCTION", "PROCEDURE" -> Set.of("EXECUTE");
      case "LARGE OBJECT" -> Set.of("SELECT", "UPDATE");
      default -> Set.of("USAGE");
    };
  }

  private static void add(Map<String, SchemaObject> objects, Map<String, Set<String>> deps, SchemaObject o) {
    SchemaObject before = objects.put(o.key(), o);
    if (before != null && !(before.schema().equals(o.schema()) && before.name().equals(o.name()))) {
      // "a"."b.c" and "a.b"."c": one would silently replace the other in the file
      throw new PaperclipException(ErrorCode.BACKUP, ("the java engine cannot back up both "
          + describe(before) + " and " + describe(o) + ": their schema and name join to the same "
          + o.key() + ", by which its files record what depends on what; rename one of them, or use "
          + "--engine pg_dump").replaceAll("\\p{Cntrl}", "?"));
    }
    deps.computeIfAbsent(o.key(), k -> new HashSet<>()).addAll(o.dependsOn());
  }

  private static String describe(SchemaObject o) {
    return o.kind().toLowerCase(java.util.Locale.ROOT) + " "
        + (o.schema().isEmpty() ? quote(o.name()) : quote(o.schema()) + "." + quote(o.name()));
  }

  private static String viewDefaults(View v) {
    StringBuilder sb = new StringBuilder();
    for (Catalog.NamedDef d : v.columnDefaults()) {
      sb.append("\nALTER VIEW ").append(qualified(v.schema(), v.name())).append(" ALTER COLUMN ")
          .append(quote(d.name())).append(" SET DEFAULT ").append(d.definition()).append(';');
    }
    return sb.toString();
  }

  private static List<String> schemaDep(String schema) {
    return schema.equals("public") ? List.of() : List.of("SCHEMA ." + schema);
  }

  /**
   * Kahn's algorithm; ties by kind priority, schema, name. When only objects in (or behind) a
   * dependency loop are left, their keys go to {@code stuck} and the loop is broken at its first
   * node (the caller splits objects and sorts again).
   */
  private static List<SchemaObject> sort(Map<String, SchemaObject> objects,
      Map<String, Set<String>> deps, Set<String> stuck) {
    Comparator<SchemaObject> order = Comparator
        .comparingInt((SchemaObject o) -> PRIORITY.getOrDefault(o.kind(), 8))
        .thenComparing(SchemaObject::schema).thenComparing(SchemaObject::name);
    Map<String, Set<String>> remaining = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    for (String key : objects.keySet()) {
      Set<String> ds = new HashSet<>();
      for (String d : deps.getOrDefault(key, Set.of())) {
        if (objects.containsKey(d) && !d.equals(key)) {
          ds.add(d);
          dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(key);
        }
      }
      remaining.put(key, ds);
    }
    PriorityQueue<SchemaObject> ready = new PriorityQueue<>(order);
    remaining.forEach((k, v) -> {
      if (v.isEmpty()) {
        ready.add(objects.get(k));
      }
    });
    List<SchemaObject> out = new ArrayList<>(objects.size());
    Set<String> done = new HashSet<>();
    while (out.size() < objects.size()) {
      SchemaObject next = ready.poll();
      if (next == null) {
        if (stuck.isEmpty()) {
          objects.keySet().stream().filter(k -> !done.contains(k)).forEach(stuck::add);
        }
        next = objects.values().stream().filter(o -> !done.contains(o.key())).min(order).orElseThrow();
      }
      if (!done.add(next.key())) {
        continue;
      }
      SchemaObject withDeps = new SchemaObject(next.kind(), next.schema(), next.name(), next.section(),
          next.sql(), remaining.get(next.key()).isEmpty() ? deps.getOrDefault(next.key(), Set.of()).stream()
              .filter(objects::containsKey).sorted().toList() : deps.get(next.key()).stream()
              .filter(d -> done.contains(d)).sorted().toList());
      out.add(withDeps);
      for (String dependent : dependents.getOrDefault(next.key(), List.of())) {
        Set<String> r = remaining.get(dependent);
        r.remove(next.key());
        if (r.isEmpty() && !done.contains(dependent)) {
          ready.add(objects.get(dependent));
        }
      }
    }
    return out;
  }

  private static String typeSql(Type t) {
    String name = qualified(t.schema(), t.name());
    switch (t.kind()) {
      case "enum":
        return "CREATE TYPE " + name + " AS ENUM (" + t.labels().stream()
            .map(l -> "\n    " + literal(l)).collect(Collectors.joining(",")) + "\n);";
      case "domain": {
        StringBuilder sb = new StringBuilder("CREATE DOMAIN ").append(name).append(" AS ").append(t.baseType());
        if (t.collation() != null) {
          sb.append(" COLLATE ").append(t.collation());
        }
        if (t.defaultExpr() != null) {
          sb.append(" DEFAULT ").append(t.defaultExpr());
        }
        if (t.notNull()) {
          sb.append(" NOT NULL");
        }
        for (Catalog.NamedDef c : t.checks()) {
          if (!isNotValid(c.definition())) {
            sb.append("\n    CONSTRAINT ").append(quote(c.name())).append(' ').append(c.definition());
          }
        }
        return sb.append(';').toString();
      }
      case "range": {
        List<String> opts = new ArrayList<>();
        opts.add("subtype = " + t.baseType());
        if (t.collation() != null) {
          opts.add("collation = " + t.collation());
        }
        opts.addAll(t.rangeOptions());
        return "CREATE TYPE " + name + " AS RANGE (\n    " + String.join(",\n    ", opts) + "\n);";
      }
      default:
        return "CREATE TYPE " + name + " AS (" + t.attributes().stream()
            .map(a -> "\n    " + quote(a.name()) + " " + a.definition()).collect(Collectors.joining(","))
            + "\n);";
    }
  }

  /** A NOT VALID domain check cannot be part of CREATE DOMAIN: it is added after the rows. */
  private static boolean isNotValid(String constraintDef) {
    return constraintDef.endsWith(" NOT VALID");
  }

  private static String sequenceOptions(Sequence s) {
    return "    START WITH " + s.start() + "\n    INCREMENT BY " + s.increment() + "\n    MINVALUE "
        + s.min() + "\n    MAXVALUE " + s.max() + "\n    CACHE " + s.cache() + (s.cycle() ? "\n    CYCLE" : "");
  }

  /** A validated, locally defined CHECK is written inside CREATE TABLE, like pg_dump does. */
  private static boolean isInlineCheck(Constraint c) {
    return c.type().equals("c") && c.validated() && c.local();
  }

  private static String tableSql(Table t, List<Constraint> checks, Map<String, Table> byName) {
    String name = qualified(t.schema(), t.name());
    StringBuilder sb = new StringBuilder("CREATE ");
    if (t.unlogged()) {
      sb.append("UNLOGGED ");
    }
    sb.append("TABLE ").append(name);
    List<String> items = new ArrayList<>();
    boolean partition = t.partitionOf() != null;
    if (t.ofType() != null && !partition) {
      return typedTableSql(t, checks, name);
    }
    for (Column c : t.columns()) {
      if (!c.local() && (partition || !t.inherits().isEmpty())) {
        continue; // comes from the parent
      }
      if (partition) {
        continue; // partitions take their columns from the parent
      }
      StringBuilder col = new StringBuilder(quote(c.name())).append(' ').append(c.type());
      if (c.collation() != null) {
        col.append(" COLLATE ").append(c.collation());
      }
      if (c.generatedExpr() != null) {
        boolean virtual = c.generatedExpr().endsWith("\u0000VIRTUAL");
        String expr = virtual ? c.generatedExpr().substring(0, c.generatedExpr().length() - 8) : c.generatedExpr();
        col.append(" GENERATED ALWAYS AS (").append(expr).append(virtual ? ") VIRTUAL" : ") STORED");
      } else if (c.defaultExpr() != null) {
        col.append(" DEFAULT ").append(c.defaultExpr());
      }
      if (!c.identity().isEmpty() && c.identitySequence() != null) {
        Sequence s = c.identitySequence();
        col.append(" GENERATED ").append(c.identity().equals("a") ? "ALWAYS" : "BY DEFAULT")
            .append(" AS IDENTITY (SEQUENCE NAME ").append(qualified(s.schema(), s.name()))
            .append(" START WITH ").append(s.start()).append(" INCREMENT BY ").append(s.increment())
            .append(" MINVALUE ").append(s.min()).append(" MAXVALUE ").append(s.max())
            .append(" CACHE ").append(s.cache()).append(s.cycle() ? " CYCLE" : " NO CYCLE").append(')');
      }
      if (c.notNull()) {
        String defaultName = t.name() + "_" + c.name() + "_not_null";
        if (c.notNullName() != null && !c.notNullName().equals(defaultName)) {
          col.append(" CONSTRAINT ").append(quote(c.notNullName()));
        }
        col.append(" NOT NULL");
      }
      items.add(col.toString());
    }
    if (!partition) {
      for (Constraint c : checks) {
        items.add("CONSTRAINT " + quote(c.name()) + " " + c.definition());
      }
    }
    if (partition) {
      sb.append(" PARTITION OF ").append(t.partitionOf());
      if (!t.columns().isEmpty()) {
        List<String> local = new ArrayList<>();
        Table parent = byName.get(unquoteQualified(t.partitionOf()));
        for (Column c : t.columns()) {
          StringBuilder col = new StringBuilder();
          if (c.defaultExpr() != null && c.local()) {
            col.append(" DEFAULT ").append(c.defaultExpr());
          }
          // PostgreSQL 18 names NOT NULL constraints: a partition attached with its own name
          // keeps it (PARTITION OF would take the parent's)
          String parentName = parent == null ? null : parent.columns().stream()
              .filter(pc -> pc.name().equals(c.name())).map(Column::notNullName)
              .filter(java.util.Objects::nonNull).findFirst().orElse(null);
          if (c.notNull() && c.notNullName() != null && parentName != null
              && !parentName.equals(c.notNullName())) {
            col.append(" CONSTRAINT ").append(quote(c.notNullName())).append(" NOT NULL");
          }
          if (col.length() > 0) {
            local.add(quote(c.name()) + col);
          }
        }
        for (Constraint c : checks) {
          local.add("CONSTRAINT " + quote(c.name()) + " " + c.definition());
        }
        if (!local.isEmpty()) {
          sb.append(" (\n    ").append(String.join(",\n    ", local)).append("\n)");
        }
      }
      sb.append("\n").append(t.partitionBound());
    } else {
      sb.append(" (").append(items.isEmpty() ? "" : "\n    " + String.join(",\n    ", items) + "\n").append(')');
      if (!t.inherits().isEmpty()) {
        sb.append("\nINHERITS (").append(String.join(", ", t.inherits())).append(')');
      }
    }
    if (t.partitionKey() != null) {
      sb.append("\nPARTITION BY ").append(t.partitionKey());
    }
    if (t.accessMethod() != null) {
      sb.append("\nUSING ").append(quote(t.accessMethod()));
    }
    if (!t.reloptions().isEmpty()) {
      sb.append("\nWITH (").append(String.join(", ", t.reloptions())).append(')');
    }
    sb.append(';');
    sb.append(inheritedColumnOverrides(t, byName));
    sb.append(columnAlters(t, name));
    return sb.toString();
  }

  /**
   * {@code CREATE TABLE ... OF type}: the columns come from the type; a column's own default and
   * NOT NULL are written {@code WITH OPTIONS}, like pg_dump.
   */
  private static String typedTableSql(Table t, List<Constraint> checks, String name) {
    StringBuilder sb = new StringBuilder("CREATE ").append(t.unlogged() ? "UNLOGGED " : "")
        .append("TABLE ").append(name).append(" OF ").append(t.ofType());
    List<String> items = new ArrayList<>();
    for (Column c : t.columns()) {
      StringBuilder col = new StringBuilder();
      if (c.defaultExpr() != null && c.generatedExpr() == null) {
        col.append(" DEFAULT ").append(c.defaultExpr());
      }
      if (c.notNull()) {
        String defaultName = t.name() + "_" + c.name() + "_not_null";
        if (c.notNullName() != null && !c.notNullName().equals(defaultName)) {
          col.append(" CONSTRAINT ").append(quote(c.notNullName()));
        }
        col.append(" NOT NULL");
      }
      if (col.length() > 0) {
        items.add(quote(c.name()) + " WITH OPTIONS" + col);
      }
    }
    for (Constraint c : checks) {
      items.add("CONSTRAINT " + quote(c.name()) + " " + c.definition());
    }
    if (!items.isEmpty()) {
      sb.append(" (\n    ").append(String.join(",\n    ", items)).append("\n)");
    }
    if (t.partitionKey() != null) {
      sb.append("\nPARTITION BY ").append(t.partitionKey());
    }
    if (t.accessMethod() != null) {
      sb.append("\nUSING ").append(quote(t.accessMethod()));
    }
    if (!t.reloptions().isEmpty()) {
      sb.append("\nWITH (").append(String.join(", ", t.reloptions())).append(')');
    }
    sb.append(';');
    sb.append(columnAlters(t, name));
    return sb.toString();
  }

  /** Per-column statistics, storage, compression and options, as ALTER TABLE statements. */
  private static String columnAlters(Table t, String name) {
    StringBuilder sb = new StringBuilder();
    String alter = "\nALTER TABLE ONLY " + name + " ALTER COLUMN ";
    for (Column c : t.columns()) {
      if (c.statisticsTarget() >= 0) {
        sb.append(alter).append(quote(c.name())).append(" SET STATISTICS ")
            .append(c.statisticsTarget()).append(';');
      }
      if (c.storage() != null) {
        sb.append(alter).append(quote(c.name())).append(" SET STORAGE ").append(c.storage())
            .append(';');
      }
      if (c.compression() != null) {
        sb.append(alter).append(quote(c.name())).append(" SET COMPRESSION ").append(c.compression())
            .append(';');
      }
      if (!c.options().isEmpty()) {
        sb.append(alter).append(quote(c.name())).append(" SET (")
            .append(String.join(", ", c.options())).append(");");
      }
    }
    if (t.replicaIdentity() != null && !t.replicaIdentity().startsWith("USING")) {
      sb.append("\nALTER TABLE ONLY ").append(name).append(" REPLICA IDENTITY ")
          .append(t.replicaIdentity()).append(';');
    }
    return sb.toString();
  }

  /**
   * For partitions and inheritance children: the defaults and NOT NULLs a column has beyond (or
   * without) what its parents give it, as {@code ALTER TABLE ONLY} statements, like pg_dump.
   */
  private static String inheritedColumnOverrides(Table t, Map<String, Table> byName) {
    boolean partition = t.partitionOf() != null;
    List<String> parentNames = partition ? List.of(t.partitionOf()) : t.inherits();
    if (parentNames.isEmpty()) {
      return "";
    }
    List<Table> parents = parentNames.stream().map(p -> byName.get(unquoteQualified(p)))
        .filter(java.util.Objects::nonNull).toList();
    if (parents.size() != parentNames.size()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    String alter = "\nALTER TABLE ONLY " + qualified(t.schema(), t.name()) + " ALTER COLUMN ";
    for (Column c : t.columns()) {
      List<Column> inherited = new ArrayList<>();
      for (Table p : parents) {
        p.columns().stream().filter(pc -> pc.name().equals(c.name())).findFirst()
            .ifPresent(inherited::add);
      }
      if (inherited.isEmpty() || c.generatedExpr() != null || !c.identity().isEmpty()) {
        continue;
      }
      if (!c.local()) {
        boolean sameDefault = inherited.stream()
            .anyMatch(pc -> java.util.Objects.equals(pc.defaultExpr(), c.defaultExpr()));
        if (!sameDefault) {
          sb.append(alter).append(quote(c.name())).append(c.defaultExpr() == null
              ? " DROP DEFAULT;" : " SET DEFAULT " + c.defaultExpr() + ";");
        }
      }
      if (c.notNull() && (!c.local() || partition)
          && inherited.stream().noneMatch(Column::notNull)) {
        sb.append(alter).append(quote(c.name())).append(" SET NOT NULL;");
      }
    }
    return sb.toString();
  }

  /** The key of the relation a trigger or rule is on: a (materialized) view's, else a table's. */
  private static String relationKey(Map<String, String> viewKeys, String schema, String name) {
    return viewKeys.getOrDefault(schema + "\u0000" + name, "TABLE " + schema + "." + name);
  }

  private static SchemaObject sequenceSet(String schema, String name, long lastValue, boolean isCalled) {
    return new SchemaObject("SEQUENCE SET", schema, name, Section.POST_DATA, "SELECT pg_catalog.setval("
        + literal(qualified(schema, name)) + ", " + lastValue + ", " + isCalled + ");", List.of());
  }

  /** Turns {@code "s"."t"} (as the catalog quotes it) back into {@code s.t} for object keys. */
  static String unquoteQualified(String quoted) {
    return String.join(".", splitQualified(quoted, false));
  }
}
