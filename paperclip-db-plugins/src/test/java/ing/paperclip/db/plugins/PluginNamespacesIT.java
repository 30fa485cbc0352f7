package ing.paperclip.db.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPostgres
class PluginNamespacesIT {
  @TempDir
  Path dir;

  @BeforeAll
  static void schema(TestDatabase db) {
    new Migrator(db.dataSource()).migrate();
    db.execute("INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme')");
  }

  private static long scalar(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Path migrations(String name, String... files) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    for (int i = 0; i < files.length; i++) {
      Files.writeString(d.resolve(String.format("%03d_m.sql", i + 1)), files[i]);
    }
    return d;
  }

  @Test
  void ledgerIsIdempotentChecksumsAreEnforcedAndFailuresRecorded(TestDatabase db) throws Exception {
    PluginNamespaces ns = new PluginNamespaces(db.dataSource());
    Path d = migrations("crm", "CREATE TABLE deals (id bigserial PRIMARY KEY, company_id uuid REFERENCES public.companies(id));",
        "INSERT INTO deals (company_id) SELECT id FROM public.companies;");
    PluginMigrationResult r = ns.migrate("acme.crm", Optional.empty(), "1.0.0", d);
    assertEquals(List.of("001_m.sql", "002_m.sql"), r.applied());
    assertEquals(1, scalar(db, "SELECT count(*) FROM " + r.schema() + ".deals"));
    PluginMigrationResult again = ns.migrate("acme.crm", Optional.empty(), "1.0.0", d);
    assertEquals(List.of(), again.applied());
    assertEquals(2, again.alreadyApplied().size());

    Files.writeString(d.resolve("001_m.sql"), "CREATE TABLE deals (id bigint);");
    PluginException changed = assertThrows(PluginException.class, () -> ns.migrate("acme.crm", Optional.empty(), "1.0.1", d));
    assertTrue(changed.getMessage().contains("001_m.sql") && changed.getMessage().contains("changed"), changed.getMessage());

    Files.writeString(d.resolve("001_m.sql"), "CREATE TABLE deals (id bigserial PRIMARY KEY, company_id uuid REFERENCES public.companies(id));");
    Files.writeString(d.resolve("003_m.sql"), "CREATE TABLE t3 (x int); INSERT INTO t3 VALUES ('not a number');");
    PluginException failed = assertThrows(PluginException.class, () -> ns.migrate("acme.crm", Optional.empty(), "1.1.0", d));
    assertTrue(failed.getMessage().contains("003_m.sql") && failed.getMessage().contains("recorded as failed"), failed.getMessage());
    assertEquals(0, scalar(db, "SELECT count(*) FROM pg_tables WHERE schemaname = '" + r.schema() + "' AND tablename = 't3'"), "rolled back");
    assertEquals(1, scalar(db, "SELECT count(*) FROM plugin_migrations WHERE plugin_key = 'acme.crm' AND status = 'failed' AND error_message LIKE '%integer%'"));
    assertEquals(1, scalar(db, "SELECT count(*) FROM plugin_database_namespaces WHERE plugin_key = 'acme.crm' AND status = 'migration_failed'"));
    Files.writeString(d.resolve("003_m.sql"), "CREATE TABLE t3 (x int);");
    assertEquals(List.of("003_m.sql"), ns.migrate("acme.crm", Optional.empty(), "1.1.1", d).applied());
    assertEquals(1, scalar(db, "SELECT count(*) FROM plugin_database_namespaces WHERE plugin_key = 'acme.crm' AND status = 'active'"));
    assertTrue(ns.list().stream().anyMatch(n -> n.pluginKey().equals("acme.crm") && n.applied().size() == 3));
  }

