package ing.paperclip.db.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.BackupFile;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.SyntheticBackup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupPrunerTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  @TempDir
  Path dir;

  private Path backup(Instant at, boolean good) throws IOException {
    Path p = dir.resolve(BackupFile.fileName("paperclip", at, 0));
    byte[] bytes = new SyntheticBackup().table("public.t", "a", "b").gzip();
    Files.write(p, good ? bytes : Arrays.copyOf(bytes, bytes.length / 2));
    return p;
  }

  @Test
  void prunesOnlyOurFilesKeepsNewestGoodAndRemovesDeadTempFiles() throws IOException {
    Path newestTruncated = backup(NOW.minus(Duration.ofDays(40)), false);
    Path newestGood = backup(NOW.minus(Duration.ofDays(90)), true);
    Path older = backup(NOW.minus(Duration.ofDays(200)), true);
    Path foreign = Files.writeString(dir.resolve("notes.txt"), "keep me");
    Path lookalike = Files.writeString(dir.resolve("paperclip-latest.sql.gz"), "not ours by name");
    Path deadTemp = Files.writeString(dir.resolve(".paperclip-20261125-110000.sql.gz.tmp-999999999-abc"), "partial");
    Path liveTemp = Files.writeString(dir.resolve(".paperclip-20261125-115900.sql.gz.tmp-"
        + ProcessHandle.current().pid() + "-def"), "in progress");

    BackupPruner pruner = new BackupPruner(RetentionPolicy.DEFAULTS, new BackupVerifier(),
        Clock.fixed(NOW, ZoneOffset.UTC));
    PruneResult dry = pruner.prune(dir, true);
    assertTrue(dry.dryRun());
    assertTrue(Files.exists(newestTruncated) && Files.exists(older) && Files.exists(deadTemp), "dry run deletes nothing");
    assertEquals(dry.deleted().size(), 2);

    PruneResult r = pruner.prune(dir, false);
    assertTrue(Files.exists(newestGood), "the newest verified backup survives although it is outside every tier");
    assertFalse(Files.exists(newestTruncated));
    assertFalse(Files.exists(older));
    assertTrue(Files.exists(foreign) && Files.exists(lookalike), "files that are not ours are never touched");
    assertFalse(Files.exists(deadTemp), "temp file of a dead process removed");
    assertTrue(Files.exists(liveTemp), "temp file of a running process kept");
    assertEquals(2, r.deleted().size());
    assertEquals(1, r.removedTemporaryFiles().size());
    assertTrue(r.decisions().stream().anyMatch(d -> d.keep() && d.reason().contains("newest verified")));
  }
}
