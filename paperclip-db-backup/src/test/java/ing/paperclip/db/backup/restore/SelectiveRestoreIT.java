package ing.paperclip.db.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Selective restore ({@link RestoreSelection}) as a filter over the plan: {@code --schema},
 * {@code --table} and {@code --exclude-schema} restore the same subset of the source — the same
 * rows (per-table fingerprints) and the same definitions of its tables' indexes, constraints and
 * defaults — with the objects they depend on, in one transaction and in parallel.
 */
@WithPostgres
class SelectiveRestoreIT {
  @TempDir
  static Path dir;
  private static TestDatabase source;
  private static Path file;

  @BeforeAll
  static void source(TestDatabase db) {
    source = db.sibling("sel_src");
    source.execute("""
        CREATE SCHEMA a;
        CREATE SCHEMA b;
        CREATE TYPE public.mood AS ENUM ('ok', 'bad');
        CREATE TABLE public.ref (id int PRIMARY KEY, name text);
        INSERT INTO public.ref SELECT g, 'r' || g FROM generate_series(1, 20) g;
        CREATE TABLE a.t (id int PRIMARY KEY, ref int REFERENCES public.ref (id), m public.mood DEFAULT 'ok', v text);
        CREATE INDEX t_v ON a.t (v);
        INSERT INTO a.t SELECT g, 1 + g % 20, 'ok', 'v' || g FROM generate_series(1, 100) g;
        CREATE TABLE a.u (id serial PRIMARY KEY, x int);
        INSERT INTO a.u (x) SELECT generate_series(1, 10);
        CREATE TABLE b.w (id int PRIMARY KEY);
        INSERT INTO b.w SELECT generate_series(1, 5);
        CREATE VIEW public.v AS SELECT id FROM b.w;
        CREATE TABLE public.other (id int);
        INSERT INTO public.other VALUES (1);
        """);
    file = new BackupService(source.spec(), dir, new CatalogSchemaScripter(), BackupOptions.builder().jobs(2).build())
        .backup().file();
  }

  @AfterAll
  static void drop() {
    source.dropInBackground();
  }

