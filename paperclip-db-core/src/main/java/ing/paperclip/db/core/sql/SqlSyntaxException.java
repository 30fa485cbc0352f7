package ing.paperclip.db.core.sql;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;

/**
 * SQL text the {@link SqlLexer} cannot read to its end: an unterminated quote, dollar quote or
 * comment. The message names the source, what is open and where it started.
 */
public final class SqlSyntaxException extends PaperclipException {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;

  /** Creates the exception for a construct opened at {@code line:column}. */
  public SqlSyntaxException(String message, int line, int column) {
    super(ErrorCode.INVALID_INPUT, message);
    this.line = line;
    this.column = column;
  }

  /** Returns the 1-based line where the offending construct starts. */
  public int line() {
    return line;
  }

  /** Returns the 1-based column where the offending construct starts. */
  public int column() {
    return column;
  }
}
