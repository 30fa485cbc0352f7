package ing.paperclip.db.core.sql;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The project's one SQL lexer: splits PostgreSQL SQL text into {@link SqlToken}s the way the
 * server's {@code scan.l} does (and psql's {@code psqlscan.l} for meta-commands), reading from a
 * {@link Reader} in chunks so scripts of any size stream through it.
 *
 * <p>Covered: whitespace ({@code [ \t\n\r\f\v]}), {@code --} comments (ended by a newline or a
 * carriage return), nested block comments, unquoted identifiers (ASCII letters, digits, {@code _},
 * {@code $} and every non-ASCII character, as the server treats high-bit bytes), {@code ""} and
 * {@code U&""} identifiers, {@code ''}, {@code N''}, {@code E''}, {@code U&''}, {@code B''} and
 * {@code X''} strings including continuation segments across a newline, dollar quotes whose tag
 * holds any identifier character but {@code $} (non-ASCII included), numbers (decimal, real,
 * {@code 0x}/{@code 0o}/{@code 0b}, {@code _} separators), {@code $n} parameters, operators (cut
 * before an embedded {@code --} or {@code /*}, trailing {@code +}/{@code -} trimmed as the server
 * does), {@code ::}, {@code :=}, {@code ..}, punctuation and psql backslash meta-commands.
 *
 * <p>Joining the text of every token reproduces the input exactly; how the input is chunked by
 * the reader never changes the tokens. Not thread-safe; one instance per input.
 */
public final class SqlLexer {
  /**
   * How to read the text.
   *
   * @param standardConformingStrings whether backslashes in plain {@code ''} strings are literal
   *     (the server default since 9.1; pg_dump output sets it)
   * @param metaCommands whether a backslash outside quotes starts a psql meta-command that runs to
   *     the end of its line
   */
  public record Options(boolean standardConformingStrings, boolean metaCommands) {
    /** The server's defaults with psql meta-commands recognised. */
    public static final Options DEFAULT = new Options(true, true);
  }

  private static final String OP_CHARS = "~!@#^&|`?+-*/%<>=";
  private static final String NON_MATH_OP = "~!@#^&|`?%";

  private final Reader in;
  private final Options options;
  private char[] buf = new char[8192];
  private int pos;
  private int limit;
  private boolean eof;

  private long offset;
  private long byteOffset;
  private int line = 1;
  private int column = 1;
  private boolean pendingLowSurrogate;

  /** Lexes a reader with the default options; the caller closes the reader. */
  public SqlLexer(Reader in) {
    this(in, Options.DEFAULT);
  }

  /** Lexes a reader; the caller closes the reader. */
  public SqlLexer(Reader in, Options options) {
    this.in = Objects.requireNonNull(in, "in");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Tokenizes a whole text with the default options.
   *
   * @throws SqlSyntaxException for an unterminated quote or comment
   */
  public static List<SqlToken> tokenize(CharSequence sql) {
    SqlLexer lexer = new SqlLexer(new StringReader(sql.toString()));
    List<SqlToken> out = new ArrayList<>();
    for (SqlToken t = lexer.next(); t != null; t = lexer.next()) {
      out.add(t);
    }
    return out;
  }

  /**
   * Reads the next token.
   *
   * @return the token, or {@code null} at the end of the input
   * @throws SqlSyntaxException for an unterminated quote or comment
   * @throws UncheckedIOException if the reader fails
   */
  public SqlToken next() {
    int c = peek(0);
    if (c < 0) {
      return null;
    }
    long startOffset = offset;
    long startByte = byteOffset;
    int startLine = line;
    int startColumn = column;
    StringBuilder text = new StringBuilder();
    SqlTokenKind kind = scan(c, text, startLine, startColumn);
    return new SqlToken(kind, text.toString(), startOffset, startByte, startLine, startColumn);
  }

  /**
   * Reads raw text up to and including the next newline, for data that follows a statement
   * without being SQL ({@code COPY ... FROM stdin} rows). Positions keep counting.
   *
   * @param out receives the characters, the newline included
   * @return false at the end of the input (nothing appended)
   */
  public boolean readLine(StringBuilder out) {
    if (peek(0) < 0) {
      return false;
    }
    while (true) {
      int c = peek(0);
      if (c < 0) {
        return true;
      }
      take(out, 1);
      if (c == '\n') {
        return true;
      }
    }
  }

  /** The 1-based line of the next character. */
  int line() {
    return line;
  }

  /** The 1-based column of the next character. */
  int column() {
    return column;
  }

  /** Characters read from the reader and not yet consumed. */
  int buffered() {
    return limit - pos;
  }

  /**
   * Counts text that was consumed from the underlying input behind the lexer's back (COPY data
   * taken as bytes by {@link SqlScriptReader}): bytes and lines, not chars (it was never decoded);
   * only valid when nothing is {@link #buffered()}.
   */
  void advance(long bytes, long lines, int columnAfter) {
    if (buffered() != 0) {
      throw new IllegalStateException("the lexer holds unread text");
    }
    byteOffset += bytes;
    line = (int) Math.min(Integer.MAX_VALUE, line + lines);
    column = lines > 0 ? columnAfter : columnAfter + column - 1;
    pendingLowSurrogate = false;
  }

  private SqlTokenKind scan(int c, StringBuilder text, int sl, int sc) {
    if (isSpace(c)) {
      int n = 1;
      while (isSpace(peek(n))) {
        n++;
      }
      take(text, n);
      return SqlTokenKind.WHITESPACE;
    }
    int c1 = peek(1);
    if (c == '-' && c1 == '-') {
      int n = 2;
      for (int d = peek(n); d >= 0 && d != '\n' && d != '\r'; d = peek(++n)) {
        // up to the line end
      }
      take(text, n);
      return SqlTokenKind.LINE_COMMENT;
    }
    if (c == '/' && c1 == '*') {
      blockComment(text, sl, sc);
      return SqlTokenKind.BLOCK_COMMENT;
    }
    if (c == '\\' && options.metaCommands()) {
      int n = 1;
      for (int d = peek(n); d >= 0 && d != '\n'; d = peek(++n)) {
        // up to the line end
      }
      take(text, n);
      return SqlTokenKind.META_COMMAND;
    }
    if ((c == 'u' || c == 'U') && c1 == '&' && (peek(2) == '"' || peek(2) == '\'')) {
      boolean ident = peek(2) == '"';
      take(text, 2);
      if (ident) {
        quotedIdentifier(text, sl, sc);
        return SqlTokenKind.UNICODE_IDENTIFIER;
      }
      quoted(text, false, sl, sc);
      return SqlTokenKind.UNICODE_STRING;
    }
    if (c1 == '\'') {
      SqlTokenKind prefixed = switch (c) {
        case 'e', 'E' -> SqlTokenKind.ESCAPE_STRING;
        case 'b', 'B' -> SqlTokenKind.BIT_STRING;
        case 'x', 'X' -> SqlTokenKind.HEX_STRING;
        case 'n', 'N' -> SqlTokenKind.STRING;
        default -> null;
      };
      if (prefixed != null) {
        take(text, 1);
        quoted(text, prefixed == SqlTokenKind.ESCAPE_STRING, sl, sc);
        return prefixed;
      }
    }
    if (isIdentStart(c)) {
      int n = 1;
      while (isIdentCont(peek(n))) {
        n++;
      }
      take(text, n);
      return SqlTokenKind.IDENTIFIER;
    }
    if (c == '"') {
      quotedIdentifier(text, sl, sc);
      return SqlTokenKind.QUOTED_IDENTIFIER;
    }
    if (c == '\'') {
      quoted(text, !options.standardConformingStrings(), sl, sc);
      return SqlTokenKind.STRING;
    }
    if (c == '$') {
      if (isDigit(c1)) {
        int n = 2;
        while (isDigit(peek(n))) {
          n++;
        }
        take(text, n);
        return SqlTokenKind.PARAMETER;
      }
      int n = 1;
      if (isDollarTagStart(c1)) {
        n = 2;
        while (isDollarTagCont(peek(n))) {
          n++;
        }
      }
      if (peek(n) == '$') {
        dollarQuoted(text, n + 1, sl, sc);
        return SqlTokenKind.DOLLAR_STRING;
      }
      take(text, 1); // not a dollar quote: a lone $, as the server reads it
      return SqlTokenKind.OTHER;
    }
    if (isDigit(c) || (c == '.' && isDigit(c1))) {
      take(text, number());
      return SqlTokenKind.NUMBER;
    }
    if ((c == ':' && (c1 == ':' || c1 == '=')) || (c == '.' && c1 == '.') || (c == '=' && c1 == '>')) {
      take(text, 2);
      return SqlTokenKind.OPERATOR;
    }
    if (c == ';') {
      take(text, 1);
      return SqlTokenKind.SEMICOLON;
    }
    if (",()[].:".indexOf(c) >= 0) {
      take(text, 1);
      return SqlTokenKind.PUNCTUATION;
    }
    if (OP_CHARS.indexOf(c) >= 0) {
      take(text, operator());
      return SqlTokenKind.OPERATOR;
    }
    take(text, 1);
    return SqlTokenKind.OTHER;
  }

  /** Length of the operator at the current position, by the rules of {@code scan.l}. */
  private int operator() {
    int n = 1;
    while (OP_CHARS.indexOf(peek(n)) >= 0 && peek(n) >= 0) {
      int d = peek(n);
      int e = peek(n + 1);
      if ((d == '-' && e == '-') || (d == '/' && e == '*')) {
        break; // a comment starts inside: the operator ends before it
      }
      n++;
    }
    if (n > 1 && (peek(n - 1) == '+' || peek(n - 1) == '-')) {
      boolean nonMath = false;
      for (int i = 0; i < n - 1; i++) {
        if (NON_MATH_OP.indexOf(peek(i)) >= 0) {
          nonMath = true;
          break;
        }
      }
      if (!nonMath) {
        do {
          n--;
        } while (n > 1 && (peek(n - 1) == '+' || peek(n - 1) == '-'));
      }
    }
    return n;
  }

  /** Length of the number at the current position. */
  private int number() {
    int n = 0;
    if (peek(0) == '0' && "xXoObB".indexOf(peek(1)) >= 0 && peek(1) >= 0 && radixDigit(peek(1), peek(2))) {
      n = 2;
      while (radixDigit(peek(1), peek(n)) || peek(n) == '_') {
        n++;
      }
      return n;
    }
    n = digits(0);
    if (peek(n) == '.' && peek(n + 1) != '.') {
      n = digits(n + 1);
    }
    if ((peek(n) == 'e' || peek(n) == 'E')) {
      int m = n + 1;
      if (peek(m) == '+' || peek(m) == '-') {
        m++;
      }
      if (isDigit(peek(m))) {
        n = digits(m);
      }
    }
    return n;
  }

  private int digits(int from) {
    int n = from;
    while (isDigit(peek(n)) || (peek(n) == '_' && isDigit(peek(n + 1)) && n > from)) {
      n++;
    }
    return n;
  }

  private static boolean radixDigit(int radix, int c) {
    return switch (radix) {
      case 'x', 'X' -> c >= 0 && Character.digit(c, 16) >= 0 && c < 0x80;
      case 'o', 'O' -> c >= '0' && c <= '7';
      default -> c == '0' || c == '1';
    };
  }

  private void blockComment(StringBuilder text, int sl, int sc) {
    take(text, 2);
    int depth = 1;
    while (depth > 0) {
      int c = peek(0);
      if (c < 0) {
        throw new SqlSyntaxException("unterminated /* comment starting at line " + sl + ":" + sc, sl, sc);
      }
      if (c == '/' && peek(1) == '*') {
        depth++;
        take(text, 2);
      } else if (c == '*' && peek(1) == '/') {
        depth--;
        take(text, 2);
      } else {
        take(text, 1);
      }
    }
  }

  private void quotedIdentifier(StringBuilder text, int sl, int sc) {
    take(text, 1);
    while (true) {
      int c = peek(0);
      if (c < 0) {
        throw new SqlSyntaxException("unterminated quoted identifier starting at line " + sl + ":" + sc, sl, sc);
      }
      if (c == '"') {
        if (peek(1) == '"') {
          take(text, 2);
          continue;
        }
        take(text, 1);
        return;
      }
      take(text, 1);
    }
  }

  /** A quoted string from its opening quote, with any continuation segments. */
  private void quoted(StringBuilder text, boolean backslashes, int sl, int sc) {
    while (true) {
      take(text, 1);
      while (true) {
        int c = peek(0);
        if (c < 0) {
          throw new SqlSyntaxException("unterminated quoted string starting at line " + sl + ":" + sc, sl, sc);
        }
        if (c == '\'') {
          if (peek(1) == '\'') {
            take(text, 2);
            continue;
          }
          take(text, 1);
          break;
        }
        if (backslashes && c == '\\' && peek(1) >= 0) {
          take(text, 2);
          continue;
        }
        take(text, 1);
      }
      int gap = continuation();
      if (gap < 0) {
        return;
      }
      take(text, gap);
    }
  }

  /**
   * After a closing quote: the length of whitespace (and {@code --} comments) holding a newline
   * that is followed by another quote, which continues the same string; -1 if none follows.
   */
  private int continuation() {
    int n = 0;
    boolean newline = false;
    while (true) {
      int c = peek(n);
      if (c == '\n' || c == '\r') {
        newline = true;
        n++;
      } else if (isSpace(c)) {
        n++;
      } else if (c == '-' && peek(n + 1) == '-') {
        n += 2;
        for (int d = peek(n); d >= 0 && d != '\n' && d != '\r'; d = peek(++n)) {
          // the comment runs to the line end
        }
      } else {
        return newline && c == '\'' ? n : -1;
      }
    }
  }

  /** A dollar-quoted string whose opening tag is the next {@code tagLength} characters. */
  private void dollarQuoted(StringBuilder text, int tagLength, int sl, int sc) {
    StringBuilder tag = new StringBuilder();
    take(tag, tagLength);
    text.append(tag);
    while (true) {
      int c = peek(0);
      if (c < 0) {
        throw new SqlSyntaxException("unterminated dollar-quoted string " + tag + " starting at line " + sl + ":" + sc, sl, sc);
      }
      if (c == '$' && matches(tag)) {
        take(text, tagLength);
        return;
      }
      take(text, 1);
    }
  }

  private boolean matches(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      if (peek(i) != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSpace(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentStart(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  private static boolean isIdentCont(int c) {
    return isIdentStart(c) || isDigit(c) || c == '$';
  }

  private static boolean isDollarTagStart(int c) {
    return isIdentStart(c);
  }

  private static boolean isDollarTagCont(int c) {
    return isIdentStart(c) || isDigit(c);
  }

  /** The character {@code i} places ahead, or -1 past the end. */
  private int peek(int i) {
    if (pos + i >= limit && !fill(i + 1)) {
      return -1;
    }
    return buf[pos + i];
  }

  private boolean fill(int need) {
    if (eof) {
      return limit - pos >= need;
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    while (limit < need && !eof) {
      if (limit == buf.length) {
        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
      }
      try {
        int r = in.read(buf, limit, buf.length - limit);
        if (r < 0) {
          eof = true;
        } else {
          limit += r;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read SQL text: " + e.getMessage(), e);
      }
    }
    return limit - pos >= need;
  }

  /** Moves {@code n} characters into {@code out}, keeping positions. */
  private void take(StringBuilder out, int n) {
    for (int i = 0; i < n; i++) {
      char c = buf[pos++];
      out.append(c);
      offset++;
      if (c == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
      if (c < 0x80) {
        byteOffset++;
        pendingLowSurrogate = false;
      } else if (c < 0x800) {
        byteOffset += 2;
        pendingLowSurrogate = false;
      } else if (Character.isHighSurrogate(c)) {
        byteOffset += 4;
        pendingLowSurrogate = true;
      } else if (Character.isLowSurrogate(c) && pendingLowSurrogate) {
        pendingLowSurrogate = false;
      } else {
        byteOffset += 3;
        pendingLowSurrogate = false;
      }
    }
  }
}
