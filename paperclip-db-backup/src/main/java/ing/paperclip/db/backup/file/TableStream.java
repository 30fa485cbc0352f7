package ing.paperclip.db.backup.file;

import ing.paperclip.db.backup.internal.Sha256;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Passes COPY text output through while counting and hashing the bytes (the server counts the
 * rows: no per-row work here). Aborts with
 * {@link InterruptedIOException} when the writing thread is interrupted. Not thread-safe.
 */
final class TableStream extends OutputStream {
  private final OutputStream out;
  private final MessageDigest digest = Sha256.newDigest();
  private long bytes;
  private int last = '\n';

  /** Wraps {@code out}, which {@link #close()} does not close. */
  TableStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("backup interrupted");
    }
    if (len == 0) {
      return;
    }
    bytes += len;
    last = b[off + len - 1];
    digest.update(b, off, len);
    out.write(b, off, len);
  }

  /** Returns the bytes seen. */
  public long bytes() {
    return bytes;
  }

  /** Tells whether the data seen so far ends with a complete line (or is empty). */
  public boolean endsWithNewline() {
    return last == '\n';
  }

  /** Returns the hex SHA-256 of the bytes seen; call once, at the end. */
  public String sha256() {
    return Sha256.hex(digest);
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
