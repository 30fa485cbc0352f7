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
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
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
    assertEquals(1, dry.deleted().size());

    PruneResult r = pruner.prune(dir, false);
    assertTrue(Files.exists(newestGood), "the newest verified backup survives although it is outside every tier");
    assertTrue(Files.exists(newestTruncated), "a damaged file within the monthly tier's reach is kept (the original's rule)");
    assertTrue(r.decisions().stream().anyMatch(d -> d.keep() && d.candidate().file().equals(newestTruncated)
        && d.reason().startsWith("not known complete")));
    assertFalse(Files.exists(older));
    assertTrue(Files.exists(foreign) && Files.exists(lookalike), "files that are not ours are never touched");
    assertFalse(Files.exists(deadTemp), "temp file of a dead process removed");
    assertTrue(Files.exists(liveTemp), "temp file of a running process kept");
    assertEquals(1, r.deleted().size());
    assertEquals(1, r.removedTemporaryFiles().size());
    assertTrue(r.decisions().stream().anyMatch(d -> d.keep() && d.reason().contains("newest verified")));
  }

  @Test
  void originalsFilesArePrunedByTheirLocalTimeAndTheirAbandonedPartialsRemoved() throws IOException {
    ZoneId tokyo = ZoneId.of("Asia/Tokyo");
    byte[] legacy = gzip("-- Paperclip database backup\nBEGIN;\nCOMMIT;\n");
    // 2026-11-18 08:00 in Tokyo is 2026-11-17T23:00Z: 7 days and 13 hours before NOW, past the daily tier
    Path theirs = Files.write(dir.resolve("paperclip-20261118-080000.sql.gz"), legacy);
    // the same week, older: goes (the newer one stands for ISO week 2026-W47)
    Path theirsOlder = Files.write(dir.resolve("paperclip-20261117-080000.sql.gz"), legacy);
    // 20:00 in Tokyo is 11:00Z, just past the daily tier (NOW - 7 days = 12:00Z); misread as UTC
    // it would be inside it, and "theirs" would then be kept as the newest of its week
    Path recent = Files.write(dir.resolve("paperclip-20261118-200000.sql.gz"), legacy);
    Path foreignGzip = Files.write(dir.resolve("paperclip-20261001-000000.sql.gz"), gzip("-- PostgreSQL database dump\n"));
    Path deadPartial = Files.write(dir.resolve("paperclip-20261101-000000.sql.gz.999999999.ab12.partial"), legacy);
    Files.setLastModifiedTime(deadPartial, FileTime.from(NOW.minus(Duration.ofDays(20))));
    Path youngPartial = Files.write(dir.resolve("paperclip-20261125-000000.sql.gz.999999998.ab12.partial"), legacy);
    Files.setLastModifiedTime(youngPartial, FileTime.from(NOW.minus(Duration.ofHours(3))));

    PruneResult r = new BackupPruner(RetentionPolicy.DEFAULTS, new BackupVerifier(), Clock.fixed(NOW, tokyo)).prune(dir, false);
    assertTrue(r.decisions().stream().allMatch(d -> d.candidate().origin() == BackupCandidate.Origin.PAPERCLIP_ORIGINAL));
    assertEquals(Instant.parse("2026-11-18T11:00:00Z"), r.decisions().get(0).candidate().createdAt(), "local time in the name");
    assertTrue(Files.exists(recent));
    assertFalse(Files.exists(theirs), "same ISO week as the newer one");
    assertFalse(Files.exists(theirsOlder));
    assertTrue(Files.exists(foreignGzip), "not a Paperclip backup: never touched");
    assertFalse(Files.exists(deadPartial), "the original's abandoned partial file, older than the daily tier");
    assertTrue(Files.exists(youngPartial));
  }

  private static byte[] gzip(String text) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.io.OutputStream z = new java.util.zip.GZIPOutputStream(b)) {
      z.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return b.toByteArray();
  }
}