  /** Index, constraint and default definitions of the given tables. */
  private static Set<String> definitions(TestDatabase db, Set<String> tables) throws Exception {
    Set<String> out = new TreeSet<>();
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
        SELECT n.nspname || '.' || k.relname, 'index ' || pg_get_indexdef(i.indexrelid)
          FROM pg_index i JOIN pg_class k ON k.oid = i.indrelid JOIN pg_namespace n ON n.oid = k.relnamespace
        UNION ALL
        SELECT n.nspname || '.' || k.relname, 'constraint ' || co.conname || ' ' || pg_get_constraintdef(co.oid)
          FROM pg_constraint co JOIN pg_class k ON k.oid = co.conrelid JOIN pg_namespace n ON n.oid = k.relnamespace
        UNION ALL
        SELECT n.nspname || '.' || k.relname, 'default ' || a.attname || ' ' || pg_get_expr(d.adbin, d.adrelid)
          FROM pg_attrdef d JOIN pg_class k ON k.oid = d.adrelid JOIN pg_namespace n ON n.oid = k.relnamespace
          JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        """)) {
      while (rs.next()) {
        if (tables.contains(rs.getString(1))) {
          out.add(rs.getString(1) + ": " + rs.getString(2));
        }
      }
    }
    return out;
  }

  private static boolean exists(TestDatabase db, String regclass) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('" + regclass + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /**
   * Restores the selection both ways and checks the target holds exactly {@code relations} (as
   * {@link DatabaseComparator#fingerprints} keys) with the source's rows and definitions.
   */
  private RestoreResult restore(TestDatabase db, RestoreSelection selection, Set<String> relations) throws Exception {
    return restore(db, selection, relations, null);
  }

  /** As above; the source's constraint {@code leftOut} is expected missing (a foreign key to a table not restored). */
  private RestoreResult restore(TestDatabase db, RestoreSelection selection, Set<String> relations, String leftOut)
      throws Exception {
    RestoreResult last = null;
    for (int jobs : new int[] {1, 3}) {
      TestDatabase target = db.sibling("sel_target");
      try {
        RestoreOptions options = RestoreOptions.DEFAULTS.withJobs(jobs).withSelection(selection);
        last = new RestoreService(target.dataSource()).restore(file, options, RestoreListener.NONE);
        assertEquals(jobs == 1, last.singleTransaction(), last.warnings().toString());
        Map<String, String> expected = new TreeMap<>(DatabaseComparator.fingerprints(source));
        expected.keySet().retainAll(relations);
        assertEquals(relations, expected.keySet(), "the source holds them");
        assertEquals(expected, DatabaseComparator.fingerprints(target), selection.describe() + ", jobs " + jobs);
        Set<String> tables = new TreeSet<>();
        relations.stream().filter(r -> r.startsWith("r ")).forEach(r -> tables.add(r.substring(2)));
        Set<String> want = definitions(source, tables);
        if (leftOut != null) {
          assertTrue(want.removeIf(d -> d.contains("constraint " + leftOut + " ")), leftOut + " in the source");
        }
        assertEquals(want, definitions(target, tables), selection.describe());
      } finally {
        target.dropInBackground();
      }
    }
    return last;
  }

  @Test
  void aSchemaWithWhatItDependsOn(TestDatabase db) throws Exception {
    // a.t's foreign key needs public.ref (with its rows) and its column type public.mood
    RestoreResult r = restore(db, new RestoreSelection(List.of("a"), List.of(), List.of()),
        Set.of("r a.t", "r a.u", "S a.u_id_seq", "r public.ref"));
    assertEquals(Set.of("a.t", "a.u", "public.ref"), r.selected());
  }

  @Test
  void aTableWithItsIndexesKeysAndDefaults(TestDatabase db) throws Exception {
    // its foreign key to public.ref, which is not restored, is left out (as pg_restore -t does)
    RestoreResult r = restore(db, new RestoreSelection(List.of(), List.of(), List.of("a.t")), Set.of("r a.t"),
        "t_ref_fkey");
    assertEquals(Set.of("a.t"), r.selected());
  }

  @Test
  void anExcludedSchemaTakesWhatDependsOnItAlong(TestDatabase db) throws Exception {
    RestoreResult r = restore(db, new RestoreSelection(List.of(), List.of("b"), List.of()),
        Set.of("r a.t", "r a.u", "S a.u_id_seq", "r public.ref", "r public.other"));
    assertTrue(r.warnings().stream().anyMatch(w -> w.contains("depend on an excluded schema") && w.contains("public.v")),
        r.warnings().toString());
  }

  @Test
  void unknownNamesAndOtherFormatsAreRefused(TestDatabase db) {
    RestoreService service = new RestoreService(source.dataSource());
    PaperclipException e = assertThrows(PaperclipException.class, () -> service.plan(file,
        RestoreOptions.DEFAULTS.withSelection(new RestoreSelection(List.of("nope"), List.of(), List.of()))));
    assertTrue(e.getMessage().contains("--schema nope") && e.getMessage().contains("--list"), e.getMessage());
    e = assertThrows(PaperclipException.class, () -> service.plan(file,
        RestoreOptions.DEFAULTS.withSelection(new RestoreSelection(List.of(), List.of(), List.of("a.nope")))));
    assertTrue(e.getMessage().contains("--table a.nope"), e.getMessage());
    RestorePlan whole = service.plan(file, RestoreOptions.DEFAULTS);
    RestorePlan part = service.plan(file,
        RestoreOptions.DEFAULTS.withSelection(new RestoreSelection(List.of("b"), List.of(), List.of())));
    assertTrue(part.steps().size() < whole.steps().size());
    assertFalse(part.print().contains("a.t"), part.print());
  }
}
