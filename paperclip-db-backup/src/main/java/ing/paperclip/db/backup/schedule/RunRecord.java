package ing.paperclip.db.backup.schedule;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one scheduled or manual backup run.
 *
 * @param trigger {@code scheduled} or {@code manual}
 * @param startedAt when it started
 * @param duration how long it took
 * @param status the outcome
 * @param file the file written, when it succeeded
 * @param error a one-line error, when it failed, timed out or was skipped
 */
public record RunRecord(String trigger, Instant startedAt, Duration duration, Status status,
    Optional<Path> file, Optional<String> error) {

  /** How a run ended. */
  public enum Status {
    /** A file was written. */
    OK,
    /** The job failed. */
    FAILED,
    /** The job ran past its timeout and was cancelled. */
    TIMED_OUT,
    /** The scheduler closed during the run. */
    CANCELLED,
    /** The run did not start: a restore held the {@link InstanceLock}. */
    SKIPPED
  }

  /** Validates. */
  public RunRecord {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(error, "error");
  }
}
