package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code db restore --list}: schemas, tables with rows and sizes, other objects, without a database. */
@WithPostgres
class RestoreListIT {
  @TempDir
  Path home;

  record Run(int code, String out, String err) {}

  private Run run(String url, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("PAPERCLIP_HOME", home.toString());
    env.put("DATABASE_URL", url);
    if (!"restore".equals(args[1])) {
      env.put("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    }
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void listsWhatTheFileHolds(TestDatabase db) throws Exception {
    String url = db.spec().libpqUri();
    assertEquals(0, run(url, "db", "migrate").code());
    db.execute("CREATE SCHEMA extra; CREATE TABLE extra.notes (id serial PRIMARY KEY, body text);"
        + "INSERT INTO extra.notes (body) SELECT 'n' || g FROM generate_series(1, 42) g;"
        + "CREATE VIEW extra.recent AS SELECT * FROM extra.notes WHERE id > 40;"
        + "INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme')");
    Path dir = home.resolve("b");
    Run b = run(url, "db", "backup", "--dir", dir.toString());
    assertEquals(0, b.code(), b.err());
    Path file;
    try (var s = Files.list(dir)) {
      file = s.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
    }
    String nowhere = "postgres://nobody@127.0.0.1:1/nothing";
    Run text = run(nowhere, "db", "restore", "--list", file.toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains("schemas (") && text.out().contains("extra") && text.out().contains("public"), text.out());
    assertTrue(text.out().contains("  extra.notes  42 rows") && text.out().contains("  public.companies  1 rows"),
        text.out());
    assertTrue(text.out().contains("VIEW (1): extra.recent"), text.out());
    Run json = run(nowhere, "db", "restore", "--list", "--json", file.toString());
    assertEquals(0, json.code(), json.err());
    JsonNode j = new ObjectMapper().readTree(json.out());
    long sum = 0;
    boolean notes = false;
    for (JsonNode t : j.get("tables")) {
      sum += t.get("rows").asLong();
      notes |= "extra".equals(t.get("schema").asText()) && "notes".equals(t.get("table").asText())
          && t.get("rows").asLong() == 42;
    }
    assertTrue(notes, json.out());
    assertEquals(j.get("rows").asLong(), sum);
    assertTrue(j.get("objects").has("INDEX"), json.out());

    // the same file through standard input: a truncated copy is refused untouched, the whole one restores
    Path spoolDir = Files.createDirectories(home.resolve("spool"));
    byte[] bytes = Files.readAllBytes(file);
    TestDatabase target = db.sibling("stdin");
    java.io.InputStream stdin = System.in;
    String tmp = System.getProperty("java.io.tmpdir");
    try {
      System.setProperty("java.io.tmpdir", spoolDir.toString());
      System.setIn(new java.io.ByteArrayInputStream(java.util.Arrays.copyOf(bytes, bytes.length - 100)));
      Run truncated = run(target.spec().libpqUri(), "db", "restore", "-");
      assertEquals(9, truncated.code(), truncated.err());
      try (var c = target.connect(); var st = c.createStatement(); var rs = st.executeQuery(
          "SELECT count(*) FROM pg_namespace WHERE nspname = 'extra'")) {
        rs.next();
        assertEquals(0, rs.getLong(1), "the target is untouched");
      }
      System.setIn(new java.io.ByteArrayInputStream(bytes));
      Run whole = run(target.spec().libpqUri(), "db", "restore", "-");
      assertEquals(0, whole.code(), whole.err());
      // extra.notes's serial: at least one sequence compared after the load
      assertTrue(java.util.regex.Pattern.compile("verified \\d+ tables, \\d+ rows, [1-9]\\d* sequences").matcher(whole.out())
          .find(), whole.out());
      try (var s = Files.list(spoolDir)) {
        assertEquals(0, s.count(), "the spool files are gone");
      }

      // a pipe from db backup --stdout into db restore - (through bytes here): equal to the source
      java.io.PrintStream out = System.out;
      java.io.ByteArrayOutputStream piped = new java.io.ByteArrayOutputStream();
      Run backup;
      try {
        System.setOut(new java.io.PrintStream(piped, true));
        backup = run(url, "db", "backup", "--stdout");
      } finally {
        System.setOut(out);
      }
      assertEquals(0, backup.code(), backup.err());
      assertTrue(backup.err().contains("written to standard output"), backup.err());
      try (var s = Files.list(spoolDir)) {
        assertEquals(0, s.count(), "the temporary backup directory is gone");
      }
      TestDatabase piped2 = db.sibling("pipe");
      try {
        System.setIn(new java.io.ByteArrayInputStream(piped.toByteArray()));
        Run restored = run(piped2.spec().libpqUri(), "db", "restore", "-");
        assertEquals(0, restored.code(), restored.err());
        ing.paperclip.db.core.testing.DatabaseComparator.assertSameSchemaAndData(db, piped2);
      } finally {
        piped2.dropInBackground();
      }
    } finally {
      System.setIn(stdin);
      System.setProperty("java.io.tmpdir", tmp);
      target.dropInBackground();
    }
  }
}
