package ing.paperclip.db.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Test extensions shipped with the harness (under {@code extensions/}), installed into a test
 * server's extension directory ({@code SHAREDIR/extension}, which {@code pg_config} names) so that
 * {@code CREATE EXTENSION} finds them. Writing there needs the server's files to be writable by
 * the test: the embedded server's are (its binaries are the project's runtime cache); a system
 * server's are when the tests run as root. Otherwise the calling test is skipped, or fails when
 * {@value Oracles#ENV_REQUIRE} is true, as a missing oracle does.
 */
public final class TestExtensions {
  /**
   * {@code paperclip_test_config}: configuration tables, like pg_cron's {@code cron.job}.
   * {@code job} (its condition {@code WHERE NOT builtin}: the extension's script inserts two
   * builtin rows; a generated column), its sequence {@code job_id_seq}, {@code "odd ""settings"""}
   * (every row), and {@code internal}, which is not configuration.
   */
  public static final String CONFIG = "paperclip_test_config";

  private TestExtensions() {}

  /** Installs extension {@code name} on the server, or skips the calling test saying why. */
  public static void install(TestServer server, String name) {
    Path dir;
    try (Connection c = server.connectAdmin(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT setting FROM pg_catalog.pg_config WHERE name = 'SHAREDIR'")) {
      rs.next();
      dir = Path.of(rs.getString(1), "extension");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the test server's SHAREDIR: " + e.getMessage(), e);
    }
    try {
      for (String file : new String[] {name + ".control", name + "--1.0.sql"}) {
        byte[] want;
        try (InputStream in = TestExtensions.class.getResourceAsStream("/extensions/" + file)) {
          if (in == null) {
            throw new IllegalArgumentException("no test extension " + name + " in the harness");
          }
          want = in.readAllBytes();
        }
        Path p = dir.resolve(file);
        if (!Files.isRegularFile(p) || !Arrays.equals(Files.readAllBytes(p), want)) {
          Files.write(p, want);
        }
      }
    } catch (IOException e) {
      String why = "test extension " + name + " cannot be installed into " + dir + " (" + e + ")";
      String fix = "run the tests as a user who may write there, or copy "
          + "paperclip-db-test-harness/src/main/resources/extensions/" + name + "* into it";
      if (Oracles.required()) {
        Assertions.fail(why + ", and " + Oracles.ENV_REQUIRE + "=true requires it: " + fix);
      }
      Assumptions.abort(why + ": " + fix);
    }
  }
}
