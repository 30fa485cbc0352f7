package ing.paperclip.db.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading backups into test databases: the way downstream teams test on production-shaped data. */
class FixtureIT {
  @TempDir Path tmp;

  @Test
  void aBackupOfOneDatabaseLoadsIntoAnotherWithItsRowsAndJournal() throws Exception {
    PaperclipTestDatabase source = PaperclipTestServers.newDatabase("fixture_source");
    PaperclipTestDatabase target = PaperclipTestServers.newDatabase("fixture_target");
    try {
      source.execute("INSERT INTO public.companies (name, issue_prefix) VALUES ('Acme ''Clips''', 'ACM');"
          + "CREATE SCHEMA plugin_demo; CREATE TABLE plugin_demo.notes (id int PRIMARY KEY, body text);"
          + "INSERT INTO plugin_demo.notes VALUES (1, E'tab\\there'), (2, NULL);");
      target.execute("INSERT INTO public.companies (name, issue_prefix) VALUES ('replaced', 'RPL')");
      Path file = new BackupService(source.connectionSpec(), tmp, new CatalogSchemaScripter(),
          BackupOptions.defaults()).backup().file();

      target.loadBackup(file);

      try (Connection c = target.connect(); Statement s = c.createStatement()) {
        assertEquals("Acme 'Clips'", PaperclipDatabaseIT.scalar(s,
            "SELECT string_agg(name, ',') FROM public.companies"));
        assertEquals("tab\there|", PaperclipDatabaseIT.scalar(s,
            "SELECT string_agg(coalesce(body, ''), '|' ORDER BY id) FROM plugin_demo.notes"));
        assertEquals(PaperclipDatabaseIT.scalarOf(source, "SELECT count(*) FROM public.databasechangelog"),
            PaperclipDatabaseIT.scalar(s, "SELECT count(*) FROM public.databasechangelog"));
      }
    } finally {
      source.drop();
      target.drop();
    }
  }

  @Test
  void aDamagedBackupIsRefusedAndTheDatabaseKept() throws Exception {
    PaperclipTestDatabase db = PaperclipTestServers.newDatabase("fixture_damaged");
    try {
      db.execute("INSERT INTO public.companies (name) VALUES ('kept')");
      Path bad = tmp.resolve("paperclip-20260101-000000.sql.gz");
      Files.write(bad, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0});
      assertThrows(PaperclipException.class, () -> db.loadBackup(bad));
      try (Connection c = db.connect(); Statement s = c.createStatement()) {
        assertEquals("kept", PaperclipDatabaseIT.scalar(s, "SELECT name FROM public.companies"));
      }
    } finally {
      db.drop();
    }
  }

  @Test
  void aMissingFixtureIsNamedWithTheFix() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PaperclipTestServers.resolveFixture("classpath:fixtures/nope.sql.gz"));
    assertTrue(e.getMessage().contains("src/test/resources/fixtures/nope.sql.gz"), e.getMessage());
    e = assertThrows(IllegalStateException.class,
        () -> PaperclipTestServers.resolveFixture("no/such/backup.sql.gz"));
    assertTrue(e.getMessage().contains("paperclipai db backup"), e.getMessage());
  }

  static void requireRows(PaperclipTestDatabase db, String sql, String expected) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      assertEquals(expected, PaperclipDatabaseIT.scalar(s, sql));
    }
  }
}
