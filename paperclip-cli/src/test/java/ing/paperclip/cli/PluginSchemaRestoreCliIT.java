package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code db restore FILE --schema plugin_x --clean-schema} on a live instance with two real
 * plugins: only that plugin's schema and registry rows go back to the backup's, the other plugin
 * keeps its newer rows, and the restored plugin's role works again (its next migration runs as
 * it). The refusals are one line each.
 */
@WithPostgres
class PluginSchemaRestoreCliIT {
  @TempDir
  Path home;

  record Run(int code, String out, String err) {}

  private Run run(TestDatabase db, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("PAPERCLIP_HOME", home.toString());
    env.put("DATABASE_URL", db.spec().libpqUri());
    env.put("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  private static String scalar(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void restoresOnePluginIntoTheLiveInstance(TestDatabase db) throws Exception {
    assertEquals(0, run(db, "db", "migrate").code());
    Path crm = Files.createDirectories(home.resolve("crm"));
    Files.writeString(crm.resolve("001_init.sql"), "CREATE TABLE deals (id bigserial PRIMARY KEY, name text);"
        + "INSERT INTO deals (name) SELECT 'd' || g FROM generate_series(1, 30) g;");
    Path notes = Files.createDirectories(home.resolve("notes"));
    Files.writeString(notes.resolve("001.sql"), "CREATE TABLE notes (id serial PRIMARY KEY, body text);"
        + "INSERT INTO notes (body) VALUES ('hello');");
    Run m = run(db, "plugins", "migrate", "--plugin-key", "acme.crm", "--dir", crm.toString());
    assertEquals(0, m.code(), m.err());
    assertEquals(0, run(db, "plugins", "migrate", "--plugin-key", "acme.notes", "--dir", notes.toString()).code());
    String crmSchema = scalar(db, "SELECT namespace_name FROM plugin_database_namespaces WHERE plugin_key = 'acme.crm'");
    String notesSchema = scalar(db, "SELECT namespace_name FROM plugin_database_namespaces WHERE plugin_key = 'acme.notes'");
    String deals = "SELECT count(*) || ':' || md5(string_agg(name, ',' ORDER BY id)) FROM " + crmSchema + ".deals";
    String notesRows = "SELECT count(*) || ':' || md5(string_agg(body, ',' ORDER BY id)) FROM " + notesSchema + ".notes";
    String crmLedger = "SELECT string_agg(migration_key, ',' ORDER BY migration_key) FROM plugin_migrations"
        + " WHERE plugin_key = 'acme.crm'";
    String atBackup = scalar(db, deals);
    Run backup = run(db, "db", "backup", "--dir", home.resolve("b").toString());
    assertEquals(0, backup.code(), backup.err());
    Path file;
    try (var files = Files.list(home.resolve("b"))) {
      file = files.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
    }

    // both plugins move on: a second migration of crm (a ledger row), new rows in both
    Files.writeString(crm.resolve("002_more.sql"), "INSERT INTO deals (name) VALUES ('later');");
    assertEquals(0, run(db, "plugins", "migrate", "--plugin-key", "acme.crm", "--dir", crm.toString()).code());
    db.execute("INSERT INTO " + notesSchema + ".notes (body) VALUES ('newer')");
    assertNotEquals(atBackup, scalar(db, deals));
    String notesChanged = scalar(db, notesRows);
    String notesLedger = scalar(db, "SELECT string_agg(migration_key || checksum, ',') FROM plugin_migrations"
        + " WHERE plugin_key = 'acme.notes'");
    assertEquals("001_init.sql,002_more.sql", scalar(db, crmLedger));

    // --plan prints what runs: that schema's steps and the registry's rows (into scratch tables), nothing else
    Run plan = run(db, "db", "restore", file.toString(), "--schema", crmSchema, "--clean-schema", "--plan");
    assertEquals(0, plan.code(), plan.err());
    assertTrue(plan.out().contains(crmSchema + ".deals (30 rows)") && plan.out().contains("public.plugins ("), plan.out());
    assertTrue(plan.out().lines().noneMatch(l -> l.contains(notesSchema) || l.contains("public.companies")), plan.out());
    Run r = run(db, "db", "restore", file.toString(), "--schema", crmSchema, "--clean-schema");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("restored " + file.getFileName()) && r.out().contains("1 tables, 30 rows"), r.out());
    assertTrue(r.out().contains("repaired 2 plugin login role(s)"), r.out());
    assertEquals(atBackup, scalar(db, deals), "crm is the backup's");
    assertEquals("001_init.sql", scalar(db, crmLedger), "crm's ledger is the backup's");
    assertEquals(notesChanged, scalar(db, notesRows), "notes keeps its newer rows");
    assertEquals(notesLedger, scalar(db, "SELECT string_agg(migration_key || checksum, ',') FROM plugin_migrations"
        + " WHERE plugin_key = 'acme.notes'"));
    // the restored plugin's role owns its schema again: its second migration runs again, as it
    Run again = run(db, "plugins", "migrate", "--plugin-key", "acme.crm", "--dir", crm.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("1 applied, 1 already applied"), again.out());

    for (String[] bad : new String[][] {
        {"db", "restore", file.toString(), "--clean-schema"},
        {"db", "restore", file.toString(), "--schema", "plugin_nowhere", "--clean-schema"}}) {
      String before = scalar(db, deals);
      Run refused = run(db, bad);
      assertNotEquals(0, refused.code(), refused.out());
      String err = refused.err().strip();
      assertTrue(err.contains(bad.length == 4 ? "--clean-schema needs --schema" : "--schema plugin_nowhere: "), err);
      assertEquals(1, err.lines().count(), "one line: " + err);
      assertEquals(before, scalar(db, deals));
    }
  }
}
