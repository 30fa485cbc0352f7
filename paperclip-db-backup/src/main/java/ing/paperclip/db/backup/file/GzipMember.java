package ing.paperclip.db.backup.file;

import ing.paperclip.db.core.io.Streams;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One gzip member written onto a stream that stays open: {@link #close()} finishes the member
 * (trailer included) and flushes, but does not close the underlying stream, so members can be
 * concatenated. Not thread-safe.
 */
final class GzipMember extends GZIPOutputStream {
  /**
   * Starts a member (writes its header).
   *
   * @param out the destination, not closed by this stream
   * @param level the deflate level, 0..9
   */
  GzipMember(OutputStream out, int level) throws IOException {
    super(Streams.nonClosing(out), 64 * 1024);
    def.setLevel(level);
  }
}
