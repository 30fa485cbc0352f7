package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ing.paperclip.db.core.catalog.Catalog;
import ing.paperclip.db.core.catalog.CatalogReader;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first thing a user does after losing a machine: {@code db restore FILE} into a brand-new
 * embedded instance (whose first start migrated the core schema) succeeds without {@code --clean},
 * in parallel, and the result equals the source: rows and catalog.
 */
class FreshInstanceRestoreIT {
  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {}

  private static Run run(Path home, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("PAPERCLIP_HOME", home.toString());
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  private static TestDatabase admin(Path home) {
    Run url = run(home, "db", "url", "--admin", "--show-password");
    assertEquals(0, url.code(), url.err());
    ConnectionSpec spec = ConnectionSpec.parse(url.out().strip());
    return new TestDatabase(new TestServer(spec, "embedded"), spec);
  }

  /** The catalog but the planner's estimates (a restore analyzes what it loaded; the source was not). */
  private static String catalog(TestDatabase db) throws Exception {
    try (Connection c = DriverManager.getConnection(db.spec().jdbcUrl(), db.spec().driverProperties())) {
      c.setAutoCommit(false);
      Catalog catalog = new CatalogReader().read(c);
      return catalog.toString().replaceAll("estimatedRows=-?\\d+, estimatedBytes=\\d+", "estimated");
    }
  }

  @Test
  void aBackupRestoresIntoABrandNewInstanceWithoutClean() throws Exception {
    Path source = EmbeddedHomes.prepare(tmp.resolve("source"));
    Path target = EmbeddedHomes.prepare(tmp.resolve("target"));
    try {
      Run status = run(source, "db", "status", "--json");
      assertEquals(0, status.code(), status.err());
      TestDatabase src = admin(source);
      try (Connection c = DriverManager.getConnection(src.spec().jdbcUrl(), src.spec().driverProperties());
          Statement st = c.createStatement()) {
        st.execute("INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme');"
            + "INSERT INTO agents (id, company_id, name) VALUES ('abcdef12-0000-0000-0000-000000000001', "
            + "'00000000-0000-0000-0000-000000000001', 'Dev');"
            + "INSERT INTO issues (company_id, title, identifier, issue_number) SELECT "
            + "'00000000-0000-0000-0000-000000000001', 'Issue ' || g, 'PAP-' || g, g FROM generate_series(1, 50) g");
      }
      Run backup = run(source, "db", "backup", "--dir", tmp.resolve("b").toString(), "--json");
      assertEquals(0, backup.code(), backup.err());
      Path file = Path.of(new ObjectMapper().readTree(backup.out()).get("file").asText());

      // the target's first start migrates its core schema: it is not empty, but untouched
      Run fresh = run(target, "db", "status", "--json");
      assertEquals(0, fresh.code(), fresh.err());
      TestDatabase dst = admin(target);
      // one object of the user's, even empty, and the target is no longer a fresh instance's
      dst.execute("CREATE TABLE public.mine (id int)");
      // neither instance has a master key: the backup is unsigned, and a keyless instance cannot tell
      // its own files from others, so it restores it without a flag, with a warning
      Run refused = run(target, "db", "restore", file.toString());
      assertEquals(8, refused.code(), refused.err());
      assertTrue(refused.err().contains("not a new instance's empty core schema")
          && refused.err().contains("extra table public.mine"), refused.err());
      dst.execute("DROP TABLE public.mine");

      Run restore = run(target, "db", "restore", "--jobs", "2", "--json", file.toString());
      assertEquals(0, restore.code(), restore.out() + restore.err());
      JsonNode r = new ObjectMapper().readTree(restore.out());
      assertEquals(false, r.get("singleTransaction").asBoolean(), restore.out());
      assertEquals(2, r.get("jobs").asInt(), restore.out());
      assertTrue(r.get("warnings").toString().contains("the backup replaced it"), restore.out());
      assertTrue(r.get("warnings").toString().contains("the file is not signed"), restore.out());
      JsonNode v = r.path("verification");
      assertTrue(v.path("sequences").isIntegralNumber() && v.path("problems").isEmpty() && v.path("notes").isEmpty(),
          "the JSON reports the sequences compared: " + v);

      DatabaseComparator.assertSameData(src, dst);
      assertEquals(catalog(src), catalog(dst));

      Run again = run(target, "db", "restore", file.toString());
      assertEquals(8, again.code(), "a target holding rows is refused: " + again.err());
      assertTrue(again.err().contains("not empty"), again.err());
    } finally {
      run(source, "db", "stop");
      run(target, "db", "stop");
    }
  }
}
