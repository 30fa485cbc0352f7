package ing.paperclip.db.core.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibpqEnvironmentTest {
  @TempDir
  Path home;

  private void pgpass(String text) throws IOException {
    Path f = home.resolve(".pgpass");
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void pgVariablesNameTheServerWithLibpqDefaults() {
    LibpqEnvironment.Resolved r = new LibpqEnvironment(Map.of("PGHOST", "db.example", "USER", "ann",
        "PGSSLMODE", "require"), home).server().orElseThrow();
    assertEquals(new ConnectionSpec("db.example", 5432, "ann", "ann", null, Map.of("sslmode", "require")), r.spec());
    assertEquals("environment PGHOST (libpq), sslmode from PGSSLMODE", r.source());
    assertTrue(new LibpqEnvironment(Map.of("PGUSER", "x"), home).server().isEmpty(), "no PGHOST, no server");
  }

  @Test
  void passwordFromPgpassMatchesFieldsWildcardsAndEscapes() throws IOException {
    pgpass("# comment\n\nh:5432:other:u:wrong-db\nh:*:app:u:p\\:w\\\\d\n*:*:*:*:fallback\n");
    LibpqEnvironment libpq = new LibpqEnvironment(Map.of(), home);
    ConnectionSpec spec = ConnectionSpec.parse("postgres://u@h:6000/app");
    LibpqEnvironment.Resolved r = libpq.complete(spec, "test");
    assertEquals("p:w\\d", r.spec().password());
    assertEquals("test, password from " + home.resolve(".pgpass"), r.source());
    assertEquals("fallback", libpq.complete(ConnectionSpec.parse("postgres://v@h/app"), "t").spec().password());
    assertEquals("given", libpq.complete(ConnectionSpec.parse("postgres://u:given@h/app"), "t").spec().password(),
        "a URL's own password wins");
  }

  @Test
  void pgpasswordWinsOverTheFileAndPgpassfileMovesIt() throws IOException {
    pgpass("*:*:*:*:from-file\n");
    ConnectionSpec spec = ConnectionSpec.parse("postgres://u@h/app");
    assertEquals("from-env", new LibpqEnvironment(Map.of("PGPASSWORD", "from-env"), home).complete(spec, "t")
        .spec().password());
    Path other = home.resolve("elsewhere");
    Files.writeString(other, "*:*:*:*:moved\n");
    Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
    assertEquals("moved", new LibpqEnvironment(Map.of("PGPASSFILE", other.toString()), home).complete(spec, "t")
        .spec().password());
  }

  @Test
  void socketDirectoriesAndBadPortsAreRefusedWithTheFix() {
    PaperclipException socket = assertThrows(PaperclipException.class,
        () -> new LibpqEnvironment(Map.of("PGHOST", "/var/run/postgresql"), home).server());
    assertEquals(ErrorCode.CONFIGURATION, socket.code());
    assertTrue(socket.getMessage().contains("Unix socket") && socket.getMessage().contains("127.0.0.1"));
    assertThrows(PaperclipException.class,
        () -> new LibpqEnvironment(Map.of("PGHOST", "h", "PGPORT", "x"), home).server());
  }

  @Test
  void fieldsSplitOnUnescapedColonsOnly() {
    assertEquals(List.of("a", "b", "c", "d", "e:f"), LibpqEnvironment.fields("a:b:c:d:e:f"));
    assertEquals(List.of("a:x", "b", "c", "d", "e"), LibpqEnvironment.fields("a\\:x:b:c:d:e"));
  }

  @Test
  void settingsUsePgHostOnlyWhenNothingIsConfigured() throws IOException {
    InstanceLayout layout = new InstanceLayout(home, "default");
    Map<String, String> env = Map.of("PGHOST", "pg.example", "PGUSER", "app", "PGPASSWORD", "pw");
    DatabaseSettings s = DatabaseSettings.resolve(layout, env, Optional.empty(), home);
    assertEquals(DatabaseMode.EXTERNAL, s.mode());
    assertEquals("pg.example", s.url().orElseThrow().host());
    assertEquals("pw", s.url().orElseThrow().password());
    assertEquals("environment PGHOST, PGUSER (libpq), password from PGPASSWORD", s.source());
    Files.createDirectories(layout.configFile().getParent());
    Files.writeString(layout.configFile(), "{\"database\":{\"mode\":\"embedded-postgres\"}}");
    assertEquals(DatabaseMode.EMBEDDED, DatabaseSettings.resolve(layout, env, Optional.empty(), home).mode(),
        "an instance configured for the embedded server stays embedded");
  }
}
