package ing.paperclip.db.backup.file;

import ing.paperclip.db.backup.internal.CountingOutputStream;
import ing.paperclip.db.backup.internal.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The uncompressed text of a backup on its way into the file: counts every body byte and
 * computes the body checksum for the manifest (format 2: {@link BackupFormat}), and compresses the
 * text as gzip members. Text goes through {@link #text()} (written and hashed); COPY rows through
 * {@link #unhashed()} (written only) with their checksum line through {@link #hashOnly()}. Parts
 * compressed elsewhere (parallel workers' {@link Spool}s) are appended as whole members, with the
 * text they stand for in the checksum given by the caller: they are never read again. Used by one
 * thread. Not thread-safe. Only {@link BackupWriter} uses it: engines write through the writer.
 */
final class BackupBody {
  private final CountingOutputStream file;
  private final int level;
  private final MessageDigest digest = Sha256.newDigest();
  private long bodyBytes;
  private GzipMember member;
  private boolean trailerWritten;
  private byte last = '\n';
  private final OutputStream text = new Sink(true, true);
  private final OutputStream unhashed = new Sink(true, false);
  private final OutputStream hashOnly = new Sink(false, true);

  /** Writes to the file and/or the checksum. */
  private final class Sink extends OutputStream {
    private final boolean written;
    private final boolean hashed;

    Sink(boolean written, boolean hashed) {
      this.written = written;
      this.hashed = hashed;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (trailerWritten) {
        throw new IllegalStateException("the backup trailer was already written");
      }
      if (len == 0) {
        return;
      }
      if (hashed) {
        digest.update(b, off, len);
      }
      if (written) {
        bodyBytes += len;
        last = b[off + len - 1];
        member().write(b, off, len);
      }
    }
  }

  /**
   * Creates a body writer.
   *
   * @param file the compressed destination (not closed here)
   * @param level the deflate level
   */
  BackupBody(OutputStream file, int level) {
    // counts the compressed bytes: the body starts the file, so the count is a member's offset
    this.file = new CountingOutputStream(file);
    this.level = level;
  }

  private GzipMember member() throws IOException {
    if (member == null) {
      member = new GzipMember(file, level);
    }
    return member;
  }

  /** Returns the stream of body text: everything written to it is hashed and compressed. */
  OutputStream text() {
    return text;
  }

  /** Returns the stream for COPY rows: compressed and counted, not hashed. */
  OutputStream unhashed() {
    return unhashed;
  }

  /** Returns the stream of checksum-only text (a block's checksum line): hashed, not written. */
  OutputStream hashOnly() {
    return hashOnly;
  }

  /** Writes one line of body text and its {@code \n}. */
  void line(String line) throws IOException {
    text.write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Writes SQL text, adding a {@code \n} if it does not end with one. */
  void sql(String sql) throws IOException {
    text.write((sql.endsWith("\n") ? sql : sql + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Appends a spool holding exactly one complete gzip member of body text, copying its compressed
   * bytes as they are.
   *
   * @param spool the member
   * @param textBytes the number of text bytes it holds (ends with a line break)
   * @param hashed what the member's text contributes to the body checksum
   * @return where the member starts in the file (its length is {@link Spool#size()})
   */
  long appendMember(Spool spool, long textBytes, byte[] hashed) throws IOException {
    if (trailerWritten) {
      throw new IllegalStateException("the backup trailer was already written");
    }
    endMember();
    long offset = file.count();
    spool.copyTo(file);
    digest.update(hashed);
    bodyBytes += textBytes;
    last = '\n';
    return offset;
  }

  private void endMember() throws IOException {
    if (member != null) {
      member.close();
      member = null;
    }
  }

  /** Tells whether the body written so far is empty or ends with a line break. */
  boolean lastByteIsNewline() {
    return last == '\n';
  }

  /** Returns the number of body bytes written so far. */
  long bodyBytes() {
    return bodyBytes;
  }

  /**
   * Writes the manifest line and the end line (not part of the body), then finishes the last
   * gzip member and flushes the file stream.
   *
   * @param manifestJson the one-line manifest JSON
   */
  void finish(String manifestJson) throws IOException {
    if (manifestJson.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("the manifest must be one line");
    }
    trailerWritten = true;
    GzipMember m = member();
    m.write((BackupFormat.MANIFEST_PREFIX + manifestJson + "\n" + BackupFormat.END_LINE + "\n")
        .getBytes(StandardCharsets.UTF_8));
    endMember();
    file.flush();
  }

  /** Returns the hex SHA-256 of the body; call once, before {@link #finish}. */
  String bodySha256() {
    try {
      return Sha256.hex((MessageDigest) digest.clone());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
    }
  }
}
