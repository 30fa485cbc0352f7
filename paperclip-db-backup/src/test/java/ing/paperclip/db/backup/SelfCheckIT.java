package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.VerificationLog;
import ing.paperclip.db.backup.retention.BackupCandidate;
import ing.paperclip.db.backup.schedule.BackupHealth;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup reads its own file back as a restore would before publishing it: a file our restore
 * would refuse (simulated with a scripter that writes what no backup may hold, or SQL the reader
 * cannot split) is never published, and health reports the last verification.
 */
@WithPostgres
class SelfCheckIT {
  @BeforeAll
  static void load(TestDatabase db) {
    db.execute("DROP SCHEMA IF EXISTS selfcheck CASCADE; CREATE SCHEMA selfcheck;"
        + " CREATE TABLE selfcheck.t (a int); INSERT INTO selfcheck.t SELECT generate_series(1, 10);");
  }

  private static BackupService service(TestDatabase db, Path dir, String preData) {
    return new BackupService(db.spec(), dir, new TestScripter(List.of("selfcheck"),
        List.of("CREATE SCHEMA selfcheck;", "CREATE TABLE selfcheck.t (a int);", preData), List.of(), List.of()),
        BackupOptions.builder().jobs(1).build());
  }

  @Test
  void aFileOurRestoreWouldRefuseIsNeverPublished(TestDatabase db, @TempDir Path dir) throws Exception {
    for (String bad : List.of("CREATE ROLE selfcheck_role;", "COMMENT ON TABLE selfcheck.t IS 'unterminated;")) {
      PaperclipException e = assertThrows(PaperclipException.class, () -> service(db, dir, bad).backup());
      assertEquals(ErrorCode.BACKUP, e.code());
      assertTrue(e.getMessage().contains("failed its own check, the file written would not restore"), e.getMessage());
      assertEquals(List.of(), ItSupport.listDir(dir), bad);
    }
  }

  @Test
  void healthReportsTheLastVerification(TestDatabase db, @TempDir Path dir) throws Exception {
    BackupResult r = service(db, dir, "COMMENT ON TABLE selfcheck.t IS 'fine';").backup();
    BackupHealth h = health(r.file());
    assertEquals("ok", h.status());
    assertTrue(h.latestVerification().orElseThrow().ok());
    assertEquals("verified when written", h.latestVerification().get().detail());
    // A file changed since: its verification no longer counts; a failed verification is reported.
    byte[] b = Files.readAllBytes(r.file());
    b[b.length / 2] ^= 0x55;
    Files.write(r.file(), b);
    assertEquals(Optional.empty(), health(r.file()).latestVerification());
    VerificationLog.record(r.file(), false, "the file is damaged", Instant.now());
    assertEquals("unverifiable", health(r.file()).status());
  }

  private static BackupHealth health(Path file) throws Exception {
    return BackupHealth.of(List.of(new BackupCandidate(file, Instant.now(), Files.size(file), false)),
        Optional.empty(), Duration.ofHours(1), Instant.now());
  }
}
