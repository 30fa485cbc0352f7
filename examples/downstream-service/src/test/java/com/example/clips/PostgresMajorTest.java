package com.example.clips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ing.paperclip.db.testkit.WithPaperclipDatabase;
import ing.paperclip.db.testkit.PaperclipTestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * This project pins the kit's embedded fallback to PostgreSQL 16 (pom.xml: the system property
 * paperclip.test.postgres.major and the test dependency paperclip-db-embedded-16).
 */
@WithPaperclipDatabase
class PostgresMajorTest {
  @Test
  void theEmbeddedFallbackRunsTheMajorThisProjectPicked(DataSource ds) throws SQLException {
    assumeTrue("embedded".equals(PaperclipTestServers.serverKind()),
        "the server is " + PaperclipTestServers.serverKind() + ", whose major the project does not choose");
    assertEquals(16, PaperclipTestServers.serverMajorVersion());
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select current_setting('server_version_num')::int / 10000")) {
      r.next();
      assertEquals(16, r.getInt(1), "the migrated database lives on that server");
    }
  }
}
