package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table {@code "a"."b.c"} and table {@code "a.b"."c"} are two tables whose schema and name join to
 * the same {@code a.b.c}, the key the java engine's files record dependencies by: the backup used
 * to hold only one of them (the other silently replaced, its rows left without a table) and the
 * restore failed. It is refused now, naming both, before any file exists.
 */
@WithPostgres
class NameClashIT {
  @TempDir
  Path dir;

  @Test
  void twoTablesWhoseNamesJoinAlikeAreRefusedByName(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("clash_src");
    try {
      src.execute("""
          CREATE SCHEMA a; CREATE SCHEMA "a.b";
          CREATE TABLE a."b.c" (x int); CREATE TABLE "a.b".c (y text);
          INSERT INTO a."b.c" VALUES (1); INSERT INTO "a.b".c VALUES ('two');
          """);
      for (int jobs : new int[] {1, 2}) {
        Path out = dir.resolve("jobs" + jobs);
        PaperclipException e = assertThrows(PaperclipException.class, () -> new BackupService(src.spec(), out,
            new CatalogSchemaScripter(), BackupOptions.builder().jobs(jobs).build()).backup());
        assertEquals(ErrorCode.BACKUP, e.code());
        assertTrue(e.getMessage().contains("table \"a\".\"b.c\"") && e.getMessage().contains("table \"a.b\".\"c\"")
            && e.getMessage().contains("--engine pg_dump") && !e.getMessage().contains("\n"), e.getMessage());
        try (Stream<Path> files = Files.exists(out) ? Files.list(out) : Stream.empty()) {
          assertEquals(0, files.count(), "no file, not even a partial one");
        }
      }
    } finally {
      src.dropInBackground();
    }
  }
}
