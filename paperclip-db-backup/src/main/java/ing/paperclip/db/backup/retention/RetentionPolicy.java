package ing.paperclip.db.backup.retention;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How many backups to keep, in tiers (grandfather-father-son), with the original Paperclip's
 * meaning (the exact rules are {@link RetentionPlanner}'s):
 *
 * <ul>
 *   <li>{@code dailyDays}: every backup newer than N × 24 hours — or, when the hourly tier is on,
 *       the newest per calendar day for N days;
 *   <li>{@code hourlyHours} (optional, "beyond" the original): the newest per clock hour for H
 *       hours, so an hourly schedule keeps about H + N files instead of 24 × N;
 *   <li>{@code weeklyWeeks}: then, for backups newer than W × 7 days, the newest per ISO week;
 *   <li>{@code monthlyMonths}: then, since the first day of the month M months before the
 *       current one, the newest per calendar month: the current month plus M previous months;
 *   <li>{@code maxTotalBytes} (optional): after the tiers, the oldest kept files go until the
 *       total fits.
 * </ul>
 *
 * The newest verified backup is never deleted, whatever the settings. Immutable.
 *
 * @param dailyDays N ≥ 1 (default 7)
 * @param weeklyWeeks W ≥ 1 (default 4)
 * @param monthlyMonths M ≥ 1 (default 1)
 * @param hourlyHours H ≥ 1 when present
 * @param maxTotalBytes the byte cap, ≥ 1 when present
 */
public record RetentionPolicy(int dailyDays, int weeklyWeeks, int monthlyMonths,
    Optional<Integer> hourlyHours, OptionalLong maxTotalBytes) {

  /** The defaults of SPEC §3: 7 days, 4 weeks, 1 month, no hourly tier, no byte cap. */
  public static final RetentionPolicy DEFAULTS =
      new RetentionPolicy(7, 4, 1, Optional.empty(), OptionalLong.empty());

  /** Validates: each count at least 1; messages name the setting and the limit. */
  public RetentionPolicy {
    atLeastOne("retention days", dailyDays);
    atLeastOne("retention weeks", weeklyWeeks);
    atLeastOne("retention months", monthlyMonths);
    hourlyHours.ifPresent(h -> atLeastOne("retention hours", h));
    if (maxTotalBytes.isPresent() && maxTotalBytes.getAsLong() < 1) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "retention byte cap "
          + maxTotalBytes.getAsLong() + " is too small: use at least 1 byte, or no cap");
    }
  }

  /** Returns a copy with another daily window. */
  public RetentionPolicy withDailyDays(int days) {
    return new RetentionPolicy(days, weeklyWeeks, monthlyMonths, hourlyHours, maxTotalBytes);
  }

  /** Returns a copy with the hourly tier set to {@code hours}. */
  public RetentionPolicy withHourlyHours(int hours) {
    return new RetentionPolicy(dailyDays, weeklyWeeks, monthlyMonths, Optional.of(hours), maxTotalBytes);
  }

  /** Returns a copy with a total byte cap. */
  public RetentionPolicy withMaxTotalBytes(long bytes) {
    return new RetentionPolicy(dailyDays, weeklyWeeks, monthlyMonths, hourlyHours, OptionalLong.of(bytes));
  }

  private static void atLeastOne(String what, int value) {
    if (value < 1) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, what + " " + value
          + " is too small: use at least 1");
    }
  }
}
