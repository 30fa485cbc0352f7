package ing.paperclip.db.core.sql;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One token of SQL text as {@link SqlLexer} read it.
 *
 * @param kind what it is
 * @param text the exact source text (joining every token's text gives back the input)
 * @param offset 0-based offset of its first character in the input, in chars (UTF-16 units) of
 *     the text the lexer read (COPY data a {@link SqlScriptReader} passes on as bytes not counted)
 * @param byteOffset 0-based offset of its first character in the UTF-8 encoding of the input
 * @param line 1-based line of its first character
 * @param column 1-based column of its first character, in chars
 */
public record SqlToken(SqlTokenKind kind, String text, long offset, long byteOffset, int line, int column) {
  /** PostgreSQL's identifier limit in bytes (NAMEDATALEN - 1): longer names are truncated. */
  public static final int MAX_IDENTIFIER_BYTES = 63;

  /** Validates. */
  public SqlToken {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
  }

  /** Returns whether the server would see this token (not whitespace or a comment). */
  public boolean isSignificant() {
    return !kind.isTrivia();
  }

  /** Returns whether this is the unquoted keyword or identifier {@code word} (ASCII case-insensitive). */
  public boolean isWord(String word) {
    return kind == SqlTokenKind.IDENTIFIER && text.equalsIgnoreCase(word);
  }

  /** Returns whether this is the punctuation or operator {@code symbol} exactly. */
  public boolean isSymbol(String symbol) {
    return (kind == SqlTokenKind.PUNCTUATION || kind == SqlTokenKind.OPERATOR || kind == SqlTokenKind.SEMICOLON)
        && text.equals(symbol);
  }

  /** Returns {@code line:column}. */
  public String position() {
    return line + ":" + column;
  }

  /**
   * Returns the name this identifier resolves to on the server: unquoted names lower-cased (ASCII
   * only, as PostgreSQL does in UTF-8 databases), quoted names unescaped, {@code U&""} names decoded
   * with the default escape {@code \}; all truncated to {@value #MAX_IDENTIFIER_BYTES} bytes.
   *
   * @throws IllegalStateException if this token is not an identifier
   */
  public String identifier() {
    return identifier('\\');
  }

  /**
   * Same as {@link #identifier()} with the escape character of a following {@code UESCAPE 'c'}
   * clause for {@code U&""} names.
   */
  public String identifier(char unicodeEscape) {
    String name = switch (kind) {
      case IDENTIFIER -> asciiLower(text);
      case QUOTED_IDENTIFIER -> text.substring(1, text.length() - 1).replace("\"\"", "\"");
      case UNICODE_IDENTIFIER -> decodeUnicode(text.substring(3, text.length() - 1).replace("\"\"", "\""), unicodeEscape);
      default -> throw new IllegalStateException(kind + " is not an identifier");
    };
    return truncate(name);
  }

  /**
   * Returns the value of a string constant: quotes removed, doubled quotes and escapes decoded,
   * continuation segments ({@code 'a'} newline {@code 'b'}) joined. Plain strings are read as
   * {@code standard_conforming_strings = on}; bit and hex strings give their digits.
   *
   * @throws IllegalStateException if this token is not a string constant
   */
  public String stringValue() {
    return stringValue('\\');
  }

  /** Same as {@link #stringValue()} with the escape character of a {@code UESCAPE} clause for {@code U&''}. */
  public String stringValue(char unicodeEscape) {
    switch (kind) {
      case DOLLAR_STRING -> {
        int tagEnd = text.indexOf('$', 1) + 1;
        return text.substring(tagEnd, text.length() - tagEnd);
      }
      case STRING, ESCAPE_STRING, UNICODE_STRING, BIT_STRING, HEX_STRING -> {
        String joined = joinSegments(text.substring(text.indexOf('\'')), kind == SqlTokenKind.ESCAPE_STRING);
        return switch (kind) {
          case ESCAPE_STRING -> decodeBackslashes(joined);
          case UNICODE_STRING -> decodeUnicode(joined, unicodeEscape);
          default -> joined;
        };
      }
      default -> throw new IllegalStateException(kind + " is not a string constant");
    }
  }

  /** Lower-cases ASCII letters only, as PostgreSQL folds unquoted identifiers in UTF-8. */
  public static String asciiLower(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        if (sb == null) {
          sb = new StringBuilder(s);
        }
        sb.setCharAt(i, (char) (c + 32));
      }
    }
    return sb == null ? s : sb.toString();
  }

  /** Truncates a name to {@value #MAX_IDENTIFIER_BYTES} UTF-8 bytes at a character boundary, as the server does. */
  public static String truncate(String name) {
    if (name.length() * 3 <= MAX_IDENTIFIER_BYTES || name.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES) {
      return name;
    }
    int bytes = 0;
    int i = 0;
    while (i < name.length()) {
      int cp = name.codePointAt(i);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > MAX_IDENTIFIER_BYTES) {
        break;
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    return name.substring(0, i);
  }

  /** Joins {@code 'a'<ws with newline>'b'} segments, undoing doubled quotes inside each. */
  private static String joinSegments(String quoted, boolean backslashEscapes) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    int n = quoted.length();
    while (i < n) {
      // at an opening quote
      i++;
      while (i < n) {
        char c = quoted.charAt(i);
        if (c == '\'') {
          if (i + 1 < n && quoted.charAt(i + 1) == '\'') {
            out.append('\'');
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (backslashEscapes && c == '\\' && i + 1 < n) {
          out.append(c).append(quoted.charAt(i + 1));
          i += 2;
          continue;
        }
        out.append(c);
        i++;
      }
      // skip the continuation's whitespace and comments up to the next quote
      while (i < n && quoted.charAt(i) != '\'') {
        if (quoted.charAt(i) == '-' && i + 1 < n && quoted.charAt(i + 1) == '-') {
          while (i < n && quoted.charAt(i) != '\n' && quoted.charAt(i) != '\r') {
            i++;
          }
        } else {
          i++;
        }
      }
    }
    return out.toString();
  }

  private static String decodeBackslashes(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        out.append(c);
        continue;
      }
      char d = s.charAt(++i);
      switch (d) {
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'x' -> {
          int j = i + 1;
          while (j < s.length() && j < i + 3 && Character.digit(s.charAt(j), 16) >= 0) {
            j++;
          }
          if (j == i + 1) {
            out.append('x');
          } else {
            out.append((char) Integer.parseInt(s.substring(i + 1, j), 16));
            i = j - 1;
          }
        }
        case 'u', 'U' -> {
          int len = d == 'u' ? 4 : 8;
          if (hex(s, i + 1, len)) {
            out.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 1 + len), 16));
            i += len;
          } else {
            out.append(d);
          }
        }
        default -> {
          if (d >= '0' && d <= '7') {
            int j = i;
            while (j < s.length() && j < i + 3 && s.charAt(j) >= '0' && s.charAt(j) <= '7') {
              j++;
            }
            out.append((char) Integer.parseInt(s.substring(i, j), 8));
            i = j - 1;
          } else {
            out.append(d);
          }
        }
      }
    }
    return out.toString();
  }

  /** Decodes {@code \XXXX} and {@code \+XXXXXX} escapes ({@code \\} for the escape itself). */
  static String decodeUnicode(String s, char escape) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != escape) {
        out.append(c);
      } else if (i + 1 < s.length() && s.charAt(i + 1) == escape) {
        out.append(escape);
        i++;
      } else if (i + 1 < s.length() && s.charAt(i + 1) == '+' && hex(s, i + 2, 6)) {
        out.appendCodePoint(Integer.parseInt(s.substring(i + 2, i + 8), 16));
        i += 7;
      } else if (hex(s, i + 1, 4)) {
        out.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 5), 16));
        i += 4;
      } else {
        out.append(c); // the server rejects it; keep it visible
      }
    }
    return out.toString();
  }

  private static boolean hex(String s, int from, int len) {
    if (from + len > s.length()) {
      return false;
    }
    for (int i = from; i < from + len; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
