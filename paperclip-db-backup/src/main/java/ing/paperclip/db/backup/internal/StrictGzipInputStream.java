package ing.paperclip.db.backup.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decompresses a gzip file of one or more concatenated members, strictly: unlike
 * {@link java.util.zip.GZIPInputStream} it rejects trailing bytes that are not another member,
 * and reports truncation as {@link EOFException} and damage as {@link ZipException} with a message
 * that names the member. Not thread-safe.
 */
public final class StrictGzipInputStream extends InputStream {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int bufPos;
  private int bufLen;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private long memberOut;
  private int members;
  private boolean inMember;
  private boolean eof;
  private long compressedRead;

  /** Wraps a compressed stream; {@link #close()} closes it. */
  public StrictGzipInputStream(InputStream in) {
    this.in = in;
  }

  /** Returns the number of complete gzip members read so far. */
  public int members() {
    return members;
  }

  /** Returns the number of compressed bytes consumed so far. */
  public long compressedBytes() {
    return compressedRead - (bufLen - bufPos);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (eof) {
        return -1;
      }
      if (!inMember) {
        if (!startMember()) {
          eof = true;
          return -1;
        }
      }
      int n;
      try {
        n = inflater.inflate(b, off, len);
      } catch (DataFormatException e) {
        throw new ZipException("corrupt compressed data in gzip member " + (members + 1)
            + " (" + e.getMessage() + ")");
      }
      if (n > 0) {
        crc.update(b, off, n);
        memberOut += n;
        return n;
      }
      if (inflater.finished()) {
        bufPos = bufLen - inflater.getRemaining();
        readTrailer();
        continue;
      }
      if (inflater.needsDictionary()) {
        throw new ZipException("gzip member " + (members + 1) + " needs a preset dictionary");
      }
      if (inflater.needsInput()) {
        if (bufPos >= bufLen && !fill()) {
          throw new EOFException("truncated: the gzip data ends inside member " + (members + 1));
        }
        inflater.setInput(buf, bufPos, bufLen - bufPos);
        bufPos = bufLen;
      }
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      bufPos = 0;
      bufLen = 0;
      return false;
    }
    compressedRead += n;
    bufPos = 0;
    bufLen = n;
    return true;
  }

  private int rawByte(boolean allowEof) throws IOException {
    if (bufPos >= bufLen && !fill()) {
      if (allowEof) {
        return -1;
      }
      throw new EOFException("truncated: the gzip data ends inside the header or trailer of member "
          + (members + 1));
    }
    return buf[bufPos++] & 0xff;
  }

  private boolean startMember() throws IOException {
    int id1 = rawByte(members > 0);
    if (id1 < 0) {
      return false;
    }
    int id2 = rawByte(false);
    if (id1 != 0x1f || id2 != 0x8b) {
      throw new ZipException(members == 0 ? "not gzip data (bad magic bytes)"
          : "unexpected bytes after gzip member " + members + " (damaged or appended data)");
    }
    if (rawByte(false) != 8) {
      throw new ZipException("gzip member " + (members + 1) + " uses an unknown compression method");
    }
    int flags = rawByte(false);
    if ((flags & 0xe0) != 0) {
      throw new ZipException("gzip member " + (members + 1) + " has reserved header flags set");
    }
    for (int i = 0; i < 6; i++) {
      rawByte(false);
    }
    if ((flags & FEXTRA) != 0) {
      int xlen = rawByte(false) | (rawByte(false) << 8);
      for (int i = 0; i < xlen; i++) {
        rawByte(false);
      }
    }
    if ((flags & FNAME) != 0) {
      while (rawByte(false) != 0) {
        // skip the original file name
      }
    }
    if ((flags & FCOMMENT) != 0) {
      while (rawByte(false) != 0) {
        // skip the comment
      }
    }
    if ((flags & FHCRC) != 0) {
      rawByte(false);
      rawByte(false);
    }
    inflater.reset();
    crc.reset();
    memberOut = 0;
    inMember = true;
    return true;
  }

  private void readTrailer() throws IOException {
    long storedCrc = readLe32();
    long storedSize = readLe32();
    if (storedCrc != crc.getValue()) {
      throw new ZipException("CRC mismatch in gzip member " + (members + 1)
          + ": the data was altered");
    }
    if (storedSize != (memberOut & 0xffffffffL)) {
      throw new ZipException("size mismatch in gzip member " + (members + 1)
          + ": the data was altered");
    }
    members++;
    inMember = false;
  }

  private long readLe32() throws IOException {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v |= ((long) rawByte(false)) << (8 * i);
    }
    return v;
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }
}
