package ing.paperclip.db.backup.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decompresses a gzip file of one or more concatenated members, strictly: unlike
 * {@link java.util.zip.GZIPInputStream} it rejects trailing bytes that are not another member,
 * and reports truncation as {@link EOFException} and damage as {@link ZipException} with a message
 * that names the member. It records where each member lies, compressed and decompressed, so that
 * a verifier can check the offsets a manifest records against the stream itself; with
 * {@code plainHeaders} it refuses the optional header fields (extra field, file name, comment,
 * header CRC) that paperclip-db never writes and that can hide bytes from a sequential reader.
 * Not thread-safe; {@link #memberList()} may be read by another thread after the end.
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
  private final boolean plainHeaders;
  private final List<Member> memberList = Collections.synchronizedList(new ArrayList<>());
  private long memberStart;
  private long textStart;
  private long textOut;
  private int memberFlags;
  /** Bit set in {@link Member#flags} when MTIME, XFL or OS differ from what our writer writes. */
  public static final int NOT_OUR_HEADER = 0x100;
  /** The ten header bytes of a member written by {@link java.util.zip.GZIPOutputStream}. */
  private static final int[] OUR_HEADER = ourHeader();

  private static int[] ourHeader() {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(b)) {
      g.finish();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    byte[] h = b.toByteArray();
    int[] out = new int[10];
    for (int i = 0; i < 10; i++) {
      out[i] = h[i] & 0xff;
    }
    return out;
  }

  /**
   * One member as it lies in the stream.
   *
   * @param offset where its header starts in the compressed stream
   * @param length its compressed length, header and trailer included
   * @param textStart where its data starts in the decompressed text
   * @param textEnd where its data ends in the decompressed text
   * @param flags its header's FLG byte (0 when it has no optional fields), plus {@link #NOT_OUR_HEADER}
   *     when its time, extra flags or system byte are not what our writer writes
   */
  public record Member(long offset, long length, long textStart, long textEnd, int flags) {}

  /** Wraps a compressed stream, accepting any header fields; {@link #close()} closes it. */
  public StrictGzipInputStream(InputStream in) {
    this(in, false);
  }

  /**
   * Wraps a compressed stream; {@link #close()} closes it.
   *
   * @param plainHeaders refuse members whose header has optional fields
   */
  public StrictGzipInputStream(InputStream in, boolean plainHeaders) {
    this.in = in;
    this.plainHeaders = plainHeaders;
  }

  /** Returns the complete members read so far, in order. */
  public List<Member> memberList() {
    synchronized (memberList) {
      return List.copyOf(memberList);
    }
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
        textOut += n;
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
    memberStart = compressedBytes();
    textStart = textOut;
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
    if (plainHeaders && flags != 0) {
      throw new ZipException("gzip member " + (members + 1) + " has header fields (extra field, name,"
          + " comment or header CRC) that paperclip-db never writes: the file was altered");
    }
    // MTIME, XFL and OS: no checksum covers them, so a flipped bit there would go unnoticed;
    // anything but what our writer puts there counts as a header field we never write.
    boolean plain = true;
    for (int i = 0; i < 6; i++) {
      plain &= rawByte(false) == OUR_HEADER[4 + i];
    }
    if (plainHeaders && !plain) {
      throw new ZipException("gzip member " + (members + 1) + " has a header (time, flags or system byte)"
          + " that paperclip-db never writes: the file was altered");
    }
    memberFlags = flags | (plain ? 0 : NOT_OUR_HEADER);
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
    memberList.add(new Member(memberStart, compressedBytes() - memberStart, textStart, textOut, memberFlags));
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
