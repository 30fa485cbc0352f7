package ing.paperclip.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.settings.DatabaseMode;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs docs/EMBEDDING.md's snippets on an instance that already has a company: an external one
 * (its {@code .env} names the test database) when {@code PAPERCLIP_TEST_DATABASE_URL} is set,
 * else the instance's own embedded server.
 */
@WithPostgres
class EmbeddingSnippetsIT {
  private static final UUID COMPANY = UUID.fromString("00000000-0000-0000-0000-0000000000c1");

  @TempDir
  Path home;

  @Test
  void helloWorldMigratesBacksUpRestoresAndStoresASecret(TestDatabase test) throws Exception {
    boolean external = System.getenv("PAPERCLIP_TEST_DATABASE_URL") != null;
    prepare(test, external);
    try (PaperclipDatabase db = PaperclipDatabase.builder().instance(home, "default").start()) {
      assertEquals(external ? DatabaseMode.EXTERNAL : DatabaseMode.EMBEDDED, db.settings().mode());
      assertFalse(db.appliedMigrations().isEmpty(), "a new database gets the core schema");
      insertCompany(db.dataSource());
    }
    AtomicInteger companies = new AtomicInteger();
    EmbeddingSnippets.hello(home, COMPANY, "ghp_CANARY_42", ds -> companies.set(count(ds, "SELECT count(*) FROM companies")));
    assertEquals(1, companies.get());

    try (PaperclipDatabase db = PaperclipDatabase.builder().instance(home, "default").start()) {
      assertTrue(db.appliedMigrations().isEmpty(), "already current");
      assertEquals(1, db.backups().list().size(), db.backups().list().toString());
      var report = db.backups().verify(db.backups().list().get(0).file());
      assertTrue(report.complete() && report.errors().isEmpty(), report.errors().toString());
      assertEquals("ghp_CANARY_42", db.secrets().resolve(db.secrets().list(COMPANY).get(0).id(), java.util.OptionalInt.empty()));
      assertEquals(1, count(db.dataSource(), "SELECT count(*) FROM companies"), "the restore kept the company");
    }
  }

  @Test
  void restoreWithCleanSwapsInParallelThoughThePoolsHaveIdleSessions(TestDatabase test) throws Exception {
    TestDatabase own = test.sibling("facade_swap"); // not the class's database, which the other test migrates
    prepare(own, System.getenv("PAPERCLIP_TEST_DATABASE_URL") != null);
    try (PaperclipDatabase db = PaperclipDatabase.builder().instance(home, "default").start()) {
      insertCompany(db.dataSource()); // the runtime pool keeps this session open, idle
      var backup = db.backups().backup();
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement ps = c.prepareStatement("UPDATE companies SET name = 'changed'")) {
        ps.executeUpdate();
      }
      var r = db.backups().restore(backup.file());
      assertTrue(r.swapped() && !r.singleTransaction(), "restored in parallel and swapped in: " + r.warnings());
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement ps = c.prepareStatement("SELECT name FROM companies");
          ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals("Acme", rs.getString(1), "the pool reconnects to the restored database");
      }
    } finally {
      own.dropInBackground();
    }
  }

  private void prepare(TestDatabase test, boolean external) throws IOException {
    Path instance = Files.createDirectories(home.resolve("instances/default"));
    if (external) {
      Files.writeString(instance.resolve(".env"), "DATABASE_URL=" + test.spec().libpqUri() + "\n");
      return;
    }
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    String shared = System.getenv("PAPERCLIP_HOME");
    Path cache = (shared != null && !shared.isBlank() ? Path.of(shared)
        : Path.of(System.getProperty("user.home"), ".paperclip")).resolve("runtime");
    Files.createDirectories(cache);
    Files.createSymbolicLink(home.resolve("runtime"), cache);
    Files.writeString(instance.resolve("config.json"), "{\"database\": {\"embeddedPostgresPort\": " + port + "}}");
  }

  private static void insertCompany(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO companies (id, name) VALUES (?, 'Acme')")) {
      ps.setObject(1, COMPANY);
      ps.executeUpdate();
    }
  }

  private static int count(DataSource ds, String sql) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
