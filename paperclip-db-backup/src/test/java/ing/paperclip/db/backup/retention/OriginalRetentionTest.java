package ing.paperclip.db.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.BackupFile;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.SyntheticBackup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A directory shared by the original Paperclip and paperclip-db: a year of backups, the
 * original's (local time in the name, no manifest; some uncompressed, one damaged, one named
 * without a time) and ours (UTC in the name), twice a day at hours that cross midnight in one
 * zone but not in UTC. Our pruner must keep exactly what the original's rules keep.
 *
 * <p>The oracle below is a transcription of the original's pruning (packages/db/src/backup-lib.ts,
 * {@code pruneOldBackups}), written against file modification times and with its own ISO-week
 * arithmetic, not with our planner's code.
 */
class OriginalRetentionTest {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final long DAY_MS = 24L * 60 * 60 * 1000;

  @TempDir
  Path dir;

  static Stream<Arguments> cases() {
    // every monthly setting 1..3 in every zone; the daily/weekly settings and the current time
    // rotate (a year boundary, a month start, the defaults)
    List<Arguments> out = new ArrayList<>();
    List<String> zones = List.of("America/Vancouver", "Asia/Tokyo", "UTC");
    Object[][] tiers = {{7, 4, "2026-11-25T12:30:00Z"}, {3, 1, "2026-03-01T07:10:00Z"}, {14, 2, "2027-01-02T23:50:00Z"}};
    for (int z = 0; z < zones.size(); z++) {
      for (int months = 1; months <= 3; months++) {
        Object[] t = tiers[(z + months) % tiers.length];
        out.add(Arguments.of(zones.get(z), t[0], t[1], months, t[2]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} days={1} weeks={2} months={3} now={4}")
  @MethodSource("cases")
  void keepsExactlyWhatTheOriginalKeeps(String zoneId, int days, int weeks, int months, String nowText)
      throws IOException {
    ZoneId zone = ZoneId.of(zoneId);
    Instant now = Instant.parse(nowText);
    List<Path> all = yearOfFiles(now, zone);

    Set<String> expected = originalKeeps(all, now.toEpochMilli(), days, weeks, months, zone);
    RetentionPolicy policy = new RetentionPolicy(days, weeks, months, Optional.empty(), OptionalLong.empty());
    PruneResult r = new BackupPruner(policy, new BackupVerifier(), Clock.fixed(now, zone)).prune(dir, false);

    Set<String> kept = new TreeSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> kept.add(p.getFileName().toString()));
    }
    assertEquals(expected, kept, "kept by ours vs the original's rules");
    assertEquals(all.size() - expected.size(), r.deleted().size());
    assertTrue(expected.size() > days, "the case keeps more than the daily tier: " + expected.size());
    assertTrue(r.decisions().stream().anyMatch(d -> d.candidate().origin() == BackupCandidate.Origin.PAPERCLIP_ORIGINAL),
        "the original's files are listed");
  }

  /** Two backups a day for a year before {@code now}: ours at 07:xx UTC, the original's at 23:xx or 00:xx local. */
  private List<Path> yearOfFiles(Instant now, ZoneId zone) throws IOException {
    byte[] ours = new SyntheticBackup().table("public.t", "a", "b").gzip();
    byte[] theirs = gzip("-- Paperclip database backup\n-- Created: x\n\nBEGIN;\nCOMMIT;\n");
    List<Path> out = new ArrayList<>();
    LocalDate first = now.atZone(zone).toLocalDate().minusDays(365);
    for (int i = 0; i <= 365; i++) {
      LocalDate d = first.plusDays(i);
      Instant o = d.atTime(7, i % 60, 11).toInstant(ZoneOffset.UTC);
      if (o.isBefore(now)) {
        out.add(write(BackupFile.fileName("paperclip", o, 0), ours, o));
      }
      LocalDateTime local = d.atTime(i % 3 == 0 ? 0 : 23, (i * 7) % 60, 42);
      Instant t = local.atZone(zone).toInstant();
      if (!t.isBefore(now)) {
        continue;
      }
      String name = "paperclip-" + STAMP.format(local) + (i % 17 == 5 ? ".sql" : ".sql.gz");
      byte[] content = i % 17 == 5 ? "-- Paperclip database backup\nBEGIN;\nCOMMIT;\n".getBytes(StandardCharsets.UTF_8)
          : i % 41 == 7 ? Arrays.copyOf(theirs, theirs.length - 9) : theirs;
      out.add(write(name, content, t));
      if (i == 300) {
        // matched by the original's prefix and suffix, but no time in its name: its mtime counts
        Instant m = t.plusSeconds(1800);
        out.add(write("paperclip-before-upgrade.sql.gz", theirs, m));
      }
    }
    return out;
  }

  private Path write(String name, byte[] content, Instant mtime) throws IOException {
    Path p = Files.write(dir.resolve(name), content);
    Files.setLastModifiedTime(p, FileTime.from(mtime));
    return p;
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(b)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return b.toByteArray();
  }

  // ---- the oracle: the original's rules, on modification times ----

  private static Set<String> originalKeeps(List<Path> files, long now, int dailyDays, int weeklyWeeks,
      int monthlyMonths, ZoneId zone) throws IOException {
    long dailyCutoff = now - Math.max(1, dailyDays) * DAY_MS;
    long weeklyCutoff = now - Math.max(1, weeklyWeeks) * 7 * DAY_MS;
    ZonedDateTime nowUtc = Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC);
    // Date.UTC(year, month - M, 1): month arithmetic that wraps across years
    long monthlyCutoff = LocalDate.of(nowUtc.getYear(), 1, 1).plusMonths(nowUtc.getMonthValue() - 1L - Math.max(1, monthlyMonths))
        .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    List<Path> entries = new ArrayList<>(files);
    entries.sort(Comparator.comparingLong((Path p) -> mtime(p)).reversed());
    Set<String> weeks = new HashSet<>();
    Set<String> months = new HashSet<>();
    Set<String> keep = new TreeSet<>();
    for (Path e : entries) {
      long m = mtime(e);
      String name = e.getFileName().toString();
      if (m >= dailyCutoff) {
        keep.add(name);
        continue;
      }
      if (m >= Math.min(weeklyCutoff, monthlyCutoff) && (!name.endsWith(".sql.gz") || !validGzip(e))) {
        keep.add(name);
        continue;
      }
      LocalDate localDate = Instant.ofEpochMilli(m).atZone(zone).toLocalDate();
      String week = isoWeekKey(localDate);
      ZonedDateTime utc = Instant.ofEpochMilli(m).atZone(ZoneOffset.UTC);
      String month = utc.getYear() + "-" + String.format("%02d", utc.getMonthValue());
      if (m >= weeklyCutoff) {
        if (weeks.add(week)) {
          keep.add(name);
        }
        continue;
      }
      if (m >= monthlyCutoff) {
        if (months.add(month)) {
          keep.add(name);
        }
      }
    }
    return keep;
  }

  /** The original's ISO week: Thursday of the week, then weeks since January 1 of its year. */
  private static String isoWeekKey(LocalDate localDate) {
    long d = localDate.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    int dow = localDate.getDayOfWeek().getValue() % 7; // JS getUTCDay: Sunday 0
    d += (4 - (dow == 0 ? 7 : dow)) * DAY_MS;
    int year = Instant.ofEpochMilli(d).atZone(ZoneOffset.UTC).getYear();
    long yearStart = LocalDate.of(year, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long weekNo = (long) Math.ceil(((d - yearStart) / (double) DAY_MS + 1) / 7);
    return year + "-W" + String.format("%02d", weekNo);
  }

  private static boolean validGzip(Path p) throws IOException {
    if (Files.size(p) < 20) {
      return false;
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      return in.transferTo(OutputStream.nullOutputStream()) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static long mtime(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
