package ing.paperclip.db.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetentionPlannerTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:30:00Z");

  /** A year of hourly backups ending at NOW, all verified, 1 MB each. */
  private static List<BackupCandidate> yearOfHourly() {
    List<BackupCandidate> out = new ArrayList<>();
    for (Instant t = NOW.minus(Duration.ofDays(365)); !t.isAfter(NOW); t = t.plus(Duration.ofHours(1))) {
      out.add(new BackupCandidate(Path.of("paperclip-" + t.getEpochSecond() + ".sql.gz"), t, 1_000_000, true));
    }
    return out;
  }

  private static List<Instant> kept(List<RetentionDecision> plan) {
    return plan.stream().filter(RetentionDecision::keep).map(d -> d.candidate().createdAt())
        .sorted().collect(Collectors.toList());
  }

  @Test
  void defaultsOverAYearOfHourlyFiles() {
    List<RetentionDecision> plan = new RetentionPlanner(RetentionPolicy.DEFAULTS).plan(yearOfHourly(), NOW);
    List<Instant> kept = kept(plan);
    // daily: every backup of the last 7 x 24 h, both ends included (2026-11-18T12:30 .. 2026-11-25T12:30)
    List<Instant> daily = kept.stream().filter(t -> !t.isBefore(NOW.minus(Duration.ofDays(7)))).toList();
    assertEquals(169, daily.size());
    // weekly (28 days back, rolling): the newest of each ISO week older than the daily tier;
    // monthly (this month and 1 before): the newest of October not already in the weekly tier
    List<Instant> older = kept.subList(0, kept.size() - daily.size());
    assertEquals(List.of(Instant.parse("2026-10-28T11:30:00Z"), Instant.parse("2026-11-01T23:30:00Z"),
        Instant.parse("2026-11-08T23:30:00Z"), Instant.parse("2026-11-15T23:30:00Z"),
        Instant.parse("2026-11-18T11:30:00Z")), older);
    assertEquals(8761 - kept.size(), plan.stream().filter(d -> !d.keep()).count());
    assertTrue(plan.stream().filter(d -> d.candidate().createdAt().equals(Instant.parse("2026-09-30T23:30:00Z")))
        .allMatch(d -> !d.keep() && d.reason().startsWith("outside every retention tier")));
  }

  @Test
  void hourlyTierKeepsFarFewerFiles() {
    RetentionPolicy p = RetentionPolicy.DEFAULTS.withHourlyHours(24);
    List<Instant> kept = kept(new RetentionPlanner(p).plan(yearOfHourly(), NOW));
    // 24 hourly + up to 6 earlier days + weekly/monthly leftovers
    assertTrue(kept.size() <= 24 + 7 + 4 + 1, "kept " + kept.size());
    assertTrue(kept.size() >= 24 + 6, "kept " + kept.size());
    assertEquals(NOW, kept.get(kept.size() - 1), "the newest file is always kept");
  }

  @Test
  void monthlyTierKeepsNewestOfEachMonth() {
    RetentionPolicy p = new RetentionPolicy(1, 1, 12, Optional.empty(), OptionalLong.empty());
    List<RetentionDecision> plan = new RetentionPlanner(p).plan(yearOfHourly(), NOW);
    List<String> months = plan.stream().filter(d -> d.keep() && d.reason().contains("month"))
        .map(d -> d.reason().substring("newest of month ".length(), "newest of month ".length() + 7))
        .sorted().collect(Collectors.toList());
    // the original's monthly tier: the current month plus the 12 before it, each by its newest
    // backup older than the weekly tier
    assertEquals(List.of("2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
        "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"), months);
    RetentionDecision nov = plan.stream().filter(d -> d.keep() && d.reason().contains("month 2026-11")).findFirst().orElseThrow();
    assertEquals(Instant.parse("2026-11-18T11:30:00Z"), nov.candidate().createdAt(), "newest before the 1-week tier");
    RetentionDecision oct = plan.stream().filter(d -> d.reason().contains("month 2026-10")).findFirst().orElseThrow();
    assertEquals(Instant.parse("2026-10-31T23:30:00Z"), oct.candidate().createdAt());
  }

  @ParameterizedTest
  @CsvSource({"1,1,1", "7,4,1", "3,1,6", "14,2,3"})
  void newestVerifiedBackupSurvivesAnySettings(int days, int weeks, int months) {
    // the only verified backup is two years old; newer ones are unverified
    List<BackupCandidate> files = new ArrayList<>();
    Instant old = NOW.minus(Duration.ofDays(730));
    files.add(new BackupCandidate(Path.of("old.sql.gz"), old, 10, true));
    for (int i = 0; i < 50; i++) {
      files.add(new BackupCandidate(Path.of("n" + i), NOW.minus(Duration.ofDays(400 + i)), 10, false));
    }
    RetentionPolicy p = new RetentionPolicy(days, weeks, months, Optional.of(1), OptionalLong.of(1));
    List<RetentionDecision> plan = new RetentionPlanner(p).plan(files, NOW);
    RetentionDecision d = plan.stream().filter(x -> x.candidate().createdAt().equals(old)).findFirst().orElseThrow();
    assertTrue(d.keep());
    assertTrue(d.reason().contains("newest verified"));
  }

  @Test
  void byteCapDeletesOldestKeptFirst() {
    List<BackupCandidate> files = List.of(
        new BackupCandidate(Path.of("a"), NOW.minus(Duration.ofHours(1)), 100, true),
        new BackupCandidate(Path.of("b"), NOW.minus(Duration.ofHours(2)), 100, true),
        new BackupCandidate(Path.of("c"), NOW.minus(Duration.ofHours(3)), 100, true));
    List<RetentionDecision> plan = new RetentionPlanner(RetentionPolicy.DEFAULTS.withMaxTotalBytes(250)).plan(files, NOW);
    assertEquals(List.of(true, true, false), plan.stream().map(RetentionDecision::keep).collect(Collectors.toList()));
    assertTrue(plan.get(2).reason().contains("byte cap"));
  }

  @Test
  void emptyDirectoryGivesEmptyPlan() {
    assertEquals(List.of(), new RetentionPlanner(RetentionPolicy.DEFAULTS).plan(List.of(), NOW));
  }

  @Test
  void settingsBelowOneAreRefused() {
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> new RetentionPolicy(0, 4, 1, Optional.empty(), OptionalLong.empty()));
    assertTrue(e.getMessage().contains("retention days 0") && e.getMessage().contains("at least 1"));
    assertThrows(PaperclipException.class, () -> RetentionPolicy.DEFAULTS.withHourlyHours(0));
  }
}
