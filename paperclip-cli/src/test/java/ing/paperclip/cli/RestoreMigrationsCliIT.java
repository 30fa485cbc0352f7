package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.core.settings.ConnectionSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup an older build took (its core journal lacks this build's newest changeset), restored by
 * {@code db restore} into a brand-new embedded instance: the restore replaces the fresh core
 * schema, then applies the changeset the backup lacks and says so ({@code coreMigrationsApplied},
 * and the line in text mode).
 */
class RestoreMigrationsCliIT {
  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {}

  private static Run run(Path home, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("PAPERCLIP_HOME", home.toString());
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  private static ConnectionSpec admin(Path home) {
    Run url = run(home, "db", "url", "--admin", "--show-password");
    assertEquals(0, url.code(), url.err());
    return ConnectionSpec.parse(url.out().strip());
  }

  private static long journal(ConnectionSpec spec, String id) throws Exception {
    try (Connection c = DriverManager.getConnection(spec.jdbcUrl(), spec.driverProperties());
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM public.databasechangelog WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void anOlderBackupIsBroughtToThisBuildsCoreSchema() throws Exception {
    Path source = EmbeddedHomes.prepare(tmp.resolve("source"));
    Path target = EmbeddedHomes.prepare(tmp.resolve("target"));
    try {
      assertEquals(0, run(source, "db", "status", "--json").code());
      ConnectionSpec src = admin(source);
      String newest;
      try (Connection c = DriverManager.getConnection(src.jdbcUrl(), src.driverProperties());
          Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("SELECT id FROM public.databasechangelog ORDER BY orderexecuted DESC LIMIT 1")) {
          rs.next();
          newest = rs.getString(1);
        }
        // the newest changeset is idempotent (DROP ... IF EXISTS, CREATE OR REPLACE): as if an older
        // build had written the database, without it
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM public.databasechangelog WHERE id = ?")) {
          ps.setString(1, newest);
          ps.execute();
        }
      }
      Path file = new BackupService(src, tmp.resolve("b"), new CatalogSchemaScripter(), BackupOptions.defaults())
          .backup().file();

      assertEquals(0, run(target, "db", "status", "--json").code());
      Run restore = run(target, "db", "restore", "--json", file.toString());
      assertEquals(0, restore.code(), restore.out() + restore.err());
      JsonNode r = new ObjectMapper().readTree(restore.out());
      assertTrue(r.get("warnings").toString().contains("the backup replaced it"), restore.out());
      assertEquals("[\"" + newest + "\"]", r.get("coreMigrationsApplied").toString(), restore.out());
      assertEquals(1, journal(admin(target), newest));
    } finally {
      run(source, "db", "stop");
      run(target, "db", "stop");
    }
  }
}
