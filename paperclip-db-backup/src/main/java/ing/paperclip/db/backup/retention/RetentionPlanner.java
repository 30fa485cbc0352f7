package ing.paperclip.db.backup.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
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

/**
 * Decides which backups a {@link RetentionPolicy} keeps, by the original Paperclip's rules, so
 * that a directory shared by both tools is pruned the same way by either. Each backup falls in
 * one tier by its age, the youngest tier that reaches it:
 *
 * <ol>
 *   <li>daily: taken within the last {@code dailyDays × 24 h}: kept;
 *   <li>weekly: within {@code weeklyWeeks × 7 days}: the newest of each ISO week (of its date in
 *       the local time zone) is kept, the others go;
 *   <li>monthly: since the first day of the calendar month {@code monthlyMonths} months before the
 *       current one (UTC months, as the original counts them): the newest of each month is kept;
 *   <li>older: deleted.
 * </ol>
 *
 * A backup past the daily tier but within the reach of the weekly or monthly tier that is not
 * known complete (an uncompressed or damaged file) is kept and does not count as its week's or
 * month's backup, so a broken file never displaces a good one; past that reach it goes.
 *
 * <p>Beyond the original: the newest verified backup is never deleted; the optional hourly tier
 * thins the daily tier to the newest per hour for H hours and the newest per day; the optional
 * byte cap then drops the oldest kept files. Pure: the caller passes the files and the clock, and
 * deletes what the plan says. Stateless and thread-safe.
 */
public final class RetentionPlanner {
  /** Tells whether a backup is known complete; asked only for backups whose fate depends on it. */
  @FunctionalInterface
  public interface Completeness {
    /** Returns whether {@code backup} is complete (may read the file). */
    boolean complete(BackupCandidate backup);
  }

  private final RetentionPolicy policy;

  /** Creates a planner for one policy. */
  public RetentionPlanner(RetentionPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /**
   * Plans retention with UTC as the local time zone and {@link BackupCandidate#verified} as
   * completeness.
   *
   * @param backups every backup of the directory (any order)
   * @param now the current time
   * @return one decision per backup, newest first
   */
  public List<RetentionDecision> plan(List<BackupCandidate> backups, Instant now) {
    return plan(backups, now, ZoneOffset.UTC, BackupCandidate::verified);
  }

  /**
   * Plans retention.
   *
   * @param backups every backup of the directory (any order)
   * @param now the current time
   * @param zone the local time zone (ISO weeks are those of the local date)
   * @param completeness says whether a backup is complete; called only for backups past the
   *     daily tier and within the reach of the weekly or monthly tier
   * @return one decision per backup, newest first
   */
  public List<RetentionDecision> plan(List<BackupCandidate> backups, Instant now, ZoneId zone,
      Completeness completeness) {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(completeness, "completeness");
    List<BackupCandidate> newestFirst = new ArrayList<>(backups);
    newestFirst.sort(Comparator.comparing(BackupCandidate::createdAt).reversed()
        .thenComparing(b -> b.file().getFileName().toString(), Comparator.reverseOrder()));

    Instant dailyCutoff = now.minus(Duration.ofDays(policy.dailyDays()));
    Instant weeklyCutoff = now.minus(Duration.ofDays(7L * policy.weeklyWeeks()));
    YearMonth firstMonth = YearMonth.from(now.atZone(ZoneOffset.UTC)).minusMonths(policy.monthlyMonths());
    Instant monthlyCutoff = firstMonth.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant horizon = weeklyCutoff.isBefore(monthlyCutoff) ? weeklyCutoff : monthlyCutoff;

    Map<BackupCandidate, String> kept = new LinkedHashMap<>();
    Map<BackupCandidate, String> dropped = new LinkedHashMap<>();
    Set<ZonedDateTime> hours = new HashSet<>();
    Set<LocalDate> days = new HashSet<>();
    Set<String> weeks = new HashSet<>();
    Set<YearMonth> months = new HashSet<>();
    ZonedDateTime nowUtc = now.atZone(ZoneOffset.UTC);
    Instant hourFloor = policy.hourlyHours()
        .map(h -> nowUtc.truncatedTo(ChronoUnit.HOURS).minusHours(h - 1L).toInstant()).orElse(null);
    for (BackupCandidate b : newestFirst) {
      Instant t = b.createdAt();
      if (!t.isBefore(dailyCutoff)) {
        if (hourFloor == null) {
          kept.put(b, "newer than " + policy.dailyDays() + " days (daily tier)");
        } else if (!t.isBefore(hourFloor) && hours.add(hourOf(t))) {
          kept.put(b, "newest of hour " + hourOf(t).toLocalDateTime() + "Z (hourly tier, "
              + policy.hourlyHours().get() + " h)");
        } else if (days.add(t.atZone(zone).toLocalDate())) {
          kept.put(b, "newest of day " + t.atZone(zone).toLocalDate() + " (daily tier, " + policy.dailyDays() + " days)");
        } else {
          dropped.put(b, "a newer backup of its hour or day is kept (hourly tier)");
        }
        continue;
      }
      if (!t.isBefore(horizon) && !completeness.complete(b)) {
        kept.put(b, "not known complete: kept for recovery until it leaves the weekly and monthly tiers");
        continue;
      }
      if (!t.isBefore(weeklyCutoff)) {
        String week = isoWeek(t.atZone(zone).toLocalDate());
        if (weeks.add(week)) {
          kept.put(b, "newest of ISO week " + week + " (weekly tier, " + policy.weeklyWeeks() + " weeks)");
        } else {
          dropped.put(b, "a newer backup of ISO week " + week + " is kept");
        }
      } else if (!t.isBefore(monthlyCutoff)) {
        YearMonth month = YearMonth.from(t.atZone(ZoneOffset.UTC));
        if (months.add(month)) {
          kept.put(b, "newest of month " + month + " (monthly tier: this month and "
              + policy.monthlyMonths() + " before it)");
        } else {
          dropped.put(b, "a newer backup of month " + month + " is kept");
        }
      } else {
        dropped.put(b, "outside every retention tier (before " + firstMonth + " and "
            + policy.weeklyWeeks() + " weeks)");
      }
    }

    BackupCandidate newestVerified =
        newestFirst.stream().filter(BackupCandidate::verified).findFirst().orElse(null);
    if (newestVerified != null && dropped.remove(newestVerified) != null) {
      kept.put(newestVerified, "newest verified backup (never deleted)");
    }

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
        kept.remove(b);
        dropped.put(b, "over the byte cap of " + cap + " bytes (oldest go first)");
        total -= b.bytes();
      }
    }

    List<RetentionDecision> out = new ArrayList<>(newestFirst.size());
    for (BackupCandidate b : newestFirst) {
      String why = kept.get(b);
      out.add(why != null ? new RetentionDecision(b, true, why) : new RetentionDecision(b, false, dropped.get(b)));
    }
    return List.copyOf(out);
  }

  private static ZonedDateTime hourOf(Instant t) {
    return t.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS);
  }

  private static String isoWeek(LocalDate d) {
    return String.format("%d-W%02d", d.get(IsoFields.WEEK_BASED_YEAR),
        d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
  }
}
