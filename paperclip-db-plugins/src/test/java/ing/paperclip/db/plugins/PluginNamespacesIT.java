package ing.paperclip.db.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static ing.paperclip.db.plugins.PluginTesting.text;

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
    return PluginTesting.scalar(db, sql);
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
    PluginNamespaces ns = PluginTesting.namespaces(db, PluginTesting.SETTINGS);
    Path d = migrations("crm", "CREATE TABLE deals (id bigserial PRIMARY KEY, company_id uuid);",
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

    Files.writeString(d.resolve("001_m.sql"), "CREATE TABLE deals (id bigserial PRIMARY KEY, company_id uuid);");
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
    PluginNamespaces ns = PluginTesting.namespaces(db, PluginTesting.SETTINGS);
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
    PluginNamespaces ns = PluginTesting.namespaces(db, PluginTesting.SETTINGS);
    PluginMigrationResult r = ns.migrate("boundary.test", Optional.empty(), "1",
        migrations("boundary", "CREATE TABLE mine (x int);"));
    assertEquals(1, scalar(db, "SELECT count(*) FROM pg_roles WHERE rolname = '" + r.role() + "' AND rolcanlogin "
        + "AND NOT rolsuper AND NOT rolinherit AND NOT rolcreaterole AND NOT rolcreatedb AND NOT rolreplication AND NOT rolbypassrls"));
    assertEquals(r.role(), text(db, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = '" + r.schema() + "'"));
    String[] hostile = {
        "UPDATE public.companies SET name = 'pwned'",
        "DELETE FROM public.companies",
        "CREATE TABLE public.evil (x int)",
        "SELECT * FROM public.company_secret_versions",
        "SELECT adapter_config FROM public.agents",
        "DROP TABLE public.issues",
        "CREATE EXTENSION dblink",
        "CREATE TEMP TABLE companies (id uuid)",
        "CREATE TABLE fk (c uuid REFERENCES public.companies (id) ON DELETE CASCADE)",
        "SET ROLE " + text(db, "SELECT current_user"),
        "SET SESSION AUTHORIZATION " + text(db, "SELECT current_user")};
    try (PluginDataSource ds = ns.dataSource("boundary.test", Optional.empty());
        Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO mine VALUES (1)");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM public.companies")) {
        rs.next();
        assertEquals(1, rs.getLong(1), "whitelisted core tables are readable");
      }
      try (ResultSet rs = s.executeQuery("SELECT count(name) FROM public.agents")) {
        assertTrue(rs.next(), "visible agent columns are readable");
      }
      s.execute("RESET ROLE");
      for (String sql : hostile) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertTrue(e.getSQLState().startsWith("42"), sql + " -> " + e.getSQLState() + " " + e.getMessage());
      }
      try (ResultSet rs = s.executeQuery("SELECT current_user, session_user")) {
        rs.next();
        assertEquals(r.role(), rs.getString(1));
        assertEquals(r.role(), rs.getString(2));
      }
      assertThrows(SQLException.class, () -> c.unwrap(org.postgresql.PGConnection.class));
      assertThrows(SQLException.class, () -> s.getConnection().unwrap(org.postgresql.PGConnection.class));
      assertThrows(SQLException.class, () -> c.getMetaData().getConnection().unwrap(org.postgresql.PGConnection.class));
      assertTrue(s.getConnection() == c, "statements hand back the guarded connection");
    }
    assertEquals("Acme", text(db, "SELECT name FROM companies"));
    assertEquals(1, scalar(db, "SELECT count(*) FROM " + r.schema() + ".mine"));
    assertTrue(ns.purge("boundary.test"));
    assertEquals(0, scalar(db, "SELECT count(*) FROM pg_namespace WHERE nspname = '" + r.schema() + "'"));
    assertEquals(0, scalar(db, "SELECT count(*) FROM pg_roles WHERE rolname = '" + r.role() + "'"), "purge drops the role");
    assertEquals(0, scalar(db, "SELECT count(*) FROM plugin_migrations WHERE plugin_key = 'boundary.test'"));
  }

  @Test
  void aCorePoolBorrowerSeesACleanSessionAfterAPluginMisbehaved(TestDatabase db) throws Exception {
    PluginNamespaces ns = PluginTesting.namespaces(db, PluginTesting.SETTINGS);
    ns.migrate("poison.test", Optional.empty(), "1", migrations("poison", "CREATE TABLE t (x int);"));
    String coreUser = text(db, "SELECT current_user");
    com.zaxxer.hikari.HikariConfig cfg = new com.zaxxer.hikari.HikariConfig();
    cfg.setJdbcUrl(db.spec().jdbcUrl());
    db.spec().driverProperties().forEach((k, v) -> cfg.addDataSourceProperty((String) k, v));
    cfg.setMaximumPoolSize(1);
    try (com.zaxxer.hikari.HikariDataSource core = new com.zaxxer.hikari.HikariDataSource(cfg);
        PluginDataSource plugin = ns.dataSource("poison.test", Optional.empty())) {
      try (Connection c = plugin.getConnection(); Statement s = c.createStatement()) {
        s.execute("SET statement_timeout = '1h'");
        s.execute("SET default_transaction_read_only = on");
        s.execute("SET search_path = public");
        assertThrows(SQLException.class, () -> s.execute("SET SESSION AUTHORIZATION " + coreUser));
        assertThrows(SQLException.class, () -> s.execute("CREATE TEMP TABLE companies (id uuid, name text)"));
        s.execute("RESET ROLE");
        s.execute("SELECT pg_advisory_lock(42)");
        s.execute("PREPARE p AS SELECT 1");
      }
      try (Connection c = core.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_user, session_user, current_setting('statement_timeout'), "
              + "current_setting('default_transaction_read_only'), current_setting('search_path'), "
              + "(SELECT count(*) FROM pg_prepared_statements), (SELECT count(*) FROM pg_class WHERE relpersistence = 't'), "
              + "(SELECT count(*) FROM companies)")) {
        rs.next();
        assertEquals(coreUser, rs.getString(1));
        assertEquals(coreUser, rs.getString(2));
        assertEquals("0", rs.getString(3));
        assertEquals("off", rs.getString(4));
        assertEquals("\"$user\", public", rs.getString(5));
        assertEquals(0, rs.getLong(6));
        assertEquals(1, rs.getLong(8), "core's companies, not a shadow");
      }
      try (Connection c = plugin.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_setting('statement_timeout'), current_setting('default_transaction_read_only'), "
              + "current_setting('search_path'), (SELECT count(*) FROM pg_prepared_statements), "
              + "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid())")) {
        rs.next();
        assertEquals("5s", rs.getString(1), "the plugin's next borrower is reset too");
        assertEquals("off", rs.getString(2));
        assertEquals(NamespaceNames.schema("poison.test", Optional.empty()), rs.getString(3));
        assertEquals(0, rs.getLong(4));
        assertEquals(0, rs.getLong(5));
      }
    }
  }

  @Test
  void aSleepingMigrationIsCancelledRecordedFailedAndReleasesTheLock(TestDatabase db) throws Exception {
    PluginNamespaces ns = PluginTesting.namespaces(db, PluginTesting.SETTINGS.withValidation(false));
    Path d = migrations("sleepy", "CREATE TABLE t (x int);");
    ns.migrate("sleepy.test", Optional.empty(), "1", d);
    Files.writeString(d.resolve("002_m.sql"), "INSERT INTO t VALUES (1);\nSELECT pg_sleep(600);");
    long start = System.nanoTime();
    PluginException e = assertThrows(PluginException.class, () -> ns.migrate("sleepy.test", Optional.empty(), "1", d));
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertTrue(seconds < 60, "cancelled long before 600 s: " + seconds);
    assertTrue(e.getMessage().contains("002_m.sql") && e.getMessage().contains("statement 2 at 2:1")
        && e.getMessage().contains("statement timeout") && e.getMessage().contains("recorded as failed"), e.getMessage());
    assertEquals(1, scalar(db, "SELECT count(*) FROM plugin_migrations WHERE plugin_key = 'sleepy.test' AND migration_key = '002_m.sql' "
        + "AND status = 'failed'"));
    assertEquals(0, scalar(db, "SELECT count(*) FROM " + NamespaceNames.schema("sleepy.test", Optional.empty()) + ".t"), "rolled back");
    assertEquals(0, scalar(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"), "the lock is released");
    // a file that lifts statement_timeout is stopped by the driver's cancel
    Files.writeString(d.resolve("002_m.sql"), "SET statement_timeout = 0; SELECT pg_sleep(600);");
    PluginException lifted = assertThrows(PluginException.class, () -> ns.migrate("sleepy.test", Optional.empty(), "1", d));
    assertTrue(lifted.getMessage().contains("cancel"), lifted.getMessage());
    assertEquals(0, scalar(db, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid() "
        + "AND state = 'active'"));
  }

  @Test
  void anOversizedFileIsRefusedInOneLineBeforeAnythingRuns(TestDatabase db) throws Exception {
    PluginNamespaces ns = PluginTesting.namespaces(db, PluginTesting.SETTINGS);
    Path d = migrations("big", "CREATE TABLE t (x int);");
    try (var w = Files.newBufferedWriter(d.resolve("002_big.sql"))) {
      String row = "INSERT INTO t VALUES (1);\n";
      for (long written = 0; written < 20L << 20; written += row.length()) {
        w.write(row);
      }
    }
    PluginException e = assertThrows(PluginException.class, () -> ns.migrate("big.test", Optional.empty(), "1", d));
    assertEquals(1, e.getMessage().lines().count());
    assertTrue(e.getMessage().matches("plugin big.test migration 002_big.sql is \\d+ bytes, over the limit of 8388608 .*"), e.getMessage());
    assertEquals(0, scalar(db, "SELECT count(*) FROM plugins WHERE plugin_key = 'big.test'"), "nothing ran");
  }

  @Test
  void repairRolesRecreatesMissingRolesAndGivesObjectsBack(TestDatabase db) throws Exception {
    PluginNamespaces ns = PluginTesting.namespaces(db, PluginTesting.SETTINGS);
    PluginMigrationResult r = ns.migrate("repair.test", Optional.empty(), "1",
        migrations("repair", "CREATE TYPE mood AS ENUM ('a'); CREATE TABLE t (id serial PRIMARY KEY, m mood); CREATE VIEW v AS SELECT id FROM t;"));
    String admin = text(db, "SELECT current_user");
    db.execute("REASSIGN OWNED BY " + r.role() + " TO " + admin + "; DROP OWNED BY " + r.role() + "; DROP ROLE " + r.role());
    assertEquals(0, scalar(db, "SELECT count(*) FROM pg_roles WHERE rolname = '" + r.role() + "'"));
    assertTrue(ns.repairRoles().contains(r.role()));
    assertEquals(0, scalar(db, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '"
        + r.schema() + "' AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = '" + r.role() + "')"));
    try (PluginDataSource ds = ns.dataSource("repair.test", Optional.empty());
        Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO t (m) VALUES ('a')");
      s.execute("ALTER TYPE mood ADD VALUE 'b'");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM v")) {
        rs.next();
        assertEquals(1, rs.getLong(1));
      }
    }
    PluginCredentials next = PluginCredentials.hmacSha256(new byte[32]);
    assertTrue(ns.rotatePasswords(next) >= 1);
    if (db.server().kind().equals("embedded")) {
      assertThrows(RuntimeException.class, () -> ns.dataSource("repair.test", Optional.empty()).close(), "old password no longer works");
    }
    try (PluginDataSource ds = new PluginNamespaces(db.dataSource(), db.dataSource(), db.spec(), next, PluginTesting.SETTINGS)
        .dataSource("repair.test", Optional.empty()); Connection c = ds.getConnection()) {
      assertTrue(c.isValid(5));
    }
    ns.rotatePasswords(PluginTesting.CREDENTIALS);
  }

  @Test
  void concurrentRunsAreSerializedByTheLock(TestDatabase db) throws Exception {
    Path d = migrations("race", "CREATE TABLE r (x int);", "INSERT INTO r SELECT pg_sleep(0.3)::text::int IS NULL::int;");
    Files.writeString(d.resolve("002_m.sql"), "INSERT INTO r VALUES (1);");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<PluginMigrationResult> a = pool.submit(() -> PluginTesting.namespaces(db, PluginTesting.SETTINGS).migrate("race.plugin", Optional.empty(), "1", d));
      Future<PluginMigrationResult> b = pool.submit(() -> PluginTesting.namespaces(db, PluginTesting.SETTINGS).migrate("race.plugin", Optional.empty(), "1", d));
      int appliedTotal = a.get().applied().size() + b.get().applied().size();
      assertEquals(2, appliedTotal, "each file applied exactly once");
    } finally {
      pool.shutdown();
    }
    assertEquals(1, scalar(db, "SELECT count(*) FROM " + NamespaceNames.schema("race.plugin", Optional.empty()) + ".r"));
  }
}
