package ing.paperclip.db.backup.internal;

import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.BackupManifest.TableEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Watches the uncompressed text of a backup (ours or pg_dump's plain output) as it streams and
 * computes each {@code COPY ... FROM stdin} block's row count and SHA-256 without holding rows in
 * memory. A {@code COPY} line opens a block only when it follows a {@code -- data:} line (our
 * engine) or a pg_dump {@code Type: TABLE DATA} comment, with only comments or blank lines in
 * between, and, in files with {@code -- section:} lines, only inside the data section, so that SQL
 * text that merely looks like COPY (a function body) is not mistaken for data. Optionally writes
 * the text as format 2's body checksum covers it (see {@link BackupFormat}): every byte outside
 * COPY rows, and for each block's rows the line of their SHA-256. Not thread-safe.
 */
public final class ScriptScanner extends OutputStream {
  /** Lines outside COPY blocks longer than this are not captured (they are never control lines). */
  private static final int HEAD_CAP = 1 << 20;

  /** Receives every line outside COPY blocks. */
  public interface Listener {
    /**
     * Called for each complete line outside COPY data.
     *
     * @param lineNumber 1-based line number
     * @param line the line without its line break, or null if longer than the capture limit
     */
    void line(long lineNumber, String line);
  }

  private static final byte[] NEWLINE = {'\n'};

  private final Listener listener;
  private final OutputStream skeleton;
  private final List<TableEntry> tables = new ArrayList<>();
  private final byte[] head = new byte[HEAD_CAP];
  private int headLen;
  private boolean headOverflow;
  private long lineNumber;
  private boolean armed;
  /** Our engine marks sections; once seen, blocks are only accepted in the data section. */
  private boolean sectionsSeen;
  private boolean inDataSection;
  private boolean inCopy;
  private CopyLine block;
  private final MessageDigest digest = Sha256.newDigest();
  private long rows;
  private final byte[] pending = new byte[3];
  private int pendingLen;
  private boolean decided;
  private long copyStartLine;
  /** Text offsets: bytes written before the current call, the current line's start, the armed line's. */
  private long written;
  private long lineStart;
  private long nextLineStart;
  private long armedAt;
  private final List<long[]> blockRanges = new ArrayList<>();
  /** Framed text still to pass over whole: an entry's SQL, or a block's COPY statement (collected). */
  private long skip;
  private long collect;
  private final java.io.ByteArrayOutputStream copyText = new java.io.ByteArrayOutputStream();
  private byte lastFramed = '\n';
  private final List<String> framingErrors = new ArrayList<>();

  /** Creates a scanner; {@code listener} may be null. */
  public ScriptScanner(Listener listener) {
    this(listener, null);
  }

  /**
   * Creates a scanner that also writes the text with every block's rows replaced by their
   * checksum line to {@code skeleton}.
   *
   * @param listener receives lines outside blocks, or null
   * @param skeleton receives the text format 2's body checksum covers, or null
   */
  public ScriptScanner(Listener listener, OutputStream skeleton) {
    this.listener = listener;
    this.skeleton = skeleton;
  }

  /** Returns the blocks completed so far, in file order. */
  public List<TableEntry> tables() {
    return List.copyOf(tables);
  }

  /**
   * Returns where each completed block lies in the text, in file order: from the start of its
   * {@code -- data:} (or pg_dump comment) line to the end of its end-marker line.
   */
  public List<long[]> blockRanges() {
    return blockRanges.stream().map(long[]::clone).toList();
  }

  /** Returns the places where framed text did not end as its entry or data line said. */
  public List<String> framingErrors() {
    return List.copyOf(framingErrors);
  }

  /** Returns the number of blocks completed so far. */
  public int blockCount() {
    return tables.size();
  }

  /** Returns the last completed block; call only when {@link #blockCount()} is positive. */
  public TableEntry lastBlock() {
    return tables.get(tables.size() - 1);
  }

  /** Tells whether the scanner is inside a COPY block (at the end of input: a truncated block). */
  public boolean inCopy() {
    return inCopy;
  }

  /** Returns the table of the open COPY block, if any. */
  public Optional<String> openBlock() {
    return inCopy ? Optional.of(block.schema() + "." + block.table()) : Optional.empty();
  }

  /** Returns the line where the open COPY block started, or 0. */
  public long openBlockLine() {
    return inCopy ? copyStartLine : 0;
  }

  /** Tells whether the input so far ends in the middle of a line. */
  public boolean partialLine() {
    return inCopy ? (pendingLen > 0 || decided) : (headLen > 0 || headOverflow);
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    int end = off + len;
    int pos = off;
    long base = written;
    written += len;
    while (pos < end) {
      if (skip > 0 || collect > 0) {
        int n = (int) Math.min(skip > 0 ? skip : collect, end - pos);
        emit(b, pos, n);
        lineNumber += Newlines.count(b, pos, pos + n);
        lastFramed = b[pos + n - 1];
        if (skip > 0) {
          skip -= n;
        } else {
          copyText.write(b, pos, n);
          collect -= n;
        }
        pos += n;
        lineStart = base + (pos - off);
        if (skip == 0 && collect == 0) {
          framedEnd();
        }
        continue;
      }
      if (inCopy && pendingLen == 0 && !decided) {
        // Fast path: complete data lines that cannot be the end marker are hashed in one span.
        int span = pos;
        long n = 0;
        while (span < end && !(b[span] == '\\' && (span + 1 >= end || b[span + 1] == '.'))) {
          int nl = Newlines.indexOf(b, span, end);
          if (nl == end) {
            break;
          }
          span = nl + 1;
          n++;
        }
        if (n > 0) {
          digest.update(b, pos, span - pos);
          rows += n;
          lineNumber += n;
          pos = span;
          lineStart = base + (span - off);
          continue;
        }
      }
      int nl = Newlines.indexOf(b, pos, end);
      segment(b, pos, nl - pos);
      if (nl < end) {
        nextLineStart = base + (nl + 1 - off);
        endLine();
        lineStart = nextLineStart;
        pos = nl + 1;
      } else {
        pos = end;
      }
    }
  }

  /** Framed text is complete: it must end a line; a COPY statement opens its block. */
  private void framedEnd() {
    boolean wasCopy = copyText.size() > 0;
    String text = wasCopy ? copyText.toString(StandardCharsets.UTF_8) : null;
    copyText.reset();
    if (lastFramed != '\n') {
      framingErrors.add("the text framed before line " + lineNumber + " does not end a line");
      return;
    }
    if (!wasCopy) {
      return;
    }
    Optional<CopyLine> copy = CopyLine.parse(text.substring(0, text.length() - 1));
    if (copy.isEmpty()) {
      framingErrors.add("the COPY statement of the data line before line " + lineNumber + " is not one");
      return;
    }
    open(copy.get());
  }

  /** Opens a block: the lines that follow are its rows. */
  private void open(CopyLine copy) {
    block = copy;
    inCopy = true;
    rows = 0;
    digest.reset();
    copyStartLine = lineNumber;
    armed = false;
  }

  /** The {@code bytes} field of an entry or data line's JSON, or -1 when it has none. */
  private static long framed(String line, String prefix) {
    try {
      com.fasterxml.jackson.databind.JsonNode n = Json.MAPPER.readTree(line.substring(prefix.length()))
          .path(BackupFormat.FRAME_BYTES);
      return n.canConvertToLong() && n.asLong() > 0 ? n.asLong() : -1;
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  private void segment(byte[] b, int off, int len) {
    if (len == 0) {
      return;
    }
    if (!inCopy) {
      emit(b, off, len);
      if (!headOverflow) {
        if (headLen + len <= HEAD_CAP) {
          System.arraycopy(b, off, head, headLen, len);
          headLen += len;
        } else {
          headOverflow = true;
        }
      }
      return;
    }
    int i = off;
    int end = off + len;
    while (!decided && i < end) {
      pending[pendingLen++] = b[i++];
      if (pending[0] != '\\' || (pendingLen >= 2 && pending[1] != '.') || pendingLen == 3) {
        if (pendingLen == 3 && pending[0] == '\\' && pending[1] == '.' && pending[2] == '\r') {
          framingErrors.add("line " + (lineNumber + 1) + " in the rows of " + block.schema() + "."
              + block.table() + " is \\. and a carriage return, which psql takes for the end of the rows");
        }
        decided = true;
        digest.update(pending, 0, pendingLen);
      }
    }
    if (i < end) {
      digest.update(b, i, end - i);
    }
  }

  private void endLine() {
    lineNumber++;
    if (inCopy) {
      if (!decided && pendingLen == 2 && pending[0] == '\\' && pending[1] == '.') {
        String sha = Sha256.hex(digest);
        tables.add(new TableEntry(block.schema(), block.table(), rows, sha));
        blockRanges.add(new long[] {armedAt, nextLineStart});
        byte[] standIn = BackupFormat.rowsChecksumText(sha);
        emit(standIn, 0, standIn.length);
        inCopy = false;
        block = null;
      } else {
        if (!decided) {
          digest.update(pending, 0, pendingLen);
        }
        digest.update((byte) '\n');
        rows++;
      }
      pendingLen = 0;
      decided = false;
      return;
    }
    emit(NEWLINE, 0, 1);
    String line = headOverflow ? null : new String(head, 0, headLen, StandardCharsets.UTF_8);
    headLen = 0;
    headOverflow = false;
    if (listener != null) {
      listener.line(lineNumber, line);
    }
    if (line == null) {
      armed = false;
      return;
    }
    if (armed && line.startsWith("COPY ")) {
      Optional<CopyLine> copy = CopyLine.parse(line);
      if (copy.isPresent()) {
        open(copy.get());
        return;
      }
    }
    if (line.startsWith(BackupFormat.SECTION_PREFIX)) {
      sectionsSeen = true;
      inDataSection = line.equals(BackupFormat.SECTION_PREFIX + "data");
    }
    boolean dataAllowed = !sectionsSeen || inDataSection;
    if (line.startsWith(BackupFormat.ENTRY_PREFIX)) {
      skip = Math.max(0, framed(line, BackupFormat.ENTRY_PREFIX));
    } else if (dataAllowed && line.startsWith(BackupFormat.DATA_PREFIX)) {
      long n = framed(line, BackupFormat.DATA_PREFIX);
      if (n > HEAD_CAP) {
        framingErrors.add("the data line at line " + lineNumber + " frames a COPY statement of " + n + " bytes");
      } else if (n > 0) {
        collect = n;
        armedAt = lineStart;
        armed = false;
        return;
      }
    }
    if (dataAllowed && (line.startsWith(BackupFormat.DATA_PREFIX)
        || (line.startsWith("-- Data for Name: ") && line.contains("; Type: TABLE DATA;")))) {
      armed = true;
      armedAt = lineStart;
    } else if (!(line.isEmpty() || line.startsWith("--"))) {
      armed = false;
    }
  }

  private void emit(byte[] b, int off, int len) {
    if (skeleton != null && len > 0) {
      try {
        skeleton.write(b, off, len);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
