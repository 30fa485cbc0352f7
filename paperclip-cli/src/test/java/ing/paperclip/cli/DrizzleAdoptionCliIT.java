package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.testing.DrizzleCorpus;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user points paperclipai at the database their original (TypeScript) Paperclip server built:
 * status recognises it, --adopt takes it over, and the everyday commands then work.
 */
@WithPostgres
class DrizzleAdoptionCliIT {
  @TempDir
  Path home;

  record Run(int code, String out, String err) {}

  private Run run(TestDatabase db, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // no auto-apply: adoption must be asked for
    Map<String, String> env = Map.of("PAPERCLIP_HOME", home.toString(), "DATABASE_URL", db.spec().libpqUri());
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  private static String journal(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) || ':' || md5(string_agg(id || '/' || hash || '/' "
            + "|| coalesce(created_at::text, ''), ',' ORDER BY id)) FROM drizzle.__drizzle_migrations")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void statusRecognisesTheOriginalsDatabaseAndAdoptMakesTheCommandsWork(TestDatabase db) throws Exception {
    DrizzleCorpus.load(db);
    String before = journal(db);

    Run status = run(db, "db", "status", "--json");
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().contains("\"migrations\" : \"paperclip-drizzle\""), status.out());
    assertTrue(status.out().contains("\"drizzleMigrations\" : " + DrizzleCorpus.MIGRATIONS), status.out());
    assertTrue(status.out().contains("Paperclip (Drizzle) database, 216 migrations, newest #216"), status.out());
    assertTrue(status.out().contains("db migrate --adopt"), status.out());

    Run refused = run(db, "plugins", "list");
    assertEquals(5, refused.code());
    assertTrue(refused.err().contains("--adopt") && refused.err().strip().lines().count() == 1, refused.err());

    Run adopt = run(db, "db", "migrate", "--adopt");
    assertEquals(0, adopt.code(), adopt.err());
    assertTrue(adopt.out().contains("the 16 core tables match"), adopt.out());
    assertTrue(adopt.out().contains("marked applied 000-companies"), adopt.out());
    assertTrue(adopt.out().contains("the Drizzle journal (216 migrations) is untouched"), adopt.out());

    assertTrue(run(db, "db", "status", "--json").out().contains("\"migrations\" : \"up-to-date\""));
    Run plugins = run(db, "plugins", "list");
    assertEquals(0, plugins.code(), plugins.err());
    Run secrets = run(db, "secrets", "migrate-inline-env");
    assertEquals(0, secrets.code(), secrets.err());
    Run refs = run(db, "issue-references", "backfill");
    assertEquals(0, refs.code(), refs.err());
    assertEquals(before, journal(db), "the Drizzle journal rows are unchanged");
  }

  @Test
  void adoptRefusesAHandAlteredTableAndNamesTheColumn(TestDatabase db) throws Exception {
    TestDatabase altered = db.sibling("altered");
    try {
      DrizzleCorpus.load(altered);
      altered.execute("ALTER TABLE agents DROP COLUMN error_reason");
      Run adopt = run(altered, "db", "migrate", "--adopt");
      assertEquals(5, adopt.code());
      assertTrue(adopt.err().contains("refusing to adopt: 1 difference(s)"), adopt.err());
      assertTrue(adopt.err().contains("agents: column error_reason is missing (expected: text)"), adopt.err());
      assertTrue(run(altered, "db", "status", "--json").out().contains("paperclip-drizzle"), "nothing recorded");
    } finally {
      altered.dropInBackground();
    }
  }
}
