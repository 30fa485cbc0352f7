package ing.paperclip.db.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@WithPostgres
class HarnessIT {
  @Test
  void givesAFreshUtf8Database(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_database(), pg_encoding_to_char(encoding), "
            + "(SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace) "
            + "FROM pg_database WHERE datname = current_database()")) {
      assertTrue(rs.next());
      assertEquals(db.name(), rs.getString(1));
      assertEquals("UTF8", rs.getString(2));
      assertEquals(0, rs.getInt(3), "fresh database has no relations in public");
    }
    TestDatabase other = db.sibling("other");
    try {
      assertTrue(!other.name().equals(db.name()));
    } finally {
      other.drop();
    }
  }

  @Test
  void dropsInTheBackgroundWhileTheTestGoesOn(TestDatabase db, TestServer server) throws Exception {
    TestDatabase other = db.sibling("background");
    other.execute("CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g");
    // An open session does not hold the drop up: it is terminated (WITH (FORCE)).
    try (Connection held = other.connect()) {
      assertTrue(held.isValid(5));
      other.dropInBackground();
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (exists(server, other.name())) {
        assertTrue(System.nanoTime() < deadline, other.name() + " still exists 120 s after its drop was queued");
        Thread.sleep(50);
      }
    }
  }

  @Test
  void theEmbeddedTestServerRunsWithoutDurability(TestServer server) throws Exception {
    assumeTrue(server.kind().equals("embedded"), "the external server is someone's: the harness"
        + " leaves its settings alone");
    try (Connection c = server.connectAdmin(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit'),"
            + " current_setting('full_page_writes')")) {
      assertTrue(rs.next());
      assertEquals("off off off", rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3),
          "fsync, synchronous_commit, full_page_writes: a throw-away cluster need not wait for the disk");
    }
  }

  private static boolean exists(TestServer server, String name) throws Exception {
    try (Connection c = server.connectAdmin();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    }
  }
}
