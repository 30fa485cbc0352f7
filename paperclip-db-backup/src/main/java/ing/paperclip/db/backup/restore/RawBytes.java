package ing.paperclip.db.backup.restore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * The file's bytes as they are read from disk, before any inflating: each read is reported (how
 * many bytes) to a progress, and a member's reader stops at the member's end.
 */
final class RawBytes extends FilterInputStream {
  private final LongConsumer onRead;
  private long left;

  /**
   * @param in the file's bytes
   * @param max how many bytes may be read, at most
   * @param onRead told how many bytes each read returned
   */
  RawBytes(InputStream in, long max, LongConsumer onRead) {
    super(in);
    this.left = max;
    this.onRead = onRead;
  }

  @Override
  public int read() throws IOException {
    if (left <= 0) {
      return -1;
    }
    int b = in.read();
    if (b >= 0) {
      left--;
      onRead.accept(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (left <= 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, left));
    if (n > 0) {
      left -= n;
      onRead.accept(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = in.skip(Math.min(n, left));
    if (s > 0) {
      left -= s;
      onRead.accept(s);
    }
    return s;
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
