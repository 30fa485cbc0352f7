package ing.paperclip.db.plugins;

import ing.paperclip.db.core.testing.TestDatabase;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

/** Shared set-up for plugin ITs. */
final class PluginTesting {
  private PluginTesting() {}

  /** One random host secret per test JVM. */
  static final PluginCredentials CREDENTIALS;

  static {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    CREDENTIALS = PluginCredentials.hmacSha256(secret);
  }

  /** Short migration timeouts so that hostile sleeps end quickly. */
  static final PluginSettings SETTINGS = PluginSettings.defaults()
      .withMigrationStatementTimeout(Duration.ofSeconds(2)).withMigrationLockTimeout(Duration.ofSeconds(1))
      .withRuntimeTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1)).withRuntimePoolSize(1);

  /** A registry whose migration and admin connections are the test database's (superuser) connections. */
  static PluginNamespaces namespaces(TestDatabase db, PluginSettings settings) {
    return new PluginNamespaces(db.dataSource(), db.dataSource(), db.spec(), CREDENTIALS, settings);
  }

  static long scalar(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String text(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
