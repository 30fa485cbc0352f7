package ing.paperclip.db.backup.schedule;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link BackupJob} every interval for an embedding host: never two runs at once (a manual
 * run during a scheduled one is refused), every run bounded by a timeout after which the job is
 * cancelled (its abort actions run and its thread is interrupted), every outcome recorded (the
 * last 100 are kept) where health checks see it and handed to a listener. A failed or timed-out run
 * never stops the schedule. Given an {@link InstanceLock}, every run holds it shared, and a run
 * that finds a restore holding it is skipped ({@link RunRecord.Status#SKIPPED}, saying who holds
 * it) rather than backing up a half-restored database.
 *
 * <p>Thread-safe. {@link #close()} cancels a running job and stops the schedule.
 */
public final class BackupScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);
  private static final int HISTORY = 100;

  private final BackupJob job;
  private final Duration interval;
  private final Duration timeout;
  private final Clock clock;
  private final InstanceLock lock;
  private final Consumer<RunRecord> listener;
  private final ScheduledExecutorService timer;
  private final ExecutorService worker;
  private final AtomicBoolean running = new AtomicBoolean();
  private final Deque<RunRecord> history = new ArrayDeque<>();
  private volatile CancelSignal current;
  private volatile boolean closed;

  /**
   * Creates a scheduler; call {@link #start(Duration)} to begin.
   *
   * @param job the backup to run
   * @param interval time between the starts of runs, at least 1 second (hosts use 60 minutes)
   * @param timeout the longest a run may take, at least 100 ms
   * @param clock the clock for records
   */
  public BackupScheduler(BackupJob job, Duration interval, Duration timeout, Clock clock) {
    this(job, interval, timeout, clock, null, r -> { });
  }

  /**
   * Creates a scheduler that respects a restore's lock and reports every run; call {@link #start}.
   *
   * @param job the backup to run
   * @param interval time between the starts of runs, at least 1 second (hosts use 60 minutes)
   * @param timeout the longest a run may take, at least 100 ms
   * @param clock the clock for records
   * @param lock the instance's lock, or null to run without one
   * @param listener told every run's record, in the run's thread, not null; must not throw
   */
  public BackupScheduler(BackupJob job, Duration interval, Duration timeout, Clock clock,
      InstanceLock lock, Consumer<RunRecord> listener) {
    this.job = Objects.requireNonNull(job, "job");
    this.lock = lock;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "backup interval " + interval.toSeconds()
          + " s is too short: use at least 1 second (60 minutes by default)");
    }
    if (timeout.compareTo(Duration.ofMillis(100)) < 0) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "backup timeout " + timeout.toMillis()
          + " ms is too short: use at least 100 ms");
    }
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "paperclip-backup-timer"));
    this.worker = Executors.newCachedThreadPool(r -> daemon(r, "paperclip-backup-run"));
  }

  /** Schedules runs every interval, the first one after {@code initialDelay}. */
  public void start(Duration initialDelay) {
    timer.scheduleAtFixedRate(this::scheduledRun, initialDelay.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Runs a backup now, in the caller's thread, bounded by the timeout.
   *
   * @return the run's record (also kept in the history)
   * @throws PaperclipException {@link ErrorCode#CONFLICT} if a run is already in progress
   */
  public RunRecord runNow() {
    if (!running.compareAndSet(false, true)) {
      throw new PaperclipException(ErrorCode.CONFLICT, "a backup is already running; wait for it "
          + "to finish (see the backup health report) and try again");
    }
    try {
      return execute("manual");
    } finally {
      running.set(false);
    }
  }

  private void scheduledRun() {
    if (closed) {
      return;
    }
    if (!running.compareAndSet(false, true)) {
      LOG.warn("scheduled backup skipped: the previous run is still in progress");
      return;
    }
    try {
      execute("scheduled");
    } catch (RuntimeException e) {
      LOG.error("scheduled backup crashed: {}", e.toString());
    } finally {
      running.set(false);
    }
  }

  private RunRecord execute(String trigger) {
    Instant start = clock.instant();
    long t0 = System.nanoTime();
    InstanceLock.Lease lease = null;
    if (lock != null) {
      try {
        Optional<InstanceLock.Lease> l = lock.tryBackup();
        if (l.isEmpty()) {
          String who = lock.holder().orElse("a restore");
          return finish(trigger, new RunRecord(trigger, start, elapsed(t0), RunRecord.Status.SKIPPED, Optional.empty(),
              Optional.of("backup skipped: " + who + " holds the instance lock; the next run is due in "
                  + interval.toSeconds() + " s")));
        }
        lease = l.get();
      } catch (PaperclipException e) {
        return finish(trigger, new RunRecord(trigger, start, elapsed(t0), RunRecord.Status.FAILED, Optional.empty(),
            Optional.of(oneLine(e))));
      }
    }
    RunRecord r;
    try {
      r = run(trigger, start, t0);
    } finally {
      if (lease != null) {
        lease.close();
      }
    }
    return finish(trigger, r);
  }

  private RunRecord run(String trigger, Instant start, long t0) {
    CancelSignal signal = new CancelSignal();
    current = signal;
    Future<Path> f = worker.submit(() -> job.run(signal));
    RunRecord r;
    try {
      Path file = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      r = new RunRecord(trigger, start, elapsed(t0), RunRecord.Status.OK, Optional.of(file), Optional.empty());
    } catch (TimeoutException e) {
      signal.cancel("timed out after " + timeout.toSeconds() + " s");
      f.cancel(true);
      r = new RunRecord(trigger, start, elapsed(t0), RunRecord.Status.TIMED_OUT, Optional.empty(),
          Optional.of("backup timed out after " + timeout.toMillis() + " ms and was cancelled; "
              + "check for long-held locks or an unresponsive server"));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      RunRecord.Status status = signal.isCancelled() ? RunRecord.Status.CANCELLED : RunRecord.Status.FAILED;
      r = new RunRecord(trigger, start, elapsed(t0), status, Optional.empty(),
          Optional.of(oneLine(cause)));
    } catch (InterruptedException e) {
      signal.cancel("interrupted");
      f.cancel(true);
      Thread.currentThread().interrupt();
      r = new RunRecord(trigger, start, elapsed(t0), RunRecord.Status.CANCELLED, Optional.empty(),
          Optional.of("backup cancelled"));
    } finally {
      current = null;
    }
    return r;
  }

  private RunRecord finish(String trigger, RunRecord r) {
    record(r);
    if (r.status() == RunRecord.Status.OK) {
      LOG.info("{} backup written: {} in {} ms", trigger, r.file().orElseThrow(), r.duration().toMillis());
    } else {
      LOG.warn("{} backup {}: {}", trigger, r.status(), r.error().orElse(""));
    }
    try {
      listener.accept(r);
    } catch (RuntimeException e) {
      LOG.warn("backup run listener failed: {}", e.toString());
    }
    return r;
  }

  private synchronized void record(RunRecord r) {
    history.addFirst(r);
    while (history.size() > HISTORY) {
      history.removeLast();
    }
  }

  /** Returns the most recent run's record, if any. */
  public synchronized Optional<RunRecord> lastRun() {
    return Optional.ofNullable(history.peekFirst());
  }

  /** Returns the most recent failed or timed-out run, if any. */
  public synchronized Optional<RunRecord> lastFailure() {
    return history.stream().filter(r -> r.status() != RunRecord.Status.OK).findFirst();
  }

  /** Returns recent runs, newest first (at most 100). */
  public synchronized List<RunRecord> history() {
    return List.copyOf(history);
  }

  /** Returns whether a run is in progress. */
  public boolean isRunning() {
    return running.get();
  }

  /** Returns the configured interval. */
  public Duration interval() {
    return interval;
  }

  /** Stops the schedule and cancels a running job; waits briefly for it to end. */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    CancelSignal s = current;
    if (s != null) {
      s.cancel("scheduler closed");
    }
    worker.shutdownNow();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration elapsed(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private static String oneLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
