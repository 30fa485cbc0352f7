package ing.paperclip.db.backup.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that shows each chunk it returns to {@link #observe} first (to copy, count or check
 * what a reader such as {@link ing.paperclip.db.core.sql.SqlScriptReader} consumes). Every read
 * goes through {@link #read(byte[], int, int)}; skipping reads too. Not thread-safe.
 */
public abstract class ObservedInputStream extends FilterInputStream {
  /** Observes {@code in}; closing this stream closes it. */
  protected ObservedInputStream(InputStream in) {
    super(in);
  }

  /**
   * Sees bytes just read, before the caller does; what it throws fails the read.
   *
   * @param b the caller's buffer
   * @param off where the bytes start
   * @param len how many were read, at least 1
   */
  protected abstract void observe(byte[] b, int off, int len) throws IOException;

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      observe(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] b = new byte[(int) Math.min(Math.max(n, 0), 8192)];
    int k = read(b, 0, b.length);
    return Math.max(k, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
