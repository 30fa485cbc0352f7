package ing.paperclip.db.core.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSettingsTest {
  @TempDir
  Path home;

  private InstanceLayout layout() {
    return new InstanceLayout(home, "default");
  }

  private void write(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  @Test
  void nothingConfiguredMeansEmbedded() {
    DatabaseSettings s = DatabaseSettings.resolve(layout(), Map.of(), Optional.empty());
    assertEquals(DatabaseMode.EMBEDDED, s.mode());
    assertTrue(s.source().startsWith("default"), s.source());
    assertEquals(home.resolve("instances/default/db"), s.embeddedDataDir());
    assertEquals(54329, s.embeddedPort());
    assertEquals(PoolSettings.DEFAULTS, s.pool());
  }

  @Test
  void resolutionOrderCliThenEnvThenDotEnvThenConfig() throws IOException {
    write(layout().envFile(), "DATABASE_URL=postgres://u@dotenv/db\n");
    write(layout().configFile(), "{\"database\":{\"mode\":\"postgres\",\"connectionString\":\"postgres://u@config/db\"}}");
    Map<String, String> env = Map.of("DATABASE_URL", "postgres://u@env/db");

    assertEquals("cli", DatabaseSettings.resolve(layout(), env, Optional.of("postgres://u@cli/db")).url().orElseThrow().host());
    DatabaseSettings fromEnv = DatabaseSettings.resolve(layout(), env, Optional.empty());
    assertEquals("env", fromEnv.url().orElseThrow().host());
    assertEquals("environment DATABASE_URL", fromEnv.source());
    DatabaseSettings fromDotEnv = DatabaseSettings.resolve(layout(), Map.of(), Optional.empty());
    assertEquals("dotenv", fromDotEnv.url().orElseThrow().host());
    assertTrue(fromDotEnv.source().contains(".env"));
    Files.delete(layout().envFile());
    DatabaseSettings fromConfig = DatabaseSettings.resolve(layout(), Map.of(), Optional.empty());
    assertEquals("config", fromConfig.url().orElseThrow().host());
    assertTrue(fromConfig.source().contains("config.json"));
  }

  @Test
  void configEmbeddedModeWithCustomDirAndPort() throws IOException {
    write(layout().configFile(), "{\"database\":{\"mode\":\"embedded-postgres\",\"embeddedPostgresDataDir\":\""
        + home.resolve("pg") + "\",\"embeddedPostgresPort\":55000},\"other\":{\"keep\":true}}");
    DatabaseSettings s = DatabaseSettings.resolve(layout(), Map.of(), Optional.empty());
    assertEquals(DatabaseMode.EMBEDDED, s.mode());
    assertEquals(home.resolve("pg"), s.embeddedDataDir());
    assertEquals(55000, s.embeddedPort());
  }

  @Test
  void migrationUrlFromEnvironment() {
    DatabaseSettings s = DatabaseSettings.resolve(layout(), Map.of(
        "DATABASE_URL", "postgres://u@pooler:6543/db",
        "DATABASE_MIGRATION_URL", "postgres://u@direct:5432/db"), Optional.empty());
    assertEquals("pooler", s.url().orElseThrow().host());
    assertEquals("direct", s.effectiveMigrationUrl().orElseThrow().host());
    assertEquals("environment DATABASE_MIGRATION_URL", s.migrationSource());
  }

  @Test
  void poolSettingsFromEnvAndConfig() throws IOException {
    write(layout().configFile(), "{\"database\":{\"pool\":{\"max\":4,\"preparedStatements\":false}}}");
    DatabaseSettings s = DatabaseSettings.resolve(layout(),
        Map.of("PAPERCLIP_DB_CONNECT_TIMEOUT_MS", "3000"), Optional.empty());
    assertEquals(4, s.pool().maxSize());
    assertFalse(s.pool().preparedStatements());
    assertEquals(3000, s.pool().connectTimeout().toMillis());
  }

  @Test
  void badSettingsNameTheSettingAndLimit() {
    PaperclipException e = assertThrows(PaperclipException.class, () -> DatabaseSettings.resolve(layout(),
        Map.of("PAPERCLIP_DB_POOL_MAX", "0"), Optional.empty()));
    assertEquals(ErrorCode.CONFIGURATION, e.code());
    assertTrue(e.getMessage().contains("pool max 0") && e.getMessage().contains("1..1000"), e.getMessage());
  }

  @Test
  void unknownModeAndMissingConnectionStringAreReported() throws IOException {
    write(layout().configFile(), "{\"database\":{\"mode\":\"sqlite\"}}");
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> DatabaseSettings.resolve(layout(), Map.of(), Optional.empty()));
    assertTrue(e.getMessage().contains("sqlite") && e.getMessage().contains("embedded-postgres"), e.getMessage());
    write(layout().configFile(), "{\"database\":{\"mode\":\"postgres\"}}");
    e = assertThrows(PaperclipException.class, () -> DatabaseSettings.resolve(layout(), Map.of(), Optional.empty()));
    assertTrue(e.getMessage().contains("connectionString"), e.getMessage());
  }
}
