package ing.paperclip.db.core.migrate;

import ing.paperclip.db.core.catalog.Catalog;
import ing.paperclip.db.core.catalog.Catalog.Column;
import ing.paperclip.db.core.catalog.Catalog.Constraint;
import ing.paperclip.db.core.catalog.Catalog.Function;
import ing.paperclip.db.core.catalog.Catalog.Index;
import ing.paperclip.db.core.catalog.Catalog.Table;
import ing.paperclip.db.core.catalog.Catalog.Trigger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares the shapes of the core tables in two catalogs: what the core changelog creates
 * ("expected", read from a database it was just applied to) and what a database holds
 * ("actual"). Compared, per table of the expected catalog's {@code public} schema (its journal
 * tables excepted): columns (order, type, NOT NULL, default, identity, generated expression,
 * collation), indexes, constraints, triggers and the functions those triggers run, and that the
 * expected extensions are installed.
 *
 * <p>Definitions are compared as PostgreSQL's own deparsers print them ({@code pg_get_indexdef},
 * {@code pg_get_constraintdef}, {@code pg_get_triggerdef}, {@code pg_get_functiondef}, which
 * {@link ing.paperclip.db.core.catalog.CatalogReader} reads with an empty search path), so two
 * spellings of one definition compare equal and any real difference shows.
 *
 * <p>Left out on purpose: foreign keys of a core table to a table the changelog does not create
 * (the original's {@code issues.checkout_run_id -> heartbeat_runs}, say), which the core
 * changelog keeps without their foreign key; and every table outside the core set. Pure and
 * thread-safe.
 */
public final class SchemaShapes {
  /** The schema the core tables live in. */
  public static final String SCHEMA = "public";

  private static final Set<String> JOURNAL_TABLES = Set.of("databasechangelog", "databasechangeloglock");
  private static final Pattern REFERENCES = Pattern.compile("REFERENCES\\s+((?:\"(?:[^\"]|\"\")*\"|[^\\s.(\"]+)\\.)?(\"(?:[^\"]|\"\")*\"|[^\\s(\"]+)\\(");
  private static final Pattern EXECUTES = Pattern.compile("EXECUTE (?:FUNCTION|PROCEDURE) (?:([^\\s.(]+)\\.)?([^\\s.(]+)\\(");

  private SchemaShapes() {}

  /**
   * One difference between the expected and the actual shape of a core table.
   *
   * @param table the table
   * @param what what differs, e.g. {@code column mode} or {@code index issues_onboarding_first_task_uq}
   * @param expected what the changelog creates ({@code "(none)"} when it does not have it)
   * @param actual what the database has ({@code "(none)"} when it is missing there)
   */
  public record Difference(String table, String what, String expected, String actual) {
    /** Validates. */
    public Difference {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(actual, "actual");
    }

    @Override
    public String toString() {
      if (actual.equals(NONE)) {
        return table + ": " + what + " is missing (expected: " + expected + ")";
      }
      if (expected.equals(NONE)) {
        return table + ": " + what + " is not in the core schema (found: " + actual + ")";
      }
      return table + ": " + what + " differs: expected " + expected + ", found " + actual;
    }
  }

  private static final String NONE = "(none)";

  /** Returns the core tables: those of {@code expected}'s public schema, journal tables excepted, by name. */
  public static List<String> coreTables(Catalog expected) {
    return expected.tables().stream().filter(t -> t.schema().equals(SCHEMA))
        .map(Table::name).filter(n -> !JOURNAL_TABLES.contains(n)).sorted().toList();
  }

  /**
   * Compares.
   *
   * @param expected a catalog of a database the core changelog was just applied to
   * @param actual the catalog of the database to check
   * @param columnOrder whether the order of columns counts
   * @return the differences, table by table; empty when the shapes match
   */
  public static List<Difference> compare(Catalog expected, Catalog actual, boolean columnOrder) {
    List<String> core = coreTables(expected);
    Set<String> coreSet = Set.copyOf(core);
    List<Difference> out = new ArrayList<>();
    for (Catalog.Extension e : expected.extensions()) {
      if (actual.extensions().stream().noneMatch(a -> a.name().equals(e.name()))) {
        out.add(new Difference("(database)", "extension " + e.name(), "installed", NONE));
      }
    }
    for (String name : core) {
      Table exp = expected.table(SCHEMA, name).orElseThrow();
      Optional<Table> act = actual.table(SCHEMA, name);
      if (act.isEmpty()) {
        out.add(new Difference(name, "table", "present", NONE));
        continue;
      }
      columns(name, exp, act.get(), columnOrder, out);
      definitions(name, "index", indexes(expected, name), indexes(actual, name), out);
      definitions(name, "constraint", constraints(expected, name, coreSet),
          constraints(actual, name, coreSet), out);
      definitions(name, "trigger", triggers(expected, name), triggers(actual, name), out);
      definitions(name, "trigger function", triggerFunctions(expected, name),
          triggerFunctions(actual, name), out);
    }
    return List.copyOf(out);
  }

  private static void columns(String table, Table exp, Table act, boolean order, List<Difference> out) {
    Map<String, Column> a = new LinkedHashMap<>();
    act.columns().forEach(c -> a.put(c.name(), c));
    Map<String, Column> e = new LinkedHashMap<>();
    exp.columns().forEach(c -> e.put(c.name(), c));
    for (Column c : exp.columns()) {
      Column other = a.get(c.name());
      if (other == null) {
        out.add(new Difference(table, "column " + c.name(), describe(c), NONE));
      } else if (!describe(c).equals(describe(other))) {
        out.add(new Difference(table, "column " + c.name(), describe(c), describe(other)));
      }
    }
    for (Column c : act.columns()) {
      if (!e.containsKey(c.name())) {
        out.add(new Difference(table, "column " + c.name(), NONE, describe(c)));
      }
    }
    if (order) {
      List<String> expOrder = exp.columns().stream().map(Column::name).filter(a::containsKey).toList();
      List<String> actOrder = act.columns().stream().map(Column::name).filter(e::containsKey).toList();
      if (!expOrder.equals(actOrder)) {
        out.add(new Difference(table, "column order", String.join(", ", expOrder), String.join(", ", actOrder)));
      }
    }
  }

  /** Renders a column's definition as it would appear in CREATE TABLE. */
  static String describe(Column c) {
    StringBuilder b = new StringBuilder(c.type());
    if (c.collation() != null) {
      b.append(" COLLATE ").append(c.collation());
    }
    if (c.generatedExpr() != null) {
      b.append(" GENERATED ALWAYS AS (").append(c.generatedExpr()).append(") STORED");
    } else if (c.defaultExpr() != null) {
      b.append(" DEFAULT ").append(c.defaultExpr());
    }
    if ("a".equals(c.identity())) {
      b.append(" GENERATED ALWAYS AS IDENTITY");
    } else if ("d".equals(c.identity())) {
      b.append(" GENERATED BY DEFAULT AS IDENTITY");
    }
    if (c.notNull()) {
      b.append(" NOT NULL");
    }
    return b.toString();
  }

  private static void definitions(String table, String kind, Map<String, String> exp,
      Map<String, String> act, List<Difference> out) {
    Set<String> names = new TreeSet<>(exp.keySet());
    names.addAll(act.keySet());
    for (String n : names) {
      String e = exp.getOrDefault(n, NONE);
      String a = act.getOrDefault(n, NONE);
      if (!e.equals(a)) {
        out.add(new Difference(table, kind + " " + n, e, a));
      }
    }
  }

  private static Map<String, String> indexes(Catalog c, String table) {
    Map<String, String> m = new TreeMap<>();
    for (Index i : c.indexes()) {
      if (i.schema().equals(SCHEMA) && i.table().equals(table)) {
        m.put(i.name(), i.definition());
      }
    }
    return m;
  }

  private static Map<String, String> constraints(Catalog c, String table, Set<String> core) {
    Map<String, String> m = new TreeMap<>();
    for (Constraint k : c.constraints()) {
      if (!k.schema().equals(SCHEMA) || !k.table().equals(table)) {
        continue;
      }
      if ("f".equals(k.type()) && !referencesCore(k.definition(), core)) {
        continue;
      }
      m.put(k.name(), k.definition() + (k.validated() ? "" : " NOT VALID"));
    }
    return m;
  }

  /** Whether a foreign key's definition references a core table. */
  static boolean referencesCore(String fkDefinition, Set<String> core) {
    Matcher m = REFERENCES.matcher(fkDefinition);
    if (!m.find()) {
      return true; // unknown shape: compare it rather than hide it
    }
    String schema = m.group(1) == null ? SCHEMA : unquote(m.group(1).substring(0, m.group(1).length() - 1));
    return schema.equals(SCHEMA) && core.contains(unquote(m.group(2)));
  }

  private static String unquote(String s) {
    return s.startsWith("\"") ? s.substring(1, s.length() - 1).replace("\"\"", "\"") : s;
  }

  private static Map<String, String> triggers(Catalog c, String table) {
    Map<String, String> m = new TreeMap<>();
    for (Trigger t : c.triggers()) {
      if (t.schema().equals(SCHEMA) && t.table().equals(table)) {
        m.put(t.name(), t.definition() + ("O".equals(t.enabled()) ? "" : " (enabled: " + t.enabled() + ")"));
      }
    }
    return m;
  }

  private static Map<String, String> triggerFunctions(Catalog c, String table) {
    Map<String, String> m = new TreeMap<>();
    for (Trigger t : c.triggers()) {
      if (!t.schema().equals(SCHEMA) || !t.table().equals(table)) {
        continue;
      }
      Matcher x = EXECUTES.matcher(t.definition());
      if (!x.find()) {
        continue;
      }
      String schema = x.group(1) == null ? SCHEMA : x.group(1);
      String name = x.group(2);
      for (Function f : c.functions()) {
        if (f.schema().equals(schema) && f.name().equals(name) && f.identityArgs().isEmpty()) {
          m.put(schema + "." + name + "()", f.definition());
        }
      }
    }
    return m;
  }
}
