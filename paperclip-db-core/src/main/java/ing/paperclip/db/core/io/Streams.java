package ing.paperclip.db.core.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/** Stream adapters shared by the modules. Static methods only. */
public final class Streams {
  private Streams() {}

  /**
   * Returns a view of {@code out} whose {@code close()} only flushes: for a stream that must be
   * closed to write its end (a gzip member's trailer, a tar archive's last blocks) on a
   * destination that stays open (more members follow, the channel is synced). Writes pass through
   * whole, not byte by byte as {@link FilterOutputStream}'s would.
   *
   * @param out the destination, never closed through the view
   */
  public static OutputStream nonClosing(OutputStream out) {
    Objects.requireNonNull(out, "out");
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
