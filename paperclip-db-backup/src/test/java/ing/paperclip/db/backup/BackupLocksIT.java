package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent TRUNCATE and DDL against a running backup: the snapshot and the table locks leave no
 * window between them, a DDL queued behind the backup makes a parallel backup give way at once
 * (instead of the worker queueing behind the DDL that queues behind the backup), and every lock
 * wait is bounded by the lock timeout.
 */
@WithPostgres
class BackupLocksIT {
  /** A bound that only a hang exceeds; no timing is measured. */
  private static final Duration HANG = Duration.ofSeconds(90);

  @BeforeEach
  void load(TestDatabase db) {
    db.execute("DROP SCHEMA IF EXISTS locks CASCADE; CREATE SCHEMA locks;"
        + " CREATE TABLE locks.a (id int PRIMARY KEY, note text);"
        + " CREATE TABLE locks.b (id int PRIMARY KEY, note text);"
        + " INSERT INTO locks.a SELECT g, repeat('a', 50) FROM generate_series(1, 20000) g;"
        + " INSERT INTO locks.b SELECT g, repeat('b', 40) FROM generate_series(1, 15000) g;");
  }

  /** Runs SQL on its own connection in the background; returns its pid once it waits for a lock. */
  private static final class Waiter implements AutoCloseable {
    final Connection c;
    final int pid;
    final CompletableFuture<Void> done;

    Waiter(TestDatabase db, String sql) throws Exception {
      c = db.connect();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        pid = rs.getInt(1);
      }
      done = CompletableFuture.runAsync(() -> {
        try (Statement s = c.createStatement()) {
          s.execute(sql);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      awaitLockWait(db, pid);
    }

    @Override
    public void close() throws SQLException {
      c.close();
    }
  }

  private static void awaitLockWait(TestDatabase db, int pid) throws Exception {
    for (int i = 0; i < 600; i++) {
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
          "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = ?")) {
        ps.setInt(1, pid);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getBoolean(1)) {
            return;
          }
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("session " + pid + " never waited for a lock");
  }

  private static BackupService service(TestDatabase db, Path dir, int jobs, Duration lockTimeout) {
    return new BackupService(db.spec(), dir, new CatalogSchemaScripter(),
        BackupOptions.builder().jobs(jobs).lockTimeout(lockTimeout).build());
  }

  private static long rowsOf(BackupResult r, String table) {
    return r.manifest().tables().stream().filter(t -> t.table().equals(table))
        .mapToLong(BackupManifest.TableEntry::rows).sum();
  }

  @Test
  void truncateRightAfterTheSnapshotWaitsForTheBackup(TestDatabase db, @TempDir Path dir) throws Exception {
    List<Waiter> waiters = new ArrayList<>();
    BackupListener barrier = new BackupListener() {
      @Override
      public void snapshotTaken() {
        try {
          // Before this fix the lock came after the catalog was read: this TRUNCATE committed
          // here and the backup held an empty locks.a while locks.b was at snapshot time.
          waiters.add(new Waiter(db, "TRUNCATE locks.a"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
    try {
      BackupResult r = assertTimeoutPreemptively(HANG, () -> service(db, dir, 1, Duration.ofSeconds(30)).backup(barrier));
      assertEquals(20000, rowsOf(r, "a"));
      assertEquals(15000, rowsOf(r, "b"));
      waiters.get(0).done.get(60, TimeUnit.SECONDS);
      assertEquals(0, ItSupport.count(db, "SELECT count(*) FROM locks.a"), "the TRUNCATE ran after the backup");
    } finally {
      for (Waiter w : waiters) {
        w.close();
      }
    }
  }

  @Test
  void ddlQueuedBehindAParallelBackupMakesItStopAtOnce(TestDatabase db, @TempDir Path dir) throws Exception {
    List<Waiter> waiters = new ArrayList<>();
    BackupListener barrier = new BackupListener() {
      @Override
      public void snapshotTaken() {
        try {
          // one per table: whichever table a worker (not the main connection) reads is contested
          waiters.add(new Waiter(db, "ALTER TABLE locks.a ADD COLUMN extra int"));
          waiters.add(new Waiter(db, "ALTER TABLE locks.b ADD COLUMN extra int"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
    try {
      PaperclipException e = assertThrows(PaperclipException.class, () -> assertTimeoutPreemptively(HANG,
          () -> service(db, dir, 2, Duration.ofSeconds(60)).backup(barrier)));
      assertEquals(ErrorCode.BACKUP, e.code());
      assertTrue(e.getMessage().contains("is wanted by another session"), e.getMessage());
      assertTrue(e.getMessage().contains("session " + waiters.get(0).pid)
          || e.getMessage().contains("session " + waiters.get(1).pid), e.getMessage());
      assertTrue(e.getMessage().contains("AccessExclusiveLock"), e.getMessage());
      for (Waiter w : waiters) {
        w.done.get(60, TimeUnit.SECONDS);
      }
      assertEquals(List.of(), ItSupport.listDir(dir).stream().filter(p -> p.toString().endsWith(".gz")).toList());
    } finally {
      for (Waiter w : waiters) {
        w.close();
      }
    }
  }

  @Test
  void ddlQueuedBehindASerialBackupRunsAfterIt(TestDatabase db, @TempDir Path dir) throws Exception {
    List<Waiter> waiters = new ArrayList<>();
    BackupListener barrier = new BackupListener() {
      @Override
      public void snapshotTaken() {
        try {
          waiters.add(new Waiter(db, "ALTER TABLE locks.b DROP COLUMN note"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
    try {
      BackupResult r = assertTimeoutPreemptively(HANG, () -> service(db, dir, 1, Duration.ofSeconds(30)).backup(barrier));
      assertEquals(15000, rowsOf(r, "b"));
      waiters.get(0).done.get(60, TimeUnit.SECONDS);
    } finally {
      for (Waiter w : waiters) {
        w.close();
      }
    }
  }

  @Test
  void aLockHeldElsewhereEndsTheBackupAfterTheLockTimeout(TestDatabase db, @TempDir Path dir) throws Exception {
    try (Connection holder = db.connect()) {
      holder.setAutoCommit(false);
      int pid;
      try (Statement s = holder.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        pid = rs.getInt(1);
        s.execute("LOCK TABLE locks.b IN ACCESS EXCLUSIVE MODE");
      }
      PaperclipException e = assertThrows(PaperclipException.class, () -> assertTimeoutPreemptively(HANG,
          () -> service(db, dir, 2, Duration.ofMillis(500)).backup()));
      assertEquals(ErrorCode.BACKUP, e.code());
      assertTrue(e.getMessage().contains("could not lock table locks.b within the lock timeout of 500 ms"), e.getMessage());
      assertTrue(e.getMessage().contains("session " + pid + " "), e.getMessage());
      assertTrue(e.getMessage().contains("holds AccessExclusiveLock"), e.getMessage());
      holder.rollback();
    }
  }
}
