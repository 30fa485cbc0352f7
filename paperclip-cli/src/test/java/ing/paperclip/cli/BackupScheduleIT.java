package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.schedule.InstanceLock;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code db backup --every} against a real server: a stuck run is cancelled by {@code --timeout}
 * with its connections gone, and backups and restores respect the instance lock.
 */
@WithPostgres
class BackupScheduleIT {
  @TempDir
  Path home;

  record Run(int code, String out, String err) {}

  private Run run(TestDatabase db, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("PAPERCLIP_HOME", home.toString());
    env.put("DATABASE_URL", db.spec().libpqUri());
    if (!"restore".equals(args[1])) {
      env.put("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    }
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  private static List<Path> files(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".sql.gz") || p.getFileName().toString().contains("tmp"))
          .toList();
    }
  }

  /** Sessions of this database with the application name, waiting briefly for aborted ones to end. */
  private static long sessions(TestDatabase db, String applicationName) throws Exception {
    long n = -1;
    for (int i = 0; i < 100 && n != 0; i++) {
      try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '"
              + applicationName + "'")) {
        rs.next();
        n = rs.getLong(1);
      }
      if (n != 0) {
        Thread.sleep(100);
      }
    }
    return n;
  }

  @Test
  void aStuckScheduledRunIsCancelledByItsTimeoutAndItsConnectionsAreGone(TestDatabase db) throws Exception {
    assertEquals(0, run(db, "db", "migrate").code());
    Path dir = home.resolve("stuck");
    try (Connection holder = db.connect(); Statement s = holder.createStatement()) {
      holder.setAutoCommit(false);
      s.execute("LOCK TABLE public.companies IN ACCESS EXCLUSIVE MODE");
      // the backup would wait 10 minutes for the lock: only the scheduler's timeout can end it
      Run r = run(db, "db", "backup", "--every", "1h", "--runs", "1", "--timeout", "2s", "--lock-timeout", "10m",
          "--dir", dir.toString());
      assertEquals(7, r.code(), r.err());
      assertTrue(r.err().contains("scheduled backup timed out") && r.err().contains("cancelled"), r.err());
      assertEquals(0, sessions(db, "paperclip-db backup"), "the cancelled run's connections were aborted");
      assertEquals(0, sessions(db, "paperclip-db instance lock"), "the run's lock was released");
      assertEquals(List.of(), files(dir), "no file, no temp file");
      holder.rollback();
    }
    Run ok = run(db, "db", "backup", "--every", "1h", "--runs", "1", "--timeout", "2m", "--dir", dir.toString());
    assertEquals(0, ok.code(), ok.err());
    assertEquals(1, files(dir).size());
  }

  @Test
  void aScheduledBackupDuringARestoreIsSkippedVisiblyAndARestoreWaitsForBackups(TestDatabase db) throws Exception {
    assertEquals(0, run(db, "db", "migrate").code());
    Path dir = home.resolve("locked");
    InstanceLock lock = new InstanceLock(db.spec());
    InstanceLock.Lease restore = lock.acquireRestore(Duration.ofSeconds(5), who -> { });
    try {
      Run scheduled = run(db, "db", "backup", "--every", "1h", "--runs", "1", "--dir", dir.toString());
      assertEquals(13, scheduled.code(), scheduled.err());
      assertTrue(scheduled.err().contains("scheduled backup skipped") && scheduled.err().contains("a restore"),
          scheduled.err());
      Run once = run(db, "db", "backup", "--dir", dir.toString());
      assertEquals(13, once.code(), once.err());
      assertTrue(once.err().contains("refusing to back up") && once.err().contains("a restore"), once.err());
      assertEquals(List.of(), files(dir));
    } finally {
      restore.close();
    }
    Run after = run(db, "db", "backup", "--every", "1h", "--runs", "1", "--dir", dir.toString());
    assertEquals(0, after.code(), after.err());
    Path file = files(dir).get(0);

    TestDatabase target = db.sibling("lock_target");
    try {
      InstanceLock targetLock = new InstanceLock(target.spec());
      InstanceLock.Lease backup = targetLock.tryBackup().orElseThrow();
      try {
        Run refused = run(target, "db", "restore", file.toString(), "--backup-wait", "1s");
        assertEquals(13, refused.code(), refused.err());
        assertTrue(refused.err().contains("waiting for a running backup"), refused.err());
        assertTrue(refused.err().contains("refusing to restore") && refused.err().contains("nothing was changed"),
            refused.err());
        try (Connection c = target.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")) {
          rs.next();
          assertEquals(0, rs.getLong(1), "the target is untouched");
        }
      } finally {
        backup.close();
      }
      Run restored = run(target, "db", "restore", file.toString());
      assertEquals(0, restored.code(), restored.err());
      assertTrue(restored.out().matches("(?s).*\\nverified [1-9][0-9]* tables, [0-9]+ rows, [0-9]+ sequences\\n.*"), restored.out());
    } finally {
      target.dropInBackground();
    }
  }
}
