package ing.paperclip.db.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One plugin's schema restored into a live instance ({@link RestoreService#replaceSchemas}): an
 * instance with the core schema and two plugins' schemas and registry rows is backed up; both
 * plugins' data and registry rows then change; restoring only plugin A gives A the backup's
 * schema, rows and registry rows, while plugin B, B's registry rows and every other core row keep
 * what they had. A failure half-way leaves A as it was.
 */
@WithPostgres
class SchemaReplacementIT {
  private static final String A = "plugin_acme_a_0123456789";
  private static final String B = "plugin_acme_b_9876543210";
  private static final String A_ID = "00000000-0000-0000-0000-00000000000a";
  private static final String B_ID = "00000000-0000-0000-0000-00000000000b";
  /** The core tables holding plugin registry rows, and the column naming the plugin in each. */
  private static final Map<String, String> REGISTRY = Map.of("plugins", "id",
      "plugin_database_namespaces", "plugin_id", "plugin_migrations", "plugin_id");

  @TempDir
  static Path dir;
  private static TestDatabase source;
  private static Path file;

  @BeforeAll
  static void source(TestDatabase db) {
    source = db.sibling("sr_src");
    new Migrator(source.dataSource()).migrate();
    for (String[] p : new String[][] {{A, A_ID, "acme.a"}, {B, B_ID, "acme.b"}}) {
      source.execute("INSERT INTO public.plugins (id, plugin_key, package_name, version, manifest_json) VALUES ('"
          + p[1] + "', '" + p[2] + "', '@acme/" + p[2] + "', '1.0.0', '{}');"
          + " INSERT INTO public.plugin_database_namespaces (plugin_id, plugin_key, namespace_name) VALUES ('"
          + p[1] + "', '" + p[2] + "', '" + p[0] + "');"
          + " INSERT INTO public.plugin_migrations (plugin_id, plugin_key, namespace_name, migration_key, checksum,"
          + " plugin_version, status, applied_at) VALUES ('" + p[1] + "', '" + p[2] + "', '" + p[0]
          + "', '001_init.sql', 'c1', '1.0.0', 'applied', now());"
          + " CREATE SCHEMA " + p[0] + ";"
          + " CREATE TABLE " + p[0] + ".items (id serial PRIMARY KEY, name text NOT NULL, company_id uuid);"
          + " CREATE TABLE " + p[0] + ".notes (id int PRIMARY KEY, item int REFERENCES " + p[0] + ".items (id), body text);"
          + " CREATE INDEX ON " + p[0] + ".notes (body);"
          + " INSERT INTO " + p[0] + ".items (name) SELECT 'i' || g FROM generate_series(1, 50) g;"
          + " INSERT INTO " + p[0] + ".notes SELECT g, g, 'n' || g FROM generate_series(1, 50) g;");
    }
    file = new BackupService(source.spec(), dir, new CatalogSchemaScripter(), BackupOptions.builder().jobs(2).build())
        .backup().file();
  }

  @AfterAll
  static void drop() {
    source.dropInBackground();
  }

  /** Every relation's fingerprint, the registry tables' without plugin A's rows. */
  private static Map<String, String> allButA(TestDatabase db) throws Exception {
    Map<String, String> out = new TreeMap<>(DatabaseComparator.fingerprints(db));
    out.keySet().removeIf(k -> k.contains(A) || REGISTRY.keySet().stream().anyMatch(t -> k.equals("r public." + t)));
    for (var e : REGISTRY.entrySet()) {
      out.put("registry " + e.getKey(), rows(db, e.getKey(), e.getValue() + " <> '" + A_ID + "'"));
    }
    return out;
  }

  /** Plugin A's schema and registry rows. */
  private static Map<String, String> onlyA(TestDatabase db) throws Exception {
    Map<String, String> out = new TreeMap<>(DatabaseComparator.fingerprints(db));
    out.keySet().removeIf(k -> !k.contains(A));
    for (var e : REGISTRY.entrySet()) {
      out.put("registry " + e.getKey(), rows(db, e.getKey(), e.getValue() + " = '" + A_ID + "'"));
    }
    return out;
  }

