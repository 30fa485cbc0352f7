package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupOptionsTest {
  @Test
  void defaults() {
    BackupOptions o = BackupOptions.defaults();
    assertEquals("paperclip", o.filenamePrefix());
    assertEquals(BackupEngine.JAVA, o.engine());
    assertEquals(Math.min(2, Runtime.getRuntime().availableProcessors()), o.jobs());
    assertEquals(4, o.compressionLevel());
    assertEquals(o, o.toBuilder().build());
  }

  @Test
  void rejectsBadValuesNamingThem() {
    for (BackupOptions.Builder b : List.of(BackupOptions.builder().jobs(0),
        BackupOptions.builder().jobs(65), BackupOptions.builder().compressionLevel(10),
        BackupOptions.builder().filenamePrefix("a/b"),
        BackupOptions.builder().excludeTableData(List.of("nodot")),
        BackupOptions.builder().nullifyColumns(List.of("s.t")))) {
      PaperclipException e = assertThrows(PaperclipException.class, b::build);
      assertEquals(ErrorCode.INVALID_INPUT, e.code());
    }
  }

  @Test
  void parsesEngines() {
    assertEquals(BackupEngine.PG_DUMP, BackupEngine.parse("PG_DUMP"));
    assertEquals(BackupEngine.PG_DUMP, BackupEngine.parse("pg-dump"));
    assertEquals(BackupEngine.AUTO, BackupEngine.parse(" auto "));
    assertEquals(BackupEngine.JAVA, BackupEngine.parse("java"));
    PaperclipException e = assertThrows(PaperclipException.class, () -> BackupEngine.parse("mysqldump"));
    assertEquals("unknown backup engine 'mysqldump': use java, pg_dump or auto", e.getMessage());
  }
}
