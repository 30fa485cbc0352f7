package ing.paperclip.db.backup.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackupFileTest {
  private static final Instant T = Instant.parse("2026-11-25T02:30:07.123Z");

  @Test
  void namesUseUtcSecondsAndOptionalSequence() {
    assertEquals("paperclip-20261125-023007.sql.gz", BackupFile.fileName("paperclip", T, 0));
    assertEquals("nightly.db-20261125-023007-2.sql.gz", BackupFile.fileName("nightly.db", T, 2));
  }

  @Test
  void parsesWhatItNames() {
    for (int seq : new int[] {0, 1, 17}) {
      String name = BackupFile.fileName("my-app_1", T, seq);
      BackupFile f = BackupFile.parse(Path.of("/b", name)).orElseThrow();
      assertEquals("my-app_1", f.prefix());
      assertEquals(Instant.parse("2026-11-25T02:30:07Z"), f.createdAt());
      assertEquals(seq, f.sequence());
      assertTrue(f.compressed());
    }
  }

  @Test
  void parsesLegacyUncompressedNames() {
    BackupFile f = BackupFile.parse(Path.of("paperclip-20260331-120000.sql")).orElseThrow();
    assertFalse(f.compressed());
    assertEquals(Instant.parse("2026-03-31T12:00:00Z"), f.createdAt());
  }

  @Test
  void ignoresTemporaryAndUnrelatedNames() {
    String name = BackupFile.fileName("paperclip", T, 0);
    assertTrue(BackupFile.parse(Path.of("." + name + ".tmp-123-abcdef")).isEmpty());
    assertTrue(BackupFile.parse(Path.of("." + name + ".tmp-123-abcdef.part-9-00")).isEmpty());
    assertTrue(BackupFile.isTemporary("." + name + ".tmp-1-2"));
    assertFalse(BackupFile.isTemporary(name));
    assertTrue(BackupFile.parse(Path.of("notes.txt")).isEmpty());
    assertTrue(BackupFile.parse(Path.of("paperclip-20261399-999999.sql.gz")).isEmpty());
    assertTrue(BackupFile.parse(Path.of("paperclip-2026112-023007.sql.gz")).isEmpty());
    assertTrue(BackupFile.parse(Path.of("paperclip-20261125-023007.sql.gz.bak")).isEmpty());
  }

  @Test
  void listsBackupsOldestFirstSkippingTemporaryAndOtherFiles(@org.junit.jupiter.api.io.TempDir Path dir)
      throws java.io.IOException {
    String a = BackupFile.fileName("paperclip", T, 0);
    String b = BackupFile.fileName("paperclip", T, 1);
    String c = BackupFile.fileName("paperclip", T.minusSeconds(3600), 0);
    for (String n : new String[] {b, a, c, "." + a + ".tmp-1-ab", "readme.txt", "paperclip-20260331-120000.sql"}) {
      java.nio.file.Files.writeString(dir.resolve(n), "x");
    }
    java.nio.file.Files.createDirectory(dir.resolve("paperclip-20200101-000000.sql.gz"));
    assertEquals(java.util.List.of("paperclip-20260331-120000.sql", c, a, b), BackupFile.list(dir).stream()
        .map(f -> f.path().getFileName().toString()).toList());
    assertTrue(BackupFile.list(dir.resolve("missing")).isEmpty());
  }

  @Test
  void rejectsBadPrefixes() {
    for (String bad : new String[] {"", "a b", "../x", "a/b", ".hidden", "é", "pass=secret;"}) {
      PaperclipException e = assertThrows(PaperclipException.class,
          () -> BackupFile.fileName(bad, T, 0), bad);
      assertEquals(ErrorCode.INVALID_INPUT, e.code());
      assertFalse(e.getMessage().contains("\n"));
    }
    assertThrows(PaperclipException.class, () -> BackupFile.validatePrefix(null));
  }
}
