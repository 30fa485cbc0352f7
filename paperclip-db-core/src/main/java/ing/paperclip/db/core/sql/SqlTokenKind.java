package ing.paperclip.db.core.sql;

/** What a {@link SqlToken} is, following the token classes of PostgreSQL's {@code scan.l} and psql. */
public enum SqlTokenKind {
  /** Spaces, tabs, newlines, carriage returns, form and vertical feeds. */
  WHITESPACE,
  /** {@code --} up to (not including) the next newline or carriage return. */
  LINE_COMMENT,
  /** {@code /* ... *}{@code /}, nested. */
  BLOCK_COMMENT,
  /** An unquoted identifier or keyword. */
  IDENTIFIER,
  /** {@code "..."} with {@code ""} for a quote. */
  QUOTED_IDENTIFIER,
  /** {@code U&"..."} with Unicode escapes. */
  UNICODE_IDENTIFIER,
  /** {@code '...'} or {@code N'...'}. */
  STRING,
  /** {@code E'...'} with backslash escapes. */
  ESCAPE_STRING,
  /** {@code U&'...'} with Unicode escapes. */
  UNICODE_STRING,
  /** {@code B'...'}. */
  BIT_STRING,
  /** {@code X'...'}. */
  HEX_STRING,
  /** {@code $tag$...$tag$}. */
  DOLLAR_STRING,
  /** An integer or decimal number ({@code 42}, {@code 1.5e3}, {@code 0x1F}, {@code 1_000}). */
  NUMBER,
  /** A positional parameter {@code $1}. */
  PARAMETER,
  /** An operator, including {@code ::}, {@code :=}, {@code =>} and {@code ..}. */
  OPERATOR,
  /** One of {@code , ( ) [ ] . :}. */
  PUNCTUATION,
  /** {@code ;}. */
  SEMICOLON,
  /** A psql meta-command: a backslash up to the end of the line. */
  META_COMMAND,
  /** Any other character (PostgreSQL would report a syntax error). */
  OTHER;

  /** Returns whether this kind is whitespace or a comment (no meaning to the server). */
  public boolean isTrivia() {
    return this == WHITESPACE || this == LINE_COMMENT || this == BLOCK_COMMENT;
  }

  /** Returns whether this kind is a string constant of any form. */
  public boolean isString() {
    return this == STRING || this == ESCAPE_STRING || this == UNICODE_STRING || this == BIT_STRING
        || this == HEX_STRING || this == DOLLAR_STRING;
  }

  /** Returns whether this kind names something: an identifier, quoted or not. */
  public boolean isIdentifier() {
    return this == IDENTIFIER || this == QUOTED_IDENTIFIER || this == UNICODE_IDENTIFIER;
  }
}