  @Test
  void aFailingFirstInstallLeavesNothing(TestDatabase db) throws Exception {
    PluginNamespaces ns = new PluginNamespaces(db.dataSource());
    Path d = migrations("broken", "CREATE TABLE a (x int);", "INSERT INTO a VALUES ('x');");
    assertThrows(PluginException.class, () -> ns.migrate("broken.plugin", Optional.empty(), "1", d));
    String schema = NamespaceNames.schema("broken.plugin", Optional.empty());
    // the first file was applied in its own transaction; the second failed: the namespace exists
    assertEquals(1, scalar(db, "SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema + "'"));
    Path fresh = migrations("fresh", "CREATE TABLE a (x int); INSERT INTO a VALUES ('x');");
    assertThrows(PluginException.class, () -> ns.migrate("fresh.plugin", Optional.empty(), "1", fresh));
    String freshSchema = NamespaceNames.schema("fresh.plugin", Optional.empty());
    assertEquals(0, scalar(db, "SELECT count(*) FROM pg_namespace WHERE nspname = '" + freshSchema + "'"));
    assertEquals(0, scalar(db, "SELECT count(*) FROM plugins WHERE plugin_key = 'fresh.plugin'"));
    assertEquals(0, scalar(db, "SELECT count(*) FROM plugin_migrations WHERE plugin_key = 'fresh.plugin'"));
  }

  @Test
  void theDatabaseEnforcesTheBoundaryUnderThePluginRole(TestDatabase db) throws Exception {
    PluginNamespaces ns = new PluginNamespaces(db.dataSource());
    PluginMigrationResult r = ns.migrate("boundary.test", Optional.empty(), "1",
        migrations("boundary", "CREATE TABLE mine (x int);"));
    String[] hostile = {
        "UPDATE public.companies SET name = 'pwned'",
        "DELETE FROM public.companies",
        "CREATE TABLE public.evil (x int)",
        "SELECT * FROM public.company_secret_versions",
        "DROP TABLE public.issues",
        "CREATE EXTENSION dblink"};
    // Not in the list: SET ROLE / RESET ROLE. PostgreSQL checks SET ROLE against the session user,
    // so SQL running on a superuser's connection can leave the plugin role; the validator refuses
    // those statements in migrations, and docs/PLUGINS.md says runtime SQL needs a LOGIN role to
    // be fully contained.
    try (Connection c = new PluginDataSource(db.dataSource(), "boundary.test", Optional.empty()).getConnection();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO mine VALUES (1)");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM public.companies")) {
        rs.next();
        assertEquals(1, rs.getLong(1), "whitelisted core tables are readable");
      }
      for (String sql : hostile) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertTrue(e.getSQLState().startsWith("42"), sql + " -> " + e.getSQLState() + " " + e.getMessage());
      }
    }
    assertEquals("Acme", db.dataSource().getConnection().createStatement().executeQuery(
        "SELECT name FROM companies").next() ? "Acme" : "?");
    assertEquals(1, scalar(db, "SELECT count(*) FROM " + r.schema() + ".mine"));
    assertTrue(ns.purge("boundary.test"));
    assertEquals(0, scalar(db, "SELECT count(*) FROM pg_namespace WHERE nspname = '" + r.schema() + "'"));
    assertEquals(0, scalar(db, "SELECT count(*) FROM plugin_migrations WHERE plugin_key = 'boundary.test'"));
  }

  @Test
  void concurrentRunsAreSerializedByTheLock(TestDatabase db) throws Exception {
    Path d = migrations("race", "CREATE TABLE r (x int);", "INSERT INTO r SELECT pg_sleep(0.3)::text::int IS NULL::int;");
    Files.writeString(d.resolve("002_m.sql"), "INSERT INTO r VALUES (1);");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<PluginMigrationResult> a = pool.submit(() -> new PluginNamespaces(db.dataSource()).migrate("race.plugin", Optional.empty(), "1", d));
      Future<PluginMigrationResult> b = pool.submit(() -> new PluginNamespaces(db.dataSource()).migrate("race.plugin", Optional.empty(), "1", d));
      int appliedTotal = a.get().applied().size() + b.get().applied().size();
      assertEquals(2, appliedTotal, "each file applied exactly once");
    } finally {
      pool.shutdown();
    }
    assertEquals(1, scalar(db, "SELECT count(*) FROM " + NamespaceNames.schema("race.plugin", Optional.empty()) + ".r"));
  }
}
