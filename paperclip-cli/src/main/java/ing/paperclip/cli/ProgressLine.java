package ing.paperclip.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One progress line on a terminal, redrawn in place: a bar and an ETA by bytes when the total is
 * known (else by tables when their number is), bytes, tables, rows and throughput. Every redraw
 * returns to the line's start ({@code \r}), writes the line and erases what is left of the old one
 * ({@code ESC [K}), so a shorter line leaves no characters behind. Redraws are limited to one per
 * {@link #MIN_REDRAW_NANOS} (the first and the last are always drawn). Thread-safe: a parallel
 * restore reports from several workers.
 */
public final class ProgressLine implements AutoCloseable {
  /** At most this often (nanoseconds) the line is redrawn: 10 times a second. */
  static final long MIN_REDRAW_NANOS = 100_000_000L;
  /** Erases from the cursor to the end of the line. */
  static final String ERASE_TO_END = "\u001b[K";
  private static final int BAR = 20;

  private final PrintWriter err;
  private final String what;
  private final LongSupplier nanos;
  private final long start;
  private long lastDraw = Long.MIN_VALUE;
  private boolean drawn;
  private boolean closed;
  private int tablesDone;
  private int tablesTotal = -1;
  private long rows;
  private long bytesDone;
  private long bytesTotal = -1;
  private boolean byteReports;

  /**
   * Creates a line.
   *
   * @param err where it is drawn (a terminal)
   * @param what the work's name, e.g. {@code restore}
   * @param nanos the clock ({@link System#nanoTime} outside tests)
   */
  public ProgressLine(PrintWriter err, String what, LongSupplier nanos) {
    this.err = err;
    this.what = what;
    this.nanos = nanos;
    this.start = nanos.getAsLong();
  }

  /** Sets the number of tables, or -1 when unknown. */
  public synchronized void tablesTotal(int total) {
    tablesTotal = total;
  }

  /**
   * A table is done.
   *
   * @param done tables done so far
   * @param total tables in all, or -1 when unknown
   * @param tableRows the table's rows
   * @param bytes bytes so far as the table-level report counts them; used only while no {@link
   *     #bytes} report came
   */
  public synchronized void tableDone(int done, int total, long tableRows, long bytes) {
    tablesDone = done;
    tablesTotal = total;
    rows += tableRows;
    if (!byteReports) {
      bytesDone = Math.max(bytesDone, bytes);
    }
    draw(false);
  }

  /**
   * Bytes moved, within a table or across tables.
   *
   * @param done bytes done so far (never going back; a smaller value is ignored)
   * @param total bytes in all, or a negative number when unknown
   */
  public synchronized void bytes(long done, long total) {
    if (!byteReports) {
      // from now on the bytes are the byte reports' own unit
      byteReports = true;
      bytesDone = done;
    }
    bytesDone = Math.max(bytesDone, done);
    bytesTotal = total > 0 ? total : -1;
    draw(false);
  }

  /** Draws the last state (if anything was reported) and ends the line; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (drawn || tablesDone > 0 || bytesDone > 0) {
      draw(true);
      err.println();
      err.flush();
    }
  }

  private void draw(boolean force) {
    if (closed && !force) {
      return;
    }
    long now = nanos.getAsLong();
    if (!force && drawn && now - lastDraw < MIN_REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    drawn = true;
    err.print("\r" + render(now) + ERASE_TO_END);
    err.flush();
  }

  /** The line's text at {@code now} (no control characters). */
  String render(long now) {
    double secs = Math.max(0.001, (now - start) / 1e9);
    double fraction = bytesTotal > 0 ? Math.min(1.0, (double) bytesDone / bytesTotal)
        : tablesTotal > 0 ? Math.min(1.0, (double) tablesDone / tablesTotal) : -1;
    StringBuilder b = new StringBuilder(what);
    if (fraction >= 0) {
      int full = (int) Math.floor(fraction * BAR);
      b.append(" [").append("#".repeat(full)).append("-".repeat(BAR - full)).append(']')
          .append(String.format(Locale.ROOT, " %3d%%", (int) Math.floor(fraction * 100)));
    }
    b.append(' ').append(mb(bytesDone));
    if (bytesTotal > 0) {
      b.append(" of ").append(mb(bytesTotal));
    }
    b.append(" MB, ").append(tablesDone);
    if (tablesTotal >= 0) {
      b.append('/').append(tablesTotal);
    }
    b.append((tablesTotal >= 0 ? tablesTotal : tablesDone) == 1 ? " table, " : " tables, ").append(String.format(Locale.ROOT, "%,d rows", rows));
    b.append(String.format(Locale.ROOT, ", %.1f MB/s", bytesDone / 1e6 / secs));
    if (fraction > 0 && fraction < 1) {
      b.append(", ETA ").append(duration(Math.round(secs * (1 - fraction) / fraction)));
    }
    return b.toString();
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
  }

  static String duration(long seconds) {
    if (seconds < 90) {
      return seconds + " s";
    }
    long h = seconds / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    return h > 0 ? String.format(Locale.ROOT, "%dh%02dm", h, m) : String.format(Locale.ROOT, "%dm%02ds", m, s);
  }
}
