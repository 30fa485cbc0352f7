package com.example.clips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.testkit.WithPaperclipDatabase;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Each method gets its own migrated Paperclip database, so the prefixes never collide. */
@WithPaperclipDatabase(isolation = WithPaperclipDatabase.Isolation.PER_METHOD)
class CompanyDirectoryTest {
  @Test
  void issuesAreNumberedPerCompany(DataSource ds) throws SQLException {
    CompanyDirectory dir = new CompanyDirectory(ds);
    UUID acme = dir.create("Acme", "ACM");
    assertEquals("ACM-1", dir.fileIssue(acme, "order wire"));
    assertEquals("ACM-2", dir.fileIssue(acme, "bend wire"));
    assertEquals(2, dir.issueCount(acme));
  }

  @Test
  void theSchemaEnforcesUniquePrefixes(DataSource ds) throws SQLException {
    CompanyDirectory dir = new CompanyDirectory(ds);
    dir.create("Acme", "ACM");
    assertThrows(SQLException.class, () -> dir.create("Acme again", "ACM"));
  }

  @Test
  void startsEmpty(DataSource ds) throws SQLException {
    assertTrue(new CompanyDirectory(ds).findByPrefix("ACM").isEmpty());
  }
}