  /** The rows of a registry table matching {@code where}, without the generated ids and times. */
  private static String rows(TestDatabase db, String table, String where) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT string_agg(to_jsonb(t)::text, E'\\n' ORDER BY to_jsonb(t)::text) FROM public." + table + " t WHERE "
            + where)) {
      rs.next();
      return String.valueOf(rs.getString(1));
    }
  }

  /** Changes both plugins' rows and registry rows, and a core row. */
  private static void change(TestDatabase target) {
    for (String[] p : new String[][] {{A, A_ID}, {B, B_ID}}) {
      target.execute("UPDATE " + p[0] + ".items SET name = name || ' changed' WHERE id <= 10;"
          + " DELETE FROM " + p[0] + ".notes WHERE id > 40;"
          + " INSERT INTO " + p[0] + ".items (name) VALUES ('new');"
          + " CREATE TABLE " + p[0] + ".added (x int);"
          + " UPDATE public.plugins SET version = '2.0.0' WHERE id = '" + p[1] + "';"
          + " INSERT INTO public.plugin_migrations (plugin_id, plugin_key, namespace_name, migration_key, checksum,"
          + " plugin_version, status) SELECT id, plugin_key, '" + p[0] + "', '002_more.sql', 'c2', '2.0.0', 'applied'"
          + " FROM public.plugins WHERE id = '" + p[1] + "';");
    }
  }

  @Test
  void restoresOnePluginAndLeavesTheRestAsItIs(TestDatabase db) throws Exception {
    TestDatabase target = db.sibling("sr_target");
    try {
      new RestoreService(target.dataSource()).restore(file, RestoreOptions.DEFAULTS, RestoreListener.NONE);
      Map<String, String> backupA = onlyA(target);
      assertEquals(onlyA(source), backupA, "the whole restore holds the source's plugin A");
      change(target);
      Map<String, String> changedA = onlyA(target);
      assertNotEquals(backupA, changedA, "plugin A changed");
      Map<String, String> rest = allButA(target);
      assertNotEquals(allButA(source), rest, "plugin B changed");

      RestoreOptions options = RestoreOptions.DEFAULTS.withJobs(3)
          .withSelection(new RestoreSelection(List.of(A), List.of(), List.of()));
      // a failure half-way (after the first table's rows) leaves A as it was
      RestoreListener failing = new RestoreListener() {
        @Override
        public void tableDone(String qualifiedName, long rows, int tablesDone, int tablesTotal, long bytes) {
          throw new IllegalStateException("stop");
        }
      };
      PaperclipException e = assertThrows(PaperclipException.class,
          () -> new RestoreService(target.dataSource()).replaceSchemas(file, options, failing));
      assertTrue(e.getMessage().contains("the old schema was left as it was"), e.getMessage());
      assertEquals(changedA, onlyA(target), "a failed replacement keeps A");
      assertEquals(rest, allButA(target));

      // an object of another schema built on A (a core view over A's table) would go with the drop: refused
      target.execute("CREATE VIEW public.a_items AS SELECT id FROM " + A + ".items");
      PaperclipException dependent = assertThrows(PaperclipException.class,
          () -> new RestoreService(target.dataSource()).replaceSchemas(file, options, RestoreListener.NONE));
      assertTrue(dependent.getMessage().contains("would drop 1 object(s) of other schemas that depend on them "
          + "(relation public.a_items)"), dependent.getMessage());
      assertEquals(changedA, onlyA(target), "a refused replacement keeps A");
      target.execute("DROP VIEW public.a_items");
      assertEquals(rest, allButA(target));

      RestoreResult r = new RestoreService(target.dataSource()).replaceSchemas(file, options, RestoreListener.NONE);
      assertEquals(java.util.Set.of(A + ".items", A + ".notes"), r.selected());
      assertEquals(2, r.tables(), r.warnings().toString());
      assertEquals(100, r.rows());
      assertEquals(backupA, onlyA(target), "A is the backup's again: schema, rows, registry rows");
      assertFalse(DatabaseComparator.fingerprints(target).keySet().stream().anyMatch(k -> k.contains(A + ".added")));
      assertEquals(rest, allButA(target), "plugin B and every other core row keep what they had");
      // the sequence of A's serial goes on from the backup's value
      try (Connection c = target.connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("INSERT INTO " + A + ".items (name) VALUES ('after') RETURNING id")) {
        rs.next();
        assertEquals(51, rs.getInt(1));
      }
    } finally {
      target.dropInBackground();
    }
  }

  @Test
  void refusesWithoutASchemaAndForASchemaNotInTheFile(TestDatabase db) throws Exception {
    TestDatabase target = db.sibling("sr_refuse");
    try {
      RestoreService service = new RestoreService(target.dataSource());
      for (var c : Map.of(
          new RestoreSelection(List.of(), List.of(), List.of()), "--clean-schema needs --schema SCHEMA",
          new RestoreSelection(List.of("plugin_missing"), List.of(), List.of()), "--schema plugin_missing: ",
          new RestoreSelection(List.of("public"), List.of(), List.of()), "the core schema holds every plugin's registry",
          new RestoreSelection(List.of(A), List.of(), List.of("public.plugins")), "without --table").entrySet()) {
        PaperclipException e = assertThrows(PaperclipException.class,
            () -> service.replaceSchemas(file, RestoreOptions.DEFAULTS.withSelection(c.getKey()), RestoreListener.NONE));
        assertEquals(ErrorCode.INVALID_INPUT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
      }
      assertTrue(DatabaseComparator.fingerprints(target).isEmpty(), "nothing was created");
    } finally {
      target.dropInBackground();
    }
  }
}
