package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.settings.ConnectionSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libpq's variables against the embedded server, which (unlike the test server on 127.0.0.1)
 * checks passwords: {@code PGHOST} + {@code PGPASSWORD} connect, a wrong {@code PGPASSWORD} is
 * refused, {@code ~/.pgpass} supplies it too, and {@code db status} names the source.
 */
class LibpqEnvironmentCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path home;
  @TempDir
  Path operator;

  record Run(int code, String out, String err) {}

  private static Run run(Path home, Map<String, String> extra, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>(extra);
    env.put("PAPERCLIP_HOME", home.toString());
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void pgHostAndPgPasswordConnectAndTheSourceSaysSo() throws Exception {
    EmbeddedHomes.prepare(home);
    try {
      Run start = run(home, Map.of(), "db", "start", "--json");
      assertEquals(0, start.code(), start.err());
      assertTrue(JSON.readTree(start.out()).isObject(), start.out());
      ConnectionSpec app = ConnectionSpec.parse(run(home, Map.of(), "db", "url", "--show-password").out().strip());
      Map<String, String> pg = new HashMap<>(Map.of("PGHOST", app.host(), "PGPORT", Integer.toString(app.port()),
          "PGUSER", app.user(), "PGDATABASE", app.database()));

      Map<String, String> right = new HashMap<>(pg);
      right.put("PGPASSWORD", app.password());
      Run ok = run(operator, right, "db", "status", "--json");
      assertEquals(0, ok.code(), ok.out() + ok.err());
      JsonNode s = JSON.readTree(ok.out());
      assertEquals("external", s.get("mode").asText());
      assertEquals("environment PGHOST, PGPORT, PGUSER, PGDATABASE (libpq), password from PGPASSWORD",
          s.get("source").asText());
      assertEquals(app.user(), s.get("runtimeRole").asText());
      assertFalse(ok.out().contains(app.password()) || ok.err().contains(app.password()), "never printed");

      Map<String, String> wrong = new HashMap<>(pg);
      wrong.put("PGPASSWORD", "not-" + app.password());
      Run refused = run(operator, wrong, "db", "status", "--json");
      assertEquals(ErrorCode.CONNECTION.exitCode(), refused.code(), refused.out() + refused.err());
      assertEquals("CONNECTION", JSON.readTree(refused.out()).path("error").path("code").asText(), refused.out());
      assertFalse(refused.out().contains(app.password()) || refused.err().contains(app.password()));

      Path pgpass = operator.resolve(".pgpass");
      Files.writeString(pgpass, "# comment\nother:1:*:*:nope\n" + app.host() + ":" + app.port() + ":*:"
          + app.user() + ":" + app.password().replace("\\", "\\\\").replace(":", "\\:") + "\n");
      Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
      Map<String, String> viaFile = new HashMap<>(pg);
      viaFile.put("HOME", operator.toString());
      Run fromFile = run(operator, viaFile, "db", "status", "--json");
      assertEquals(0, fromFile.code(), fromFile.out() + fromFile.err());
      assertEquals("environment PGHOST, PGPORT, PGUSER, PGDATABASE (libpq), password from " + pgpass,
          JSON.readTree(fromFile.out()).get("source").asText());

      // A URL without a password takes PGPASSWORD too, as libpq does.
      Map<String, String> url = new HashMap<>(Map.of("DATABASE_URL", "postgres://" + app.user() + "@" + app.host()
          + ":" + app.port() + "/" + app.database(), "PGPASSWORD", app.password()));
      Run withUrl = run(operator, url, "db", "status", "--json");
      assertEquals(0, withUrl.code(), withUrl.out() + withUrl.err());
      assertEquals("environment DATABASE_URL, password from PGPASSWORD",
          JSON.readTree(withUrl.out()).get("source").asText());
    } finally {
      Run stop = run(home, Map.of(), "db", "stop", "--json");
      assertEquals(0, stop.code(), stop.err());
      assertTrue(JSON.readTree(stop.out()).get("stopped").asBoolean(), stop.out());
    }
  }
}
