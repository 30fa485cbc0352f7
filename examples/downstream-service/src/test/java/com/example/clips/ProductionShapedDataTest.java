package com.example.clips;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ing.paperclip.db.testkit.WithPaperclipDatabase;
import ing.paperclip.db.testkit.PaperclipTestDatabase;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Runs against a backup made by `paperclipai db backup` (src/test/resources/fixtures/acme.sql.gz). */
@WithPaperclipDatabase(fixture = "classpath:fixtures/acme.sql.gz")
class ProductionShapedDataTest {
  @Test
  void newIssuesContinueTheBackupsNumbering(PaperclipTestDatabase db) throws SQLException {
    CompanyDirectory dir = new CompanyDirectory(db.dataSource());
    UUID acme = dir.findByPrefix("ACM").orElseThrow();
    assertEquals(2, dir.issueCount(acme));
    assertEquals("ACM-3", dir.fileIssue(acme, "a third one"));
  }
}
