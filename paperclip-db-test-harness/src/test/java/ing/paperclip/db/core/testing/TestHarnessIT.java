package ing.paperclip.db.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The shared harness gives a usable server (embedded unless an external URL is set). */
@WithPostgres
class TestHarnessIT {
  @Test
  void givesAFreshWritableDatabase(TestDatabase db, TestServer server) throws Exception {
    String expectedKind = System.getenv(PostgresExtension.ENV_URL) == null ? "embedded" : "external";
    assertEquals(expectedKind, server.kind());
    if (expectedKind.equals("embedded")) {
      assertEquals(18, server.majorVersion());
    }
    db.execute("CREATE TABLE probe (id int)");
    db.execute("INSERT INTO probe VALUES (7)");
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_database(), sum(id) FROM probe")) {
      assertTrue(rs.next());
      assertEquals(db.name(), rs.getString(1));
      assertEquals(7, rs.getInt(2));
    }
    TestDatabase other = db.sibling("target");
    try {
      try (Connection c = other.connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'probe'")) {
        assertTrue(rs.next());
        assertEquals(0, rs.getInt(1));
      }
    } finally {
      other.drop();
    }
  }
}
