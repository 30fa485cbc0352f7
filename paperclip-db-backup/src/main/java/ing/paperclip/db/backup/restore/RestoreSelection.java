package ing.paperclip.db.backup.restore;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What part of a backup to restore, as {@code pg_restore} users expect: {@code --schema S}
 * (repeatable), {@code --exclude-schema S}, {@code --table T}. A filter over a plan's steps: the
 * plan of a selective restore is the full plan with the steps left out, so {@code --plan} prints
 * and the executors run exactly the subset.
 *
 * <ul>
 *   <li>{@code --schema} and {@code --table} select the objects of those schemas (with their rows)
 *       or those tables with their rows and what is built on them alone (indexes, keys, defaults,
 *       checks, triggers, policies, comments, grants), and then every object they depend on, as
 *       the file's entries record it: a type, a function, a sequence, another schema's table
 *       (with its rows, so that a foreign key to it holds) and what that needs in turn;
 *   <li>{@code --exclude-schema} leaves out those schemas' objects and rows, and whatever depends
 *       on them (a view over an excluded table), named in a warning.
 * </ul>
 * Session settings are always kept. Only our own files record dependencies: the others are
 * refused. Immutable.
 *
 * @param schemas schemas to restore (empty: every schema, unless tables are named)
 * @param excludeSchemas schemas to leave out
 * @param tables tables to restore, {@code schema.table} or {@code table} (in {@code public})
 */
public record RestoreSelection(List<String> schemas, List<String> excludeSchemas, List<String> tables) {
  /** Kinds of objects that stand on their own: never kept just because they are built on kept tables. */
  private static final Set<String> STANDALONE = Set.of("SCHEMA", "EXTENSION", "TABLE", "VIEW", "VIEW BODY",
      "MATERIALIZED VIEW", "FUNCTION", "PROCEDURE", "AGGREGATE", "TYPE", "DOMAIN", "SEQUENCE", "COLLATION", "CAST");

  /** Everything. */
  public static final RestoreSelection ALL = new RestoreSelection(List.of(), List.of(), List.of());

  /** Copies. */
  public RestoreSelection {
    schemas = List.copyOf(schemas);
    excludeSchemas = List.copyOf(excludeSchemas);
    tables = List.copyOf(tables.stream().map(t -> t.contains(".") ? t : "public." + t).toList());
  }

  /** Tells whether everything is restored. */
  public boolean all() {
    return schemas.isEmpty() && excludeSchemas.isEmpty() && tables.isEmpty();
  }

