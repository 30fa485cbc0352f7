package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.catalog.CatalogReader;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Losing the machine, with the embedded server: an instance archive (sealed key included) of an
 * embedded instance restored into a new home whose own embedded server the restore starts; after
 * the old server is gone the new one, started from the restored config.json, holds the same rows
 * and catalog, the same storage files, and every secret version decrypts.
 */
class InstanceArchiveEmbeddedIT {
  private static final String PASS = "correct horse battery staple";
  private static final String CANARY = "sk-CANARY-8e21c0ffee";

  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {}

  private static Run run(Path home, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("PAPERCLIP_HOME", home.toString());
    env.put("PAPERCLIP_ARCHIVE_PASSPHRASE", PASS);
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  private static TestDatabase admin(Path home) {
    Run url = run(home, "db", "url", "--admin", "--show-password");
    assertEquals(0, url.code(), url.err());
    ConnectionSpec spec = ConnectionSpec.parse(url.out().strip());
    return new TestDatabase(new TestServer(spec, "embedded"), spec);
  }

  private static String catalog(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      return new CatalogReader().read(c).toString().replaceAll("estimatedRows=-?\\d+, estimatedBytes=\\d+", "estimated")
          .replaceAll("(plugin_[a-z0-9_]+_[0-9a-f]{10})_[0-9a-f]{8}", "$1_ROLE");
    }
  }

  @Test
  void anEmbeddedInstanceIsRebuiltFromItsArchiveInAnEmptyHome() throws Exception {
    Path source = EmbeddedHomes.prepare(tmp.resolve("source"));
    Path target = EmbeddedHomes.prepare(tmp.resolve("target"));
    try {
      assertEquals(0, run(source, "db", "status").code());
      TestDatabase src = admin(source);
      src.execute("INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme');"
          + "INSERT INTO agents (id, company_id, name, adapter_config) VALUES ('abcdef12-0000-0000-0000-000000000001', "
          + "'00000000-0000-0000-0000-000000000001', 'Dev', '{\"env\": {\"OPENAI_API_KEY\": \"" + CANARY + "\"}}');"
          + "INSERT INTO issues (company_id, title, identifier, issue_number) SELECT "
          + "'00000000-0000-0000-0000-000000000001', 'Issue ' || g, 'PAP-' || g, g FROM generate_series(1, 40) g");
      Run secrets = run(source, "secrets", "migrate-inline-env", "--apply");
      assertEquals(0, secrets.code(), secrets.err());
      Path crm = Files.createDirectories(tmp.resolve("crm"));
      Files.writeString(crm.resolve("001_init.sql"), "CREATE TABLE deals (id bigserial PRIMARY KEY, name text);"
          + "INSERT INTO deals (name) SELECT 'deal ' || g FROM generate_series(1, 10) g;");
      Run plugin = run(source, "plugins", "migrate", "--plugin-key", "acme.crm", "--dir", crm.toString());
      assertEquals(0, plugin.code(), plugin.err());
      Path storageA = Files.createDirectories(source.resolve("instances/default/data/storage/docs"));
      Files.writeString(storageA.resolve("readme.md"), "# stored\n");

      Run backup = run(source, "instance", "backup", "--include-master-key", "--dir", tmp.resolve("ar").toString());
      assertEquals(0, backup.code(), backup.err());
      Path archive = Path.of(backup.out().strip());
      Map<String, String> rows = DatabaseComparator.fingerprints(src);
      String cat = catalog(src);
      // the old machine is gone
      assertEquals(0, run(source, "db", "stop").code());

      Run restore = run(target, "instance", "restore", archive.toString());
      assertEquals(0, restore.code(), restore.out() + restore.err());
      assertTrue(restore.out().contains("1 of 1 secret versions decrypt"), restore.out());
      assertFalse((restore.out() + restore.err()).contains(CANARY) || (restore.out() + restore.err()).contains(PASS));
      // the restored config.json names the old instance's port: the new server starts there
      assertEquals(0, run(target, "db", "stop").code());
      assertEquals(0, run(target, "db", "status").code());
      TestDatabase dst = admin(target);
      assertEquals(rows, DatabaseComparator.fingerprints(dst));
      assertEquals(cat, catalog(dst));
      assertEquals(Files.readString(storageA.resolve("readme.md")),
          Files.readString(target.resolve("instances/default/data/storage/docs/readme.md")));
      Run check = run(target, "secrets", "check");
      assertEquals(0, check.code(), check.out() + check.err());
      assertTrue(check.out().contains("1 of 1 secret versions decrypt"), check.out());
    } finally {
      run(source, "db", "stop");
      run(target, "db", "stop");
    }
  }
}
