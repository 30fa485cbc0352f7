package ing.paperclip.db.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A downstream project adds its own changelog to the template and gets a pooled data source; a
 * broken fixture fails every test that asks for it but leaves no database behind.
 */
@WithPaperclipDatabase(changelogs = "testkit/app-changelog.xml")
class DownstreamMigrationsIT {
  @Test
  void theProjectsChangelogRunsAfterTheCoreSchemaAndThePoolWorks(PaperclipTestDatabase db) throws SQLException {
    db.execute("INSERT INTO public.companies (id, name) VALUES ('00000000-0000-0000-0000-00000000000a', 'Acme');"
        + "INSERT INTO public.app_notes (company_id, body) VALUES ('00000000-0000-0000-0000-00000000000a', 'hi')");
    DataSource pool = db.pooledDataSource();
    assertEquals("com.zaxxer.hikari.HikariDataSource", pool.getClass().getName());
    try (Connection c = pool.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM public.app_notes JOIN public.companies c ON c.id = company_id")) {
      rs.next();
      assertEquals(1, rs.getInt(1));
    }
    try (Connection c = pool.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM public.databasechangelog WHERE author = 'downstream'")) {
      rs.next();
      assertEquals("app-001-notes", rs.getString(1), "recorded in the journal");
    }
  }

  @Test
  void aFailingFixtureLeavesNoDatabaseBehind(PaperclipTestDatabase db) throws SQLException {
    String fixture = "classpath:testkit/broken-fixture.sql";
    for (int i = 0; i < 3; i++) {
      assertThrows(RuntimeException.class, () -> PaperclipTestServers.newDatabase("broken", fixture, List.of()));
    }
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM pg_database WHERE datname LIKE ?")) {
      ps.setString(1, "it_" + PaperclipTestServers.fixtureHint(fixture) + "_%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertEquals(0, rs.getInt(1), "three failed attempts, no database left");
      }
    }
  }
}