  /**
   * Returns the plan of the selected part.
   *
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} for a file that records no
   *     dependencies, or a schema or table the file does not hold
   */
  RestorePlan apply(RestorePlan plan) {
    if (all()) {
      return plan;
    }
    if (!plan.format().selectiveRestore()) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "--schema, --exclude-schema and --table need a "
          + "paperclip-db backup (its entries record what depends on what); " + plan.file() + " is a "
          + plan.format().label() + " file: restore it whole, or filter it with pg_restore's tools");
    }
    List<RestoreStep> steps = plan.steps();
    Map<String, RestoreStep.CreateObject> byKey = new HashMap<>();
    Map<String, List<RestoreStep.LoadTableData>> rows = new HashMap<>();
    Set<String> schemasHeld = new HashSet<>();
    for (RestoreStep s : steps) {
      if (s instanceof RestoreStep.CreateObject o && !o.key().isEmpty()) {
        byKey.putIfAbsent(o.key(), o);
        if (o.kind().equals("SCHEMA")) {
          schemasHeld.add(o.name());
        }
        if (!o.schema().isEmpty()) {
          schemasHeld.add(o.schema());
        }
      } else if (s instanceof RestoreStep.LoadTableData d) {
        rows.computeIfAbsent("TABLE " + d.qualifiedName(), k -> new ArrayList<>()).add(d);
        schemasHeld.add(d.schema());
      }
    }
    for (String s : schemas) {
      if (!schemasHeld.contains(s)) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "--schema " + s + ": " + plan.file()
            + " holds no schema of that name; list what it holds with 'paperclipai db restore --list FILE'");
      }
    }
    for (String t : tables) {
      if (!byKey.containsKey("TABLE " + t)) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "--table " + t + ": " + plan.file()
            + " holds no table of that name; list what it holds with 'paperclipai db restore --list FILE'");
      }
    }
    Set<RestoreStep> kept = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    List<String> warnings = new ArrayList<>(plan.warnings());
    if (!schemas.isEmpty() || !tables.isEmpty()) {
      Set<String> tableKeys = new HashSet<>();
      tables.forEach(t -> tableKeys.add("TABLE " + t));
      for (RestoreStep s : steps) {
        if (s instanceof RestoreStep.CreateObject o && !o.key().isEmpty()
            && ((o.kind().equals("SCHEMA") && schemas.contains(o.name())) || schemas.contains(o.schema()))) {
          kept.add(s);
        } else if (s instanceof RestoreStep.LoadTableData d && (schemas.contains(d.schema())
            || tableKeys.contains("TABLE " + d.qualifiedName()))) {
          kept.add(s);
        } else if (s instanceof RestoreStep.CreateObject o && tableKeys.contains(o.key())) {
          kept.add(s);
        }
      }
      // then, until nothing changes: what the kept objects need (a table with its rows), and what
      // is built on kept tables alone (indexes, keys, defaults, triggers, comments, grants, ...)
      for (boolean changed = true; changed; ) {
        changed = false;
        Deque<RestoreStep> todo = new ArrayDeque<>(kept);
        while (!todo.isEmpty()) {
          if (!(todo.pop() instanceof RestoreStep.CreateObject o)) {
            continue;
          }
          for (String d : deps(o)) {
            RestoreStep.CreateObject need = byKey.get(d);
            if (need != null && kept.add(need)) {
              todo.push(need);
              changed = true;
            }
            if (need != null && need.kind().equals("TABLE")) {
              kept.addAll(rows.getOrDefault(d, List.of()));
            }
          }
        }
        Set<String> keptKeys = new HashSet<>();
        kept.forEach(k -> {
          if (k instanceof RestoreStep.CreateObject o) {
            keptKeys.add(o.key());
          }
        });
        for (RestoreStep st : steps) {
          if (st instanceof RestoreStep.CreateObject o && !kept.contains(st) && !STANDALONE.contains(o.kind())
              && !deps(o).isEmpty() && keptKeys.containsAll(deps(o))
              && deps(o).stream().anyMatch(d -> d.startsWith("TABLE "))) {
            kept.add(st);
            changed = true;
          }
        }
      }
    } else {
      steps.forEach(kept::add);
    }
    if (!excludeSchemas.isEmpty()) {
      Set<String> dropped = new HashSet<>();
      for (RestoreStep s : steps) {
        if ((s instanceof RestoreStep.CreateObject o && ((o.kind().equals("SCHEMA") && excludeSchemas.contains(o.name()))
            || excludeSchemas.contains(o.schema()))) || (s instanceof RestoreStep.LoadTableData d
            && excludeSchemas.contains(d.schema()))) {
          if (kept.remove(s) && s instanceof RestoreStep.CreateObject o) {
            dropped.add(o.key());
          }
        }
      }
      // whatever depends on a left-out object goes too (steps are in dependency order)
      List<String> alsoLeftOut = new ArrayList<>();
      for (RestoreStep s : steps) {
        if (s instanceof RestoreStep.CreateObject o && kept.contains(s) && deps(o).stream().anyMatch(dropped::contains)) {
          kept.remove(s);
          dropped.add(o.key());
          alsoLeftOut.add(o.kind() + " " + o.name());
        }
      }
      for (RestoreStep s : steps) {
        if (s instanceof RestoreStep.LoadTableData d && kept.contains(s) && dropped.contains("TABLE " + d.qualifiedName())) {
          kept.remove(s);
        }
      }
      if (!alsoLeftOut.isEmpty()) {
        warnings.add("left out as well, because they depend on an excluded schema: " + String.join(", ", alsoLeftOut));
      }
    }
    List<RestoreStep> out = new ArrayList<>();
    for (RestoreStep s : steps) {
      if (kept.contains(s) || s instanceof RestoreStep.SessionSetting || s instanceof RestoreStep.Skipped) {
        out.add(s);
      }
    }
    warnings.add("a selective restore (" + describe() + "): " + out.stream()
        .filter(s -> s instanceof RestoreStep.LoadTableData).count() + " of " + plan.tableData().size()
        + " tables' rows");
    return new RestorePlan(plan.file(), plan.format(), out, warnings, plan.fileBytes(), true);
  }

  /**
   * What an object needs, as its entry records it, and for a foreign key the table it references
   * (which its entry does not name).
   */
  private static List<String> deps(RestoreStep.CreateObject o) {
    if (!o.kind().equals("FK CONSTRAINT")) {
      return o.dependsOn();
    }
    List<String> d = new ArrayList<>(o.dependsOn());
    o.sql().forEach(sql -> RestorePlanner.referencedTable(sql).ifPresent(t -> d.add("TABLE " + t)));
    return d;
  }

  /** Returns the selection as its options, e.g. {@code --schema a --table public.t}. */
  public String describe() {
    List<String> o = new ArrayList<>();
    schemas.forEach(s -> o.add("--schema " + s));
    excludeSchemas.forEach(s -> o.add("--exclude-schema " + s));
    tables.forEach(t -> o.add("--table " + t));
    return String.join(" ", o);
  }
}
