package ing.paperclip.db.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.retention.BackupCandidate;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackupSchedulerTest {

  @Test
  void stuckJobTimesOutIsCancelledAndTheNextRunStillHappens() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch aborted = new CountDownLatch(1);
    CountDownLatch secondRun = new CountDownLatch(1);
    BackupJob job = signal -> {
      if (calls.incrementAndGet() == 1) {
        signal.onCancel(aborted::countDown);
        // simulates a server that stops answering: blocks, ignoring interruption
        while (true) {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException ignored) {
            if (signal.isCancelled()) {
              throw new IllegalStateException("aborted");
            }
          }
        }
      }
      secondRun.countDown();
      return Path.of("ok.sql.gz");
    };
    try (BackupScheduler s = new BackupScheduler(job, Duration.ofMillis(1500), Duration.ofMillis(300),
        Clock.systemUTC())) {
      s.start(Duration.ZERO);
      assertTrue(aborted.await(5, TimeUnit.SECONDS), "the stuck run was cancelled");
      assertTrue(secondRun.await(10, TimeUnit.SECONDS), "the next scheduled run happened");
      Thread.sleep(200);
      List<RunRecord> h = s.history();
      assertEquals(RunRecord.Status.OK, h.get(0).status());
      RunRecord first = h.get(h.size() - 1);
      assertEquals(RunRecord.Status.TIMED_OUT, first.status());
      assertTrue(first.error().orElseThrow().contains("timed out"));
    }
  }

  @Test
  void manualRunDuringAScheduledOneIsRefused() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BackupJob job = signal -> {
      inside.countDown();
      release.await();
      return Path.of("f");
    };
    try (BackupScheduler s = new BackupScheduler(job, Duration.ofHours(1), Duration.ofSeconds(30),
        Clock.systemUTC())) {
      s.start(Duration.ZERO);
      assertTrue(inside.await(5, TimeUnit.SECONDS));
      PaperclipException e = assertThrows(PaperclipException.class, s::runNow);
      assertEquals(ErrorCode.CONFLICT, e.code());
      assertTrue(e.getMessage().contains("already running"));
      release.countDown();
    }
  }

  @Test
  void failuresAreRecordedAndReportedByHealth() {
    BackupJob job = signal -> {
      throw new IllegalStateException("disk full\nsecond line");
    };
    try (BackupScheduler s = new BackupScheduler(job, Duration.ofHours(1), Duration.ofSeconds(5),
        Clock.systemUTC())) {
      RunRecord r = s.runNow();
      assertEquals(RunRecord.Status.FAILED, r.status());
      assertEquals("disk full", r.error().orElseThrow());
      BackupHealth h = BackupHealth.of(List.of(), s.lastRun(), s.interval(), Instant.now());
      assertEquals("last-failure", h.status());
    }
  }

  @Test
  void closeCancelsARunningJob() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    CountDownLatch inside = new CountDownLatch(1);
    BackupScheduler s = new BackupScheduler(signal -> {
      signal.onCancel(cancelled::countDown);
      inside.countDown();
      Thread.sleep(60_000);
      return Path.of("never");
    }, Duration.ofHours(1), Duration.ofMinutes(5), Clock.systemUTC());
    s.start(Duration.ZERO);
    assertTrue(inside.await(5, TimeUnit.SECONDS));
    s.close();
    assertTrue(cancelled.await(5, TimeUnit.SECONDS));
  }

  @Test
  void healthStates() {
    Instant now = Instant.parse("2026-11-25T12:00:00Z");
    Duration hourly = Duration.ofHours(1);
    assertEquals("missing", BackupHealth.of(List.of(), Optional.empty(), hourly, now).status());
    BackupCandidate fresh = new BackupCandidate(Path.of("a"), now.minus(Duration.ofHours(2)), 5, true);
    BackupHealth ok = BackupHealth.of(List.of(fresh), Optional.empty(), hourly, now);
    assertEquals("ok", ok.status());
    assertEquals(7200, ok.latestAgeSeconds());
    assertEquals(26 * 3600, ok.staleAfterSeconds());
    BackupCandidate old = new BackupCandidate(Path.of("b"), now.minus(Duration.ofHours(27)), 5, true);
    assertEquals("stale", BackupHealth.of(List.of(old), Optional.empty(), hourly, now).status());
    // with a 24 h interval, stale means older than 48 h
    assertEquals("ok", BackupHealth.of(List.of(old), Optional.empty(), Duration.ofHours(24), now).status());
  }

  @Test
  void aSkippedRunIsReportedButIsNoFailure() {
    Instant now = Instant.parse("2026-11-25T12:00:00Z");
    Duration hourly = Duration.ofHours(1);
    BackupCandidate fresh = new BackupCandidate(Path.of("a"), now.minus(Duration.ofMinutes(50)), 5, true);
    RunRecord skipped = new RunRecord("scheduled", now.minusSeconds(60), Duration.ZERO, RunRecord.Status.SKIPPED,
        Optional.empty(), Optional.of("skipped: a restore (pid 4242) holds the instance lock"));
    BackupHealth h = BackupHealth.of(List.of(fresh), Optional.of(skipped), hourly, now);
    assertEquals("ok", h.status());
    assertEquals(Optional.empty(), h.lastError());
    assertEquals(Optional.of("skipped: a restore (pid 4242) holds the instance lock"), h.lastSkipped());
    // skipped for too long: the backups go stale, which the status says
    BackupCandidate old = new BackupCandidate(Path.of("b"), now.minus(Duration.ofHours(27)), 5, true);
    assertEquals("stale", BackupHealth.of(List.of(old), Optional.of(skipped), hourly, now).status());
    assertEquals("missing", BackupHealth.of(List.of(), Optional.of(skipped), hourly, now).status());
    // a run that timed out is a failure even without an error line
    RunRecord timedOut = new RunRecord("scheduled", now.minusSeconds(60), Duration.ofMinutes(5),
        RunRecord.Status.TIMED_OUT, Optional.empty(), Optional.empty());
    BackupHealth t = BackupHealth.of(List.of(fresh), Optional.of(timedOut), hourly, now);
    assertEquals("last-failure", t.status());
    assertEquals(Optional.of("timed out"), t.lastError());
    assertEquals(Optional.empty(), t.lastSkipped());
  }
}
