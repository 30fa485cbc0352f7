package ing.paperclip.db.backup.schedule;

import ing.paperclip.db.backup.file.VerificationLog;
import ing.paperclip.db.backup.retention.BackupCandidate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The health of a host's backups, for health checks and {@code db backups health --json}.
 *
 * @param status {@code ok}, {@code missing} (no backup), {@code stale} (the latest is older than
 *     max(26 h, 2 × interval)), {@code last-failure} (the most recent run failed) or
 *     {@code unverifiable} (the latest backup's last verification failed)
 * @param latestFile the newest backup, if any
 * @param latestAgeSeconds its age in seconds, or -1
 * @param latestBytes its size, or -1
 * @param staleAfterSeconds the age at which backups count as stale
 * @param lastError the most recent run's error, when it failed (timed out, was cancelled)
 * @param latestVerification the latest backup's last recorded verification ({@link
 *     VerificationLog}: when it was written, or by {@code db backups verify}), if any
 * @param lastSkipped why the most recent run was skipped ({@link RunRecord.Status#SKIPPED}: a
 *     restore held the instance lock), if it was. Not a failure: the status is then decided by the
 *     backups themselves (a skip that lasts makes them {@code stale})
 */
public record BackupHealth(String status, Optional<Path> latestFile, long latestAgeSeconds,
    long latestBytes, long staleAfterSeconds, Optional<String> lastError,
    Optional<VerificationLog.Entry> latestVerification, Optional<String> lastSkipped) {

  /** Validates. */
  public BackupHealth {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(latestFile, "latestFile");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(latestVerification, "latestVerification");
    Objects.requireNonNull(lastSkipped, "lastSkipped");
  }

  /**
   * Computes the health.
   *
   * @param backups the backups in the directory
   * @param lastRun the most recent run's record, if the host ran any
   * @param interval the schedule's interval
   * @param now the current time
   */
  public static BackupHealth of(List<BackupCandidate> backups, Optional<RunRecord> lastRun,
      Duration interval, Instant now) {
    Duration staleAfter = Duration.ofHours(26).compareTo(interval.multipliedBy(2)) >= 0
        ? Duration.ofHours(26) : interval.multipliedBy(2);
    Optional<BackupCandidate> latest = backups.stream().max(Comparator.comparing(BackupCandidate::createdAt));
    long age = latest.map(b -> Duration.between(b.createdAt(), now).toSeconds()).orElse(-1L);
    long bytes = latest.map(BackupCandidate::bytes).orElse(-1L);
    Optional<String> error = lastRun.filter(r -> r.status() != RunRecord.Status.OK
        && r.status() != RunRecord.Status.SKIPPED).map(r -> r.error().orElse(r.status().name().toLowerCase(
            java.util.Locale.ROOT).replace('_', ' ')));
    Optional<String> skipped = lastRun.filter(r -> r.status() == RunRecord.Status.SKIPPED)
        .map(r -> r.error().orElse("skipped"));
    Optional<VerificationLog.Entry> verification = latest.flatMap(b -> VerificationLog.lookup(b.file()));
    String status;
    if (error.isPresent()) {
      status = "last-failure";
    } else if (latest.isEmpty()) {
      status = "missing";
    } else if (verification.isPresent() && !verification.get().ok()) {
      status = "unverifiable";
    } else if (age > staleAfter.toSeconds()) {
      status = "stale";
    } else {
      status = "ok";
    }
    return new BackupHealth(status, latest.map(BackupCandidate::file), age, bytes,
        staleAfter.toSeconds(), error, verification, skipped);
  }
}
