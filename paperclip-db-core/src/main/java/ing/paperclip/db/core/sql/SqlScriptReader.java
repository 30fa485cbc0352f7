package ing.paperclip.db.core.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads a psql script from its UTF-8 bytes: the statements and meta-commands of
 * {@link SqlSplitter} (same lexer, same cuts), and after each {@code COPY ... FROM stdin} the
 * data lines as the file's raw bytes, handed over in large chunks and never decoded, so a
 * multi-gigabyte data section costs no more than a copy. Only the current statement and one
 * buffer are held in memory.
 *
 * <p>The lexer is fed one line at a time, so when a COPY statement ends nothing past its line
 * has been decoded and the data can be taken from the byte buffer directly. Token positions go
 * on counting lines and bytes across the data; their char {@link SqlToken#offset() offsets} count
 * the SQL text only (the data is never decoded, so its characters are not counted). Invalid UTF-8 in SQL
 * text reads as U+FFFD (the data lines pass through unchanged). Not thread-safe; one instance per
 * input; the caller closes the stream.
 */
public final class SqlScriptReader {
  /** Receives a COPY block's data. */
  @FunctionalInterface
  public interface CopySink {
    /**
     * A chunk of data: whole lines with their {@code \n}, possibly ending inside a line the next
     * chunk continues; never the end marker.
     *
     * @param b the buffer, valid only during the call
     * @param off where the chunk starts
     * @param len its length in bytes
     * @param newlines how many {@code \n} the chunk holds
     */
    void accept(byte[] b, int off, int len, int newlines) throws IOException;
  }

  /**
   * How a COPY block ended.
   *
   * @param lines the data lines passed on
   * @param terminated whether the {@code \.} end marker was found (false: the input ended first)
   * @param carriageReturn whether the end marker was {@code \.} and a carriage return, which psql
   *     accepts but COPY never writes
   * @param startLine the 1-based line of the first data line
   */
  public record CopyEnd(long lines, boolean terminated, boolean carriageReturn, long startLine) {}

  private static final int MAX_LINE_SCAN = 1 << 16;

  private final InputStream in;
  private byte[] buf = new byte[1 << 18];
  private int pos;
  private int len;
  private boolean eof;
  private final SqlLexer lexer;
  private final SqlSplitter splitter;
  private boolean copyPending;
  private String copyLineRest;
  private CopySink textSink;

  /** Reads a script with the default lexer options. */
  public SqlScriptReader(InputStream in) {
    this(in, SqlLexer.Options.DEFAULT);
  }

  /** Reads a script. */
  public SqlScriptReader(InputStream in, SqlLexer.Options options) {
    this.in = Objects.requireNonNull(in, "in");
    this.lexer = new SqlLexer(new LineDecoder(), options);
    this.splitter = new SqlSplitter(lexer);
  }

  /**
   * Passes the file's raw bytes of everything but COPY data (statements, comments, meta-commands,
   * the rest of a COPY statement's line) to {@code sink} as the lexer consumes them, in file
   * order; with the data {@link #copyData} passes on and its end markers they make up the input.
   * Lets a caller hash or count the script's exact bytes (invalid UTF-8 included) without reading
   * it twice. Each chunk holds at most one {@code \n}, at its end. Set before reading.
   *
   * @param sink receives the bytes; what it throws reaches the caller as an
   *     {@link UncheckedIOException}
   * @return this reader
   */
  public SqlScriptReader onText(CopySink sink) {
    this.textSink = Objects.requireNonNull(sink, "sink");
    return this;
  }

  /**
   * Reads the next piece, as {@link SqlSplitter#next()}. After a piece that
   * {@link SqlStatement#isCopyFromStdin()}, the data follows: call {@link #copyData} (this method
   * does so, discarding the rows, if the caller did not).
   *
   * @return the piece, or {@code null} at the end of the input
   * @throws SqlSyntaxException for an unterminated quote or comment, or a COPY block without end
   * @throws UncheckedIOException if the stream fails
   */
  public SqlStatement next() {
    if (copyPending) {
      try {
        CopyEnd end = copyData((b, off, n, lines) -> { });
        if (!end.terminated()) {
          throw new SqlSyntaxException("COPY data starting at line " + end.startLine()
              + " ends without its \\. line", (int) end.startLine(), 1);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    SqlStatement s = splitter.next();
    if (s != null && s.isCopyFromStdin() && endsWithSemicolon(s)) {
      copyPending = true;
      copyLineRest = null;
    }
    return s;
  }

  /**
   * Returns the text after the COPY statement's semicolon on its line (psql runs it once the
   * rows are in; pg_dump never writes any), newline excluded, consuming it.
   *
   * @throws IllegalStateException unless the last piece was a COPY ... FROM stdin
   */
  public String copyLineRest() {
    if (!copyPending) {
      throw new IllegalStateException("copyLineRest must follow a COPY ... FROM stdin statement");
    }
    if (copyLineRest == null) {
      StringBuilder rest = new StringBuilder();
      lexer.readLine(rest);
      if (lexer.buffered() != 0) {
        throw new IllegalStateException("the lexer read past the COPY statement's line");
      }
      int n = rest.length();
      copyLineRest = n > 0 && rest.charAt(n - 1) == '\n' ? rest.substring(0, n - 1) : rest.toString();
    }
    return copyLineRest;
  }

  /**
   * Passes the data of the COPY block that follows the last piece to {@code sink}, up to its
   * {@code \.} line, which is consumed (psql's end markers: {@code \.} alone on a line, with or
   * without a carriage return, or at the end of the input).
   *
   * @return how the block ended
   * @throws IllegalStateException unless the last piece was a COPY ... FROM stdin
   * @throws IOException what the sink throws
   */
  public CopyEnd copyData(CopySink sink) throws IOException {
    copyLineRest();
    copyPending = false;
    long startLine = lexer.line();
    long bytes = 0;
    long lines = 0;
    boolean lineStart = true;
    while (true) {
      if (lineStart) {
        ensure(4);
        int avail = len - pos;
        if (avail >= 2 && buf[pos] == '\\' && buf[pos + 1] == '.') {
          int marker = -1;
          boolean cr = false;
          if (avail == 2) {
            marker = 2;
          } else if (buf[pos + 2] == '\n') {
            marker = 3;
          } else if (buf[pos + 2] == '\r' && (avail == 3 || buf[pos + 3] == '\n')) {
            marker = avail == 3 ? 3 : 4;
            cr = true;
          }
          if (marker > 0) {
            boolean newline = buf[pos + marker - 1] == '\n';
            pos += marker;
            lexer.advance(bytes + marker, lines + (newline ? 1 : 0), newline ? 1 : marker + 1);
            return new CopyEnd(lines, true, cr, startLine);
          }
        }
        if (avail == 0) {
          break;
        }
      } else if (pos >= len && !fill()) {
        break;
      }
      // everything up to a line that may be the end marker, or the buffer's end, in one chunk
      int from = pos;
      int i = pos;
      int n = 0;
      while (i < len) {
        int nl = Newlines.indexOf(buf, i, len);
        if (nl == len) {
          i = len;
          break;
        }
        i = nl + 1;
        n++;
        if (i == len || buf[i] == '\\') {
          break;
        }
      }
      pos = i;
      lineStart = buf[i - 1] == '\n';
      bytes += i - from;
      lines += n;
      sink.accept(buf, from, i - from, n);
    }
    lexer.advance(bytes, lines, 1);
    return new CopyEnd(lines, false, false, startLine);
  }

  /** Returns the number of lines read so far (a final line without a newline counts). */
  public long lines() {
    return lexer.column() == 1 ? lexer.line() - 1 : lexer.line();
  }

  private static boolean endsWithSemicolon(SqlStatement s) {
    var sig = s.significant();
    return !sig.isEmpty() && sig.get(sig.size() - 1).kind() == SqlTokenKind.SEMICOLON;
  }

  /** Reads more bytes after the unread ones; false at the end of the input. */
  private boolean fill() {
    if (eof) {
      return false;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, len - pos);
      len -= pos;
      pos = 0;
    }
    if (len == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    try {
      int n = in.read(buf, len, buf.length - len);
      if (n < 0) {
        eof = true;
        return false;
      }
      len += n;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the SQL script: " + e.getMessage(), e);
    }
  }

  /** Makes at least {@code n} unread bytes available unless the input ends first. */
  private void ensure(int n) {
    while (len - pos < n && fill()) {
      // keep reading
    }
  }

  /** Decodes the byte buffer for the lexer, never past the end of the current line. */
  private final class LineDecoder extends Reader {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final char[] pair = new char[2];
    private int pairLeft;

    @Override
    public int read(char[] cbuf, int off, int n) {
      if (n == 0) {
        return 0;
      }
      if (pairLeft > 0) {
        cbuf[off] = pair[1];
        pairLeft = 0;
        return 1;
      }
      int scanFrom = 0; // bytes after pos already searched for a newline
      while (true) {
        int nl = indexOfNewline(pos + scanFrom, len);
        boolean whole = nl >= 0;
        if (!whole && !eof && len - pos < MAX_LINE_SCAN) {
          scanFrom = len - pos; // fill() moves the bytes to the buffer's start
          fill();
          continue;
        }
        if (pos >= len) {
          return -1;
        }
        int end = whole ? nl + 1 : len;
        ByteBuffer bb = ByteBuffer.wrap(buf, pos, end - pos);
        boolean direct = n >= 2; // room for a surrogate pair
        CharBuffer cb = direct ? CharBuffer.wrap(cbuf, off, n) : CharBuffer.wrap(pair);
        decoder.reset();
        decoder.decode(bb, cb, whole || eof);
        int from = pos;
        pos = bb.position();
        if (textSink != null && pos > from) {
          try {
            textSink.accept(buf, from, pos - from, buf[pos - 1] == '\n' ? 1 : 0);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        int got = direct ? cb.position() - off : cb.position();
        if (got > 0) {
          if (!direct) {
            cbuf[off] = pair[0];
            pairLeft = got - 1;
            return 1;
          }
          return got;
        }
        // nothing decoded: an incomplete character at the end of what is buffered
        scanFrom = len - pos;
        if (!fill() && pos >= len) {
          return -1;
        }
      }
    }

    private int indexOfNewline(int from, int to) {
      for (int i = from; i < to; i++) {
        if (buf[i] == '\n') {
          return i;
        }
      }
      return -1;
    }

    @Override
    public void close() { }
  }
}
