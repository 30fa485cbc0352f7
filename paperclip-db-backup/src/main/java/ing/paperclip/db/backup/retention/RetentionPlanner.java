package ing.paperclip.db.backup.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides which backups a {@link RetentionPolicy} keeps. Pure: the caller passes the files and
 * the clock, and deletes what the plan says. Stateless and thread-safe.
 */
public final class RetentionPlanner {
  private final RetentionPolicy policy;

  /** Creates a planner for one policy. */
  public RetentionPlanner(RetentionPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /**
   * Plans retention.
   *
   * @param backups every backup of the directory (any order)
   * @param now the current time
   * @return one decision per backup, newest first
   */
  public List<RetentionDecision> plan(List<BackupCandidate> backups, Instant now) {
    List<BackupCandidate> newestFirst = new ArrayList<>(backups);
    newestFirst.sort(Comparator.comparing(BackupCandidate::createdAt).reversed()
        .thenComparing(b -> b.file().getFileName().toString(), Comparator.reverseOrder()));
    Map<BackupCandidate, String> kept = new LinkedHashMap<>();

    BackupCandidate newestVerified =
        newestFirst.stream().filter(BackupCandidate::verified).findFirst().orElse(null);
    if (newestVerified != null) {
      kept.put(newestVerified, "newest verified backup (never deleted)");
    }

    ZonedDateTime nowUtc = now.atZone(ZoneOffset.UTC);
    if (policy.hourlyHours().isPresent()) {
      int hours = policy.hourlyHours().get();
      Instant hourFloor = nowUtc.truncatedTo(ChronoUnit.HOURS).minusHours(hours - 1L).toInstant();
      keepNewestPerBucket(newestFirst, kept, b -> !b.createdAt().isBefore(hourFloor),
          b -> b.createdAt().atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS),
          bucket -> "newest of hour " + bucket.toLocalDateTime() + "Z (hourly tier, " + hours + " h)");
      LocalDate dayFloor = nowUtc.toLocalDate().minusDays(policy.dailyDays() - 1L);
      keepNewestPerBucket(newestFirst, kept, b -> !day(b).isBefore(dayFloor), RetentionPlanner::day,
          bucket -> "newest of day " + bucket + " (daily tier, " + policy.dailyDays() + " days)");
    } else {
      Instant floor = now.minus(Duration.ofDays(policy.dailyDays()));
      for (BackupCandidate b : newestFirst) {
        if (b.createdAt().isAfter(floor)) {
          kept.putIfAbsent(b, "newer than " + policy.dailyDays() + " days");
        }
      }
    }

    String nowWeek = isoWeek(nowUtc.toLocalDate());
    LocalDate weekFloor = nowUtc.toLocalDate().minusWeeks(policy.weeklyWeeks() - 1L)
        .with(java.time.DayOfWeek.MONDAY);
    keepNewestPerBucket(newestFirst, kept, b -> !day(b).isBefore(weekFloor),
        b -> isoWeek(day(b)),
        bucket -> "newest of ISO week " + bucket + " (weekly tier, " + policy.weeklyWeeks()
            + " weeks up to " + nowWeek + ")");

    LocalDate monthFloor = nowUtc.toLocalDate().withDayOfMonth(1).minusMonths(policy.monthlyMonths() - 1L);
    keepNewestPerBucket(newestFirst, kept, b -> !day(b).isBefore(monthFloor),
        b -> day(b).toString().substring(0, 7),
        bucket -> "newest of month " + bucket + " (monthly tier, " + policy.monthlyMonths() + " months)");

    Set<BackupCandidate> capped = new HashSet<>();
    if (policy.maxTotalBytes().isPresent()) {
      long cap = policy.maxTotalBytes().getAsLong();
      long total = kept.keySet().stream().mapToLong(BackupCandidate::bytes).sum();
      List<BackupCandidate> oldestFirst = new ArrayList<>(kept.keySet());
      oldestFirst.sort(Comparator.comparing(BackupCandidate::createdAt));
      for (BackupCandidate b : oldestFirst) {
        if (total <= cap) {
          break;
        }
        if (b.equals(newestVerified)) {
          continue;
        }
        capped.add(b);
        total -= b.bytes();
      }
    }

    List<RetentionDecision> out = new ArrayList<>(newestFirst.size());
    for (BackupCandidate b : newestFirst) {
      String why = kept.get(b);
      if (why != null && !capped.contains(b)) {
        out.add(new RetentionDecision(b, true, why));
      } else if (capped.contains(b)) {
        out.add(new RetentionDecision(b, false, "over the byte cap of "
            + policy.maxTotalBytes().getAsLong() + " bytes (oldest go first)"));
      } else {
        out.add(new RetentionDecision(b, false, "outside every retention tier"));
      }
    }
    return List.copyOf(out);
  }

  private static <K> void keepNewestPerBucket(List<BackupCandidate> newestFirst,
      Map<BackupCandidate, String> kept, java.util.function.Predicate<BackupCandidate> inWindow,
      Function<BackupCandidate, K> bucketOf, Function<K, String> reason) {
    Set<K> seen = new HashSet<>();
    for (BackupCandidate b : newestFirst) {
      if (!inWindow.test(b)) {
        continue;
      }
      K bucket = bucketOf.apply(b);
      if (seen.add(bucket)) {
        kept.putIfAbsent(b, reason.apply(bucket));
      }
    }
  }

  private static LocalDate day(BackupCandidate b) {
    return b.createdAt().atZone(ZoneOffset.UTC).toLocalDate();
  }

  private static String isoWeek(LocalDate d) {
    return String.format("%d-W%02d", d.get(IsoFields.WEEK_BASED_YEAR),
        d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
  }
}
