package ing.paperclip.cli;

import ing.paperclip.db.backup.BackupListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress display on standard error for long work: tables done / total, rows, bytes,
 * throughput and ETA. Silent when no person is at a terminal or JSON output was asked for.
 */
public final class Progress {
  private Progress() {}

  /** Returns a backup listener that draws progress, or one that does nothing. */
  public static BackupListener forBackup(CliContext ctx, boolean json) {
    if (json || !ctx.interactive()) {
      return BackupListener.NONE;
    }
    return new BackupListener() {
      private final long start = System.nanoTime();
      private int total = -1;
      private int done;
      private long rows;

      @Override
      public void started(String engine, int tables) {
        total = tables;
      }

      @Override
      public void tableDone(String qualifiedName, long tableRows, long bodyBytes) {
        done++;
        rows += tableRows;
        draw(ctx.err(), "backup", done, total, rows, bodyBytes, start);
      }
    };
  }

  /** Draws one progress line (carriage return, no newline) and a newline when finished. */
  public static void draw(PrintWriter err, String what, int done, int total, long rows, long bytes, long startNanos) {
    double secs = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
    double mbps = bytes / 1e6 / secs;
    String eta = total > 0 && done > 0 && done < total
        ? String.format(Locale.ROOT, ", ETA %.0f s", secs / done * (total - done)) : "";
    err.printf(Locale.ROOT, "\r%s: %d/%s tables, %,d rows, %.1f MB, %.1f MB/s%s   ", what, done,
        total < 0 ? "?" : Integer.toString(total), rows, bytes / 1e6, mbps, eta);
    if (total > 0 && done >= total) {
      err.println();
    }
    err.flush();
  }
}
