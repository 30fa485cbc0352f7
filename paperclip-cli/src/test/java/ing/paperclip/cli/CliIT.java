package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end against a real server: plugins, secrets, backup and restore together. */
@WithPostgres
class CliIT {
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

  @Test
  void twoPluginsAndSecretsSurviveBackupAndRestoreWithoutPlaintext(TestDatabase db) throws Exception {
    assertEquals(0, run(db, "db", "migrate").code());
    db.execute("INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme');"
        + "INSERT INTO agents (id, company_id, name, adapter_config) VALUES ('abcdef12-0000-0000-0000-000000000001', "
        + "'00000000-0000-0000-0000-000000000001', 'Dev', '{\"env\": {\"OPENAI_API_KEY\": \"sk-live-PLAINTEXT-42\"}}')");
    Path crm = Files.createDirectories(home.resolve("crm"));
    Files.writeString(crm.resolve("001_init.sql"), "CREATE TYPE stage AS ENUM ('lead', 'won');"
        + "CREATE TABLE deals (id bigserial PRIMARY KEY, stage stage NOT NULL, company_id uuid REFERENCES public.companies(id));"
        + "INSERT INTO deals (stage, company_id) SELECT 'won', id FROM public.companies;");
    Path notes = Files.createDirectories(home.resolve("notes"));
    Files.writeString(notes.resolve("001.sql"), "CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes (body) VALUES ('hello');");
    assertEquals(0, run(db, "plugins", "migrate", "--plugin-key", "acme.crm", "--dir", crm.toString()).code());
    assertEquals(0, run(db, "plugins", "migrate", "--plugin-key", "acme.notes", "--dir", notes.toString()).code());
    Run list = run(db, "plugins", "list", "--json");
    assertTrue(list.out().contains("acme.crm") && list.out().contains("acme.notes"), list.out());

    Run migrate = run(db, "secrets", "migrate-inline-env", "--apply");
    assertEquals(0, migrate.code(), migrate.err());
    assertTrue(migrate.out().contains("agent_abcdef12_openai_api_key"), migrate.out());

    Run backup = run(db, "db", "backup", "--dir", home.resolve("b").toString(), "--json");
    assertEquals(0, backup.code(), backup.err());
    Path file;
    try (var files = Files.list(home.resolve("b"))) {
      file = files.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
    }
    assertFalse(file.getFileName().toString().contains("sk-"));
    String text;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertFalse(text.contains("sk-live-PLAINTEXT-42"), "the backup holds no plaintext secret");
    assertTrue(text.contains("local_encrypted_v1"), "but it holds the encrypted material");

    TestDatabase target = db.sibling("cli_target");
    try {
      StringWriter out = new StringWriter();
      Map<String, String> env = Map.of("PAPERCLIP_HOME", home.toString(), "DATABASE_URL", target.spec().libpqUri());
      assertEquals(0, Main.run(new String[] {"db", "restore", file.toString()}, env, new PrintWriter(out),
          new PrintWriter(new StringWriter()), false, home), out.toString());
      DatabaseComparator.assertSameSchemaAndData(db, target);
      Run again = new Run(Main.run(new String[] {"db", "restore", file.toString()}, env,
          new PrintWriter(new StringWriter()), new PrintWriter(out), false, home), "", out.toString());
      assertEquals(8, again.code(), "a non-empty target is refused");
    } finally {
      target.drop();
    }
  }

  @Test
  void statusWarnsWhenTheRuntimeRoleIsASuperuser(TestDatabase db) throws Exception {
    Run status = run(db, "db", "status", "--json");
    assertEquals(0, status.code(), status.err());
    com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.out());
    boolean superuser;
    try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
      rs.next();
      superuser = rs.getBoolean(1);
    }
    assertEquals(superuser, s.get("runtimeRoleSuperuser").asBoolean(), status.out());
    assertEquals(superuser ? 1 : 0, s.get("warnings").size(), status.out());
    Run text = run(db, "db", "status");
    assertEquals(superuser, text.err().contains("warning: the runtime role ") && text.err().contains("is a superuser"), text.err());
  }

  @Test
  void errorsAreOneLineWithExitCodes(TestDatabase db) {
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"--database-url", "mysql://x/y", "db", "status"}, Map.of(),
        new PrintWriter(new StringWriter()), new PrintWriter(err), false, home);
    assertEquals(2, code);
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    err.getBuffer().setLength(0);
    code = Main.run(new String[] {"-i", "../bad", "db", "status"}, Map.of(), new PrintWriter(new StringWriter()),
        new PrintWriter(err), false, home);
    assertEquals(2, code);
    assertTrue(err.toString().contains("invalid instance id"), err.toString());
    err.getBuffer().setLength(0);
    code = Main.run(new String[] {"--database-url", "postgres://u:secretpw@127.0.0.1:1/db", "db", "status"},
        Map.of("PAPERCLIP_DB_CONNECT_TIMEOUT_MS", "2000"), new PrintWriter(new StringWriter()), new PrintWriter(err), false, home);
    assertEquals(4, code, err.toString());
    assertFalse(err.toString().contains("secretpw"));
  }
}
