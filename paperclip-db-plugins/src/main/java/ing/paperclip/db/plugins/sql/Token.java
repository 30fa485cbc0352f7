package ing.paperclip.db.plugins.sql;

/**
 * A SQL token.
 *
 * @param kind its kind
 * @param text its text: lower-cased for {@link Kind#WORD}, unquoted for {@link Kind#QUOTED_IDENT}
 *     and {@link Kind#STRING}, as written otherwise
 * @param line 1-based line
 * @param column 1-based column
 */
public record Token(Kind kind, String text, int line, int column) {
  /** Token kinds. */
  public enum Kind {
    /** An unquoted identifier or keyword. */
    WORD,
    /** A double-quoted identifier. */
    QUOTED_IDENT,
    /** A string: single-quoted, E'', or dollar-quoted. */
    STRING,
    /** A number. */
    NUMBER,
    /** {@code ;} */
    SEMICOLON,
    /** Any other character or operator. */
    SYMBOL
  }

  /** Returns whether this is the unquoted word {@code w} (lower case). */
  public boolean isWord(String w) {
    return kind == Kind.WORD && text.equals(w);
  }

  /** Returns whether this token names something (word or quoted identifier). */
  public boolean isIdentifier() {
    return kind == Kind.WORD || kind == Kind.QUOTED_IDENT;
  }

  /** Returns {@code line:column}. */
  public String position() {
    return line + ":" + column;
  }
}
