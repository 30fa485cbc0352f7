package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.schedule.CancelSignal;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Failures leave no file behind and say what went wrong in one line. */
@WithPostgres
class BackupFailureIT {
  static final List<String> DDL = List.of("CREATE SCHEMA s;",
      "CREATE TABLE s.big1 (id int, t text);", "CREATE TABLE s.big2 (id int, t text);",
      "CREATE TABLE s.big3 (id int, t text);");

  @BeforeAll
  static void load(TestDatabase db) {
    db.execute(String.join("\n", DDL));
    for (int i = 1; i <= 3; i++) {
      db.execute("INSERT INTO s.big" + i + " SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 300000) g");
    }
  }

  private static BackupService service(TestDatabase db, Path dir, int jobs) {
    return new BackupService(db.spec(), dir, new TestScripter(List.of("s"), DDL, List.of(), List.of()),
        BackupOptions.builder().jobs(jobs).build());
  }

  @Test
  void aDirectoryThatCannotBeCreatedFailsClearly(TestDatabase db, @TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> service(db, file.resolve("backups"), 1).backup());
    assertEquals(ErrorCode.IO, e.code());
    assertTrue(e.getMessage().contains(file.resolve("backups").toString()), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertEquals(List.of(file), ItSupport.listDir(tmp));
  }

  @Test
  void aReadOnlyDirectoryFailsClearly(TestDatabase db, @TempDir Path tmp) throws Exception {
    Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
        "root ignores directory permissions");
    Path dir = Files.createDirectory(tmp.resolve("ro"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
    try {
      PaperclipException e = assertThrows(PaperclipException.class, () -> service(db, dir, 1).backup());
      assertEquals(ErrorCode.IO, e.code());
      assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
      assertEquals(List.of(), ItSupport.listDir(dir));
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void aConnectionKilledMidBackupLeavesNoFile(int jobs, TestDatabase db, @TempDir Path dir)
      throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger killed = new AtomicInteger();
    Thread killer = new Thread(() -> {
      try (Connection c = db.connect(); Statement s = c.createStatement()) {
        while (!done.get() && killed.get() == 0) {
          try (ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
              + " WHERE application_name = 'paperclip-db backup' AND datname = current_database()"
              + " AND query LIKE 'COPY%' AND state = 'active'")) {
            rs.next();
            killed.addAndGet(rs.getInt(1));
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    killer.start();
    PaperclipException e;
    try {
      e = assertThrows(PaperclipException.class, () -> service(db, dir, jobs).backup());
    } finally {
      done.set(true);
      killer.join();
    }
    assertTrue(killed.get() > 0);
    assertEquals(ErrorCode.BACKUP, e.code(), e.getMessage());
    assertTrue(e.getMessage().startsWith("backup of postgres://"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertEquals(List.of(), ItSupport.listDir(dir), "no final, temporary or spool file remains");
  }

  @Test
  void cancellingUnblocksABackupWaitingForALock(TestDatabase db, @TempDir Path dir) throws Exception {
    try (Connection locker = db.connect(); Statement s = locker.createStatement()) {
      locker.setAutoCommit(false);
      s.execute("LOCK TABLE s.big2 IN ACCESS EXCLUSIVE MODE");
      CancelSignal signal = new CancelSignal();
      Thread canceller = new Thread(() -> {
        try {
          Thread.sleep(700);
        } catch (InterruptedException e) {
          return;
        }
        signal.cancel("timed out after 700 ms");
      });
      canceller.start();
      PaperclipException e = assertThrows(PaperclipException.class,
          () -> service(db, dir, 2).backup(BackupListener.NONE, signal));
      canceller.join();
      assertEquals(ErrorCode.BACKUP, e.code());
      assertTrue(e.getMessage().contains("was cancelled (timed out after 700 ms)"), e.getMessage());
      assertEquals(List.of(), ItSupport.listDir(dir));
      locker.rollback();
    }
  }

  @Test
  void anInterruptedBackupLeavesNoFile(TestDatabase db, @TempDir Path dir) throws Exception {
    BackupListener interrupt = new BackupListener() {
      @Override
      public void tableDone(String qualifiedName, long rows, long bodyBytes) {
        Thread.currentThread().interrupt();
      }
    };
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> service(db, dir, 1).backup(interrupt));
    assertTrue(Thread.interrupted(), "the interrupt flag is kept");
    assertEquals(ErrorCode.BACKUP, e.code());
    assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
    assertEquals(List.of(), ItSupport.listDir(dir));
  }
}
