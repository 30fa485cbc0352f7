package ing.paperclip.db.backup.script;

import ing.paperclip.db.backup.internal.Newlines;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Splits a PostgreSQL script into statements with a real lexer (not regular expressions): single
 * quotes with {@code ''}, {@code E''} strings with backslash escapes, double-quoted identifiers,
 * dollar quotes with tags, {@code --} comments and nested block comments. After a
 * {@code COPY ... FROM stdin} statement the following lines up to {@code \.} are data, passed on
 * as raw UTF-8 bytes in large chunks of whole or partial lines ({@link Handler#copyData}), never
 * decoded: memory stays bounded by the longest statement, whatever the data size.
 * psql meta-commands on their own line ({@code \connect}, {@code \restrict}, ...) are reported.
 *
 * <p>Line breaks are {@code \n} only; a {@code \r} inside a line is kept as data. Not thread-safe.
 */
public final class ScriptReader {
  private static final Pattern COPY_FROM_STDIN = Pattern.compile(
      "(?is)^\\s*COPY\\s.*\\sFROM\\s+STDIN\\b.*");

  /** Receives what the reader finds, in order. */
  public interface Handler {
    /** A statement or meta-command or the start of a COPY block. */
    void item(ScriptItem item) throws IOException;

    /**
     * A chunk of the current COPY block's data, as the file's bytes: whole lines with their
     * {@code \n}, possibly ending inside a line that the next chunk continues. Never includes the
     * end marker. Handlers forward or count the bytes; nothing is decoded per line.
     *
     * @param b the buffer, valid only during the call
     * @param off where the chunk starts
     * @param len its length in bytes
     * @param newlines how many {@code \n} the chunk holds
     */
    void copyData(byte[] b, int off, int len, int newlines) throws IOException;

    /** The end of the current COPY block ({@code \.}). */
    void copyEnd() throws IOException;

    /** A comment line between statements (the default ignores it). */
    default void comment(String line) throws IOException {}
  }

  private final InputStream in;
  private byte[] buf = new byte[1 << 18];
  private int pos;
  private int len;
  private long lineNo;
  private boolean eof;

  /** Creates a reader over a script's UTF-8 bytes (the caller buffers and closes the stream). */
  public ScriptReader(InputStream in) {
    this.in = in;
  }

  /**
   * Reads the whole script.
   *
   * @return the number of lines read
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} when the script ends inside a
   *     statement, string, comment or COPY block (a truncated file)
   */
  public long read(Handler handler) throws IOException {
    StringBuilder stmt = new StringBuilder();
    // the statement with what the lexer knows is not SQL blanked (see ScriptItem.Statement#code)
    StringBuilder code = new StringBuilder();
    String label = "";
    String section = "";
    long stmtLine = 0;
    // lexer state carried across lines
    char quote = 0; // '\'' or '"' or 'E' (escape string)
    String dollarTag = null;
    int blockDepth = 0;
    // SQL-standard function bodies (BEGIN ATOMIC ... END) hold semicolons: like psql, count
    // BEGIN/CASE against END inside CREATE FUNCTION/PROCEDURE and split only at depth 0
    java.util.List<String> leadWords = new java.util.ArrayList<>();
    int atomicDepth = 0;
    // like psql, a semicolon inside parentheses (a rule's "DO INSTEAD (a; b)") ends nothing
    int parenDepth = 0;
    String prevWord = "";
    String line;
    while ((line = nextLine()) != null) {
      if (stmt.length() == 0 && quote == 0 && dollarTag == null && blockDepth == 0) {
        String t = line.strip();
        if (t.isEmpty()) {
          continue;
        }
        if (t.startsWith("--")) {
          handler.comment(t);
          if (t.startsWith("-- entry: ") || t.startsWith("-- data: ") || t.startsWith("-- Name: ")) {
            label = t;
          } else if (t.startsWith("-- section: ")) {
            section = t.substring("-- section: ".length()).strip();
          }
          continue;
        }
        if (t.startsWith("\\")) {
          handler.item(new ScriptItem.MetaCommand(t, lineNo));
          continue;
        }
        stmtLine = lineNo;
      }
      int i = 0;
      int n = line.length();
      int segmentStart = 0;
      while (i < n) {
        char c = line.charAt(i);
        if (blockDepth > 0) {
          if (c == '*' && i + 1 < n && line.charAt(i + 1) == '/') {
            blockDepth--;
            i += 2;
          } else if (c == '/' && i + 1 < n && line.charAt(i + 1) == '*') {
            blockDepth++;
            i += 2;
          } else {
            i++;
          }
          continue;
        }
        if (dollarTag != null) {
          if (c == '$' && line.startsWith(dollarTag, i)) {
            i += dollarTag.length();
            dollarTag = null;
            code.append("$$");
          } else {
            i++;
          }
          continue;
        }
        if (quote == '\'' || quote == '"') {
          if (c == quote) {
            if (i + 1 < n && line.charAt(i + 1) == quote) {
              i += 2;
            } else {
              code.append(quote);
              quote = 0;
              i++;
            }
          } else {
            i++;
          }
          continue;
        }
        if (quote == 'E') {
          if (c == '\\') {
            i += 2;
          } else if (c == '\'') {
            if (i + 1 < n && line.charAt(i + 1) == '\'') {
              i += 2;
            } else {
              code.append('\'');
              quote = 0;
              i++;
            }
          } else {
            i++;
          }
          continue;
        }
        // normal state
        if (c == '-' && i + 1 < n && line.charAt(i + 1) == '-') {
          break; // rest of line is a comment
        }
        if (c == '/' && i + 1 < n && line.charAt(i + 1) == '*') {
          blockDepth = 1;
          code.append(' ');
          i += 2;
          continue;
        }
        if (c == '\'') {
          boolean escape = i > 0 && (line.charAt(i - 1) == 'E' || line.charAt(i - 1) == 'e')
              && (i < 2 || !Character.isLetterOrDigit(line.charAt(i - 2)) && line.charAt(i - 2) != '_');
          quote = escape ? 'E' : '\'';
          code.append('\'');
          i++;
          continue;
        }
        if (c == '"') {
          quote = '"';
          code.append('"');
          i++;
          continue;
        }
        if (c == '$') {
          String tag = dollarTagAt(line, i);
          if (tag != null) {
            dollarTag = tag;
            code.append("$$");
            i += tag.length();
            continue;
          }
          code.append(c);
          i++;
          continue;
        }
        if (Character.isLetter(c) && (i == 0 || !(Character.isLetterOrDigit(line.charAt(i - 1))
            || line.charAt(i - 1) == '_' || line.charAt(i - 1) == '$'))) {
          int j = i;
          while (j < n && (Character.isLetterOrDigit(line.charAt(j)) || line.charAt(j) == '_' || line.charAt(j) == '$')) {
            j++;
          }
          String word = line.substring(i, j).toUpperCase(Locale.ROOT);
          if (leadWords.size() < 4) {
            leadWords.add(word);
          }
          boolean routine = leadWords.size() >= 2 && leadWords.get(0).equals("CREATE")
              && (leadWords.contains("FUNCTION") || leadWords.contains("PROCEDURE"));
          if (routine && word.equals("ATOMIC") && prevWord.equals("BEGIN")) {
            atomicDepth++;
          } else if (atomicDepth > 0 && word.equals("CASE")) {
            atomicDepth++;
          } else if (atomicDepth > 0 && word.equals("END")) {
            atomicDepth--;
          }
          prevWord = word;
          code.append(line, i, j);
          i = j;
          continue;
        }
        if (c == '(' || c == ')') {
          parenDepth = Math.max(0, parenDepth + (c == '(' ? 1 : -1));
          code.append(c);
          i++;
          continue;
        }
        if (c == ';' && (atomicDepth > 0 || parenDepth > 0)) {
          code.append(c);
          i++;
          continue;
        }
        if (c == ';') {
          parenDepth = 0;
          leadWords.clear();
          prevWord = "";
          stmt.append(line, segmentStart, i + 1);
          String sql = stmt.toString();
          stmt.setLength(0);
          code.append(';');
          String shape = code.toString().strip();
          code.setLength(0);
          if (COPY_FROM_STDIN.matcher(sql).matches()) {
            if (!line.substring(i + 1).isBlank()) {
              // psql runs such text once the rows are in; a reader skipping it would check
              // something else than what psql runs
              throw new PaperclipException(ErrorCode.CORRUPT_FILE, "line " + lineNo + " holds text after"
                  + " its COPY statement, which psql would run after the rows and no backup writes; the"
                  + " file was altered, use another backup");
            }
            handler.item(new ScriptItem.CopyStart(sql.strip(), label, stmtLine));
            label = "";
            readCopy(handler);
            segmentStart = n;
            i = n;
            break;
          }
          handler.item(new ScriptItem.Statement(sql.strip(), label, section, stmtLine, shape));
          label = "";
          i++;
          segmentStart = i;
          // skip whitespace; a new statement may start on the same line
          while (segmentStart < n && Character.isWhitespace(line.charAt(segmentStart))) {
            segmentStart++;
          }
          i = segmentStart;
          stmtLine = lineNo;
          continue;
        }
        code.append(c);
        i++;
      }
      if (segmentStart < n) {
        String rest = line.substring(segmentStart);
        if (stmt.length() > 0 || !rest.isBlank()) {
          stmt.append(rest);
        }
      }
      if (stmt.length() > 0) {
        stmt.append('\n');
        if (quote == 0 && dollarTag == null) {
          code.append(' ');
        }
      }
    }
    if (quote != 0 || dollarTag != null || blockDepth > 0 || !stmt.toString().strip().isEmpty()) {
      String what = quote != 0 ? "inside a quoted string" : dollarTag != null ? "inside a "
          + dollarTag + " quoted body" : blockDepth > 0 ? "inside a comment" : "in the middle of a statement";
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, "the script ends " + what
          + " (started at line " + stmtLine + "): the file is truncated or damaged; use another backup");
    }
    return lineNo;
  }

  private void readCopy(Handler handler) throws IOException {
    long start = lineNo;
    boolean lineStart = true;
    while (true) {
      if (lineStart) {
        ensure(3);
        int avail = len - pos;
        if (avail > 1 && buf[pos] == '\\' && buf[pos + 1] == '.' && (avail == 2 || buf[pos + 2] == '\n')) {
          pos += avail == 2 ? 2 : 3;
          lineNo++;
          handler.copyEnd();
          return;
        }
        if (avail > 2 && buf[pos] == '\\' && buf[pos + 1] == '.' && buf[pos + 2] == '\r') {
          throw new PaperclipException(ErrorCode.CORRUPT_FILE, "line " + (lineNo + 1) + " in the rows"
              + " starting at line " + start + " is \\. and a carriage return: COPY never writes that, and"
              + " psql would end the rows there and run what follows as SQL; the file was altered, use"
              + " another backup");
        }
        if (avail == 0) {
          break;
        }
      } else if (pos >= len && !fill()) {
        break;
      }
      // Pass everything up to a line that may be the end marker (or the buffer's end) at once.
      int from = pos;
      int i = pos;
      int lines = 0;
      int stop = len;
      while (i < stop) {
        int nl = Newlines.indexOf(buf, i, stop);
        if (nl == stop) {
          i = stop;
          break;
        }
        i = nl + 1;
        lines++;
        if (i == stop || buf[i] == '\\') {
          break;
        }
      }
      pos = i;
      lineNo += lines;
      lineStart = buf[i - 1] == '\n';
      handler.copyData(buf, from, i - from, lines);
    }
    throw new PaperclipException(ErrorCode.CORRUPT_FILE, "the COPY block starting at line " + start
        + " has no end marker (\\.): the file is truncated; use another backup");
  }

  /** Reads more bytes after the unread ones; false at the end of the input. */
  private boolean fill() throws IOException {
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
    int n = in.read(buf, len, buf.length - len);
    if (n < 0) {
      eof = true;
      return false;
    }
    len += n;
    return true;
  }

  /** Makes at least {@code n} unread bytes available unless the input ends first. */
  private void ensure(int n) throws IOException {
    while (len - pos < n && fill()) {
      // keep reading
    }
  }

  /** Returns the dollar-quote tag starting at {@code i} ({@code $$} or {@code $tag$}), or null. */
  static String dollarTagAt(String line, int i) {
    if (i > 0) {
      char p = line.charAt(i - 1);
      if (Character.isLetterOrDigit(p) || p == '_' || p == '$') {
        return null; // part of an identifier like a$b, or a positional parameter
      }
    }
    int j = i + 1;
    while (j < line.length()) {
      char c = line.charAt(j);
      if (c == '$') {
        String tag = line.substring(i, j + 1);
        if (tag.length() > 2 && Character.isDigit(tag.charAt(1))) {
          return null; // $1 parameter
        }
        return tag;
      }
      if (!(Character.isLetterOrDigit(c) || c == '_')) {
        return null;
      }
      j++;
    }
    return null;
  }

  private String nextLine() throws IOException {
    int scanned = 0;
    while (true) {
      for (int i = pos + scanned; i < len; i++) {
        if (buf[i] == '\n') {
          String line = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
          pos = i + 1;
          lineNo++;
          return line;
        }
      }
      scanned = len - pos;
      if (!fill()) {
        break;
      }
    }
    if (len - pos == 0) {
      return null;
    }
    String line = new String(buf, pos, len - pos, StandardCharsets.UTF_8);
    pos = len;
    lineNo++;
    return line;
  }

  /** Returns the upper-cased first word of a statement (e.g. {@code CREATE}). */
  public static String firstWord(String sql) {
    String s = sql.stripLeading();
    int end = 0;
    while (end < s.length() && Character.isLetter(s.charAt(end))) {
      end++;
    }
    return s.substring(0, end).toUpperCase(Locale.ROOT);
  }
}
