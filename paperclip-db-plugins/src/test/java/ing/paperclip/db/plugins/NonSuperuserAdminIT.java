package ing.paperclip.db.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The hosted case: the role that owns the database and migrates the core schema is no superuser,
 * only CREATEROLE. It installs, repairs and purges plugins on its own.
 */
@WithPostgres
class NonSuperuserAdminIT {
  private static final String ADMIN = "it_admin_" + UUID.randomUUID().toString().substring(0, 8);
  private static TestDatabase database;

  @AfterAll
  static void dropAdmin() {
    if (database != null) {
      database.drop();
      TestDatabase any = database;
      try (Connection c = any.server().connectAdmin(); Statement s = c.createStatement()) {
        s.execute("DROP ROLE IF EXISTS " + SqlIdentifiers.quote(ADMIN));
      } catch (SQLException e) {
        // leftover roles of dropped test databases do no harm
      }
    }
  }

  @Test
  void aCreateroleOwnerOfTheDatabaseManagesPluginRoles(TestDatabase db, @TempDir Path dir) throws Exception {
    database = db.sibling("nonsuper");
    String password = UUID.randomUUID().toString();
    database.execute("CREATE ROLE " + ADMIN + " LOGIN CREATEROLE PASSWORD '" + password + "';"
        + "ALTER DATABASE " + SqlIdentifiers.quote(database.name()) + " OWNER TO " + ADMIN + ";"
        + "ALTER SCHEMA public OWNER TO " + ADMIN);
    ConnectionSpec spec = new ConnectionSpec(database.spec().host(), database.spec().port(), database.name(), ADMIN,
        password, database.spec().parameters());
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(spec.jdbcUrl());
    ds.setUser(ADMIN);
    ds.setPassword(password);
    DataSource admin = ds;
    new Migrator(admin).migrate();
    PluginNamespaces ns = new PluginNamespaces(admin, admin, spec, PluginTesting.CREDENTIALS, PluginTesting.SETTINGS);
    Path d = Files.createDirectories(dir.resolve("m"));
    Files.writeString(d.resolve("001.sql"), "CREATE TABLE t (id serial PRIMARY KEY, company_id uuid); "
        + "INSERT INTO t (company_id) SELECT id FROM public.companies;");
    PluginMigrationResult r = ns.migrate("hosted.plugin", Optional.empty(), "1", d);
    assertEquals(1, r.applied().size());
    try (PluginDataSource p = ns.dataSource("hosted.plugin", Optional.empty());
        Connection c = p.getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO t (company_id) VALUES (NULL)");
      assertThrows(SQLException.class, () -> s.execute("CREATE TEMP TABLE companies (id uuid)"));
      assertThrows(SQLException.class, () -> s.execute("CREATE TABLE public.evil (x int)"));
      assertThrows(SQLException.class, () -> s.execute("SET ROLE " + ADMIN));
    }
    assertEquals(1, ns.repairRoles().size());
    assertTrue(ns.purge("hosted.plugin"));
    assertEquals(0, PluginTesting.scalar(database, "SELECT count(*) FROM pg_roles WHERE rolname = '" + r.role() + "'"));
  }
}
