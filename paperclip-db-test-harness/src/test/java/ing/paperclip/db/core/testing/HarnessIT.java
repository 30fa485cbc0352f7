package ing.paperclip.db.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
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
}
