package ing.paperclip.db.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@WithPaperclipDatabase
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PaperclipDatabaseIT {
  private final PaperclipTestDatabase db;

  PaperclipDatabaseIT(PaperclipTestDatabase db) {
    this.db = db;
  }

  @Test
  @Order(1)
  void theDatabaseHoldsTheMigratedSchema(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      assertEquals(db.name(), scalar(s, "SELECT current_database()"));
      assertEquals("true", scalar(s, "SELECT (to_regclass('public.companies') IS NOT NULL)::text"));
      assertEquals("true", scalar(s, "SELECT (to_regclass('public.issues') IS NOT NULL)::text"));
      long changesets = Long.parseLong(scalar(s, "SELECT count(*) FROM public.databasechangelog"));
      assertTrue(changesets > 0, "migration journal is empty");
      s.execute("INSERT INTO public.companies (name) VALUES ('shared by the class')");
    }
    assertFalse(db.toString().contains("password="), db.toString());
  }

  @Test
  @Order(2)
  void methodsOfOneClassShareItsDatabase() throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      assertEquals("1", scalar(s, "SELECT count(*) FROM public.companies WHERE name = 'shared by the class'"));
    }
  }

  @Test
  @Order(3)
  void eachDatabaseIsACopyNotTheTemplate() {
    PaperclipTestDatabase other = PaperclipTestServers.newDatabase("copy");
    try {
      assertFalse(other.name().equals(db.name()));
      try (Connection c = other.connect(); Statement s = c.createStatement()) {
        assertEquals("0", scalar(s, "SELECT count(*) FROM public.companies"));
        assertEquals(scalarOf(db, "SELECT count(*) FROM public.databasechangelog"),
            scalar(s, "SELECT count(*) FROM public.databasechangelog"));
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    } finally {
      other.drop();
    }
  }

  static String scalarOf(PaperclipTestDatabase d, String sql) throws SQLException {
    try (Connection c = d.connect(); Statement s = c.createStatement()) {
      return scalar(s, sql);
    }
  }

  static String scalar(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
