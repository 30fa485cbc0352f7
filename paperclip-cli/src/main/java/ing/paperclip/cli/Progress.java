package ing.paperclip.cli;

import ing.paperclip.db.backup.BackupListener;
import ing.paperclip.db.backup.restore.RestoreListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Progress of long work drawn as one {@link ProgressLine} on standard error. Silent when no person
 * is at a terminal, when standard error is not a terminal (redirected to a file or a pipe), or
 * when JSON output was asked for. Close the returned listener when the work ends, also on failure,
 * so that what follows starts on a line of its own.
 */
public final class Progress {
  private Progress() {}

  /** A backup listener that draws progress (or nothing); close it when the backup ends. */
  public interface Backup extends BackupListener, AutoCloseable {
    @Override
    void close();
  }

  /** A restore listener that draws progress (or nothing); close it when the restore ends. */
  public interface Restore extends RestoreListener, AutoCloseable {
    @Override
    void close();
  }

  /** Tells whether progress is drawn: a person at a terminal that standard error also goes to, and no JSON. */
  public static boolean shown(CliContext ctx, boolean json) {
    return !json && ctx.interactive() && stderrIsTerminal();
  }

  /** Returns a backup listener that draws progress, or one that does nothing. */
  public static Backup forBackup(CliContext ctx, boolean json) {
    if (!shown(ctx, json)) {
      return () -> { };
    }
    return backup(new ProgressLine(ctx.err(), "backup", System::nanoTime));
  }

  /** Returns a restore listener that draws progress, or one that does nothing. */
  public static Restore forRestore(CliContext ctx, boolean json) {
    if (!shown(ctx, json)) {
      return () -> { };
    }
    return restore(new ProgressLine(ctx.err(), "restore", System::nanoTime));
  }

  /** A backup listener drawing on {@code line}: a bar by tables (a backup's size is not known in advance). */
  static Backup backup(ProgressLine line) {
    return new Backup() {
      private int done;
      private int total = -1;

      @Override
      public void started(String engine, int tables) {
        total = tables;
        line.tablesTotal(tables);
      }

      @Override
      public void tableDone(String qualifiedName, long rows, long bodyBytes) {
        line.tableDone(++done, total, rows, bodyBytes);
      }

      @Override
      public void close() {
        line.close();
      }
    };
  }

  /** A restore listener drawing on {@code line}: a bar by bytes of the file's data once they are reported. */
  static Restore restore(ProgressLine line) {
    return new Restore() {
      @Override
      public void tableDone(String name, long rows, int done, int total, long bytes) {
        line.tableDone(done, total, rows, bytes);
      }

      @Override
      public void dataProgress(long bytesDone, long bytesTotal) {
        line.bytes(bytesDone, bytesTotal);
      }

      @Override
      public void close() {
        line.close();
      }
    };
  }

  /**
   * Tells whether standard error is a terminal, where the system says (Linux: what file descriptor
   * 2 refers to); elsewhere assumed when a console is attached.
   */
  static boolean stderrIsTerminal() {
    Path fd = Path.of("/proc/self/fd/2");
    if (!Files.exists(fd, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    try {
      String target = Files.readSymbolicLink(fd).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException e) {
      return true;
    }
  }
}
