package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ing.paperclip.db.core.settings.ConnectionSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on its embedded server: the runtime role is not a superuser, the credentials are where
 * {@code db status} says, {@code db url} masks the password unless asked, and backups, restores
 * and plugins work without a superuser.
 */
class EmbeddedCliIT {
  @TempDir
  Path home;

  record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("PAPERCLIP_HOME", home.toString());
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void runtimeRoleIsNoSuperuserAndBackupRestoreAndPluginsWorkWithoutOne() throws Exception {
    EmbeddedHomes.prepare(home);
    try {
      Run status = run("db", "status", "--json");
      assertEquals(0, status.code(), status.err());
      JsonNode s = new ObjectMapper().readTree(status.out());
      assertEquals("embedded", s.get("mode").asText());
      assertEquals("paperclip_app", s.get("runtimeRole").asText());
      assertFalse(s.get("runtimeRoleSuperuser").asBoolean(), status.out());
      assertEquals("paperclip", s.get("adminRole").asText());
      Path creds = Path.of(s.get("credentialsFile").asText());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)));
      assertEquals(0, s.get("warnings").size(), status.out());

      Run masked = run("db", "url");
      assertTrue(masked.out().contains(":****@"), masked.out());
      Run shown = run("db", "url", "--show-password");
      ConnectionSpec spec = ConnectionSpec.parse(shown.out().strip());
      assertFalse(masked.out().contains(spec.password()));
      assertFalse(status.out().contains(spec.password()) || status.err().contains(spec.password()));
      assertTrue(Files.readString(creds).contains(spec.password()), "the password is the one in the credentials file");
      assertEquals("paperclip_app", psql(shown.out().strip(), "SELECT current_user"));
      Run admin = run("db", "url", "--admin", "--show-password");
      assertEquals("paperclip|true", psql(admin.out().strip(), "SELECT current_user || '|' || rolsuper FROM pg_roles WHERE rolname = current_user"));
      assertFalse(admin.out().contains(spec.password()), "two roles, two passwords");
      Run jdbc = run("db", "url", "--jdbc");
      assertTrue(jdbc.out().startsWith("jdbc:postgresql://127.0.0.1:") && jdbc.out().contains("password=****"), jdbc.out());

      try (Connection c = DriverManager.getConnection(spec.jdbcUrl(), spec.driverProperties()); Statement st = c.createStatement()) {
        st.execute("INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme');"
            + "INSERT INTO agents (id, company_id, name, adapter_config) VALUES ('abcdef12-0000-0000-0000-000000000001', "
            + "'00000000-0000-0000-0000-000000000001', 'Dev', '{\"env\": {\"OPENAI_API_KEY\": \"sk-embedded-42\"}}')");
      }
      Path crm = Files.createDirectories(home.resolve("crm"));
      Files.writeString(crm.resolve("001_init.sql"), "CREATE TABLE deals (id bigserial PRIMARY KEY, "
          + "company_id uuid); INSERT INTO deals (company_id) SELECT id FROM public.companies;");
      Run plugin = run("plugins", "migrate", "--plugin-key", "acme.crm", "--dir", crm.toString());
      assertEquals(0, plugin.code(), plugin.err());
      Run secrets = run("secrets", "migrate-inline-env", "--apply");
      assertEquals(0, secrets.code(), secrets.err());

      Run backup = run("db", "backup", "--dir", home.resolve("b").toString(), "--json");
      assertEquals(0, backup.code(), backup.err());
      Path file;
      try (var files = Files.list(home.resolve("b"))) {
        file = files.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
      }
      for (List<String> restore : List.of(List.of("db", "restore", "--clean", file.toString()),
          List.of("db", "restore", "--clean", "--jobs", "2", file.toString()),
          List.of("db", "restore", "--clean", "--single-transaction", file.toString()))) {
        Run r = run(restore.toArray(String[]::new));
        assertEquals(0, r.code(), r.out() + r.err());
        // --clean in parallel (alone or with --jobs) goes through a scratch database swapped in, and says so:
        // the CLI's own sessions (the instance lock's) do not keep it from renaming the target
        boolean parallel = !restore.contains("--single-transaction");
        assertEquals(parallel, r.out().contains("--clean: restored in parallel into a scratch database"), r.out() + r.err());
        assertEquals(!parallel, r.out().contains("--clean: dropped the old content and restored in one transaction"),
            r.out() + r.err());
        assertFalse(r.err().contains("restored in one transaction instead of in parallel"), r.err());
        assertEquals("1", psql(shown.out().strip(), "SELECT count(*) FROM plugin_acme_crm_" + "%s.deals"
            .formatted(pluginSuffix(shown.out().strip()))));
      }
      // another session on the database: the swap cannot rename it, so one transaction, and the output says why
      try (Connection other = DriverManager.getConnection(spec.jdbcUrl(), spec.driverProperties())) {
        other.createStatement().execute("SELECT 1");
        Run r = run("db", "restore", "--clean", file.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("--clean: dropped the old content and restored in one transaction"), r.out());
        assertTrue(r.err().contains("warning: restored in one transaction instead of in parallel: 1 other session(s) "
            + "are connected to the target database"), r.err());
      }
      assertEquals("paperclip_app", psql(shown.out().strip(),
          "SELECT pg_get_userbyid(extowner) FROM pg_extension WHERE extname = 'pg_trgm'"));
      Run again = run("plugins", "migrate", "--plugin-key", "acme.crm", "--dir", crm.toString());
      assertEquals(0, again.code(), again.err());
    } finally {
      run("db", "stop");
    }
  }

  private static String pluginSuffix(String url) throws Exception {
    String schema = psql(url, "SELECT namespace_name FROM plugin_database_namespaces WHERE plugin_key = 'acme.crm'");
    return schema.substring("plugin_acme_crm_".length());
  }

  private static String psql(String url, String sql) throws Exception {
    Process p = new ProcessBuilder("psql", url, "-XAtc", sql).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
