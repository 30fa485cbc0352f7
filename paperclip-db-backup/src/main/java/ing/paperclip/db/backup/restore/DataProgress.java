package ing.paperclip.db.backup.restore;

/**
 * The byte progress of a restore's row data, reported to {@link RestoreListener#dataProgress}:
 * bytes of the file read for the rows (compressed, as on disk) out of the plan's
 * {@link RestorePlan#dataBytes()}. Thread-safe: workers of a parallel restore add what each read;
 * the listener sees a total that never goes backwards, at most every {@link #STEP} bytes and once
 * at the end.
 */
final class DataProgress {
  /** How many bytes between two reports. */
  static final long STEP = 256 * 1024;

  private final RestoreListener listener;
  private final long total;
  private long done;
  private long reported;

  DataProgress(RestoreListener listener, long total) {
    this.listener = listener;
    this.total = total;
  }

  /** Adds bytes read; reports when {@link #STEP} bytes passed since the last report. */
  synchronized void add(long bytes) {
    if (bytes <= 0) {
      return;
    }
    done += bytes;
    if (done - reported >= STEP) {
      report();
    }
  }

  /** Reports the last bytes read, if not reported yet. */
  synchronized void finish() {
    if (done != reported) {
      report();
    }
  }

  synchronized long done() {
    return done;
  }

  private void report() {
    reported = done;
    listener.dataProgress(done, total);
  }
}
