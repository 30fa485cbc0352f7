package ing.paperclip.db.core.sql;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;

/**
 * Quoting of SQL identifiers and literals for PostgreSQL, for the places where a value cannot be
 * bound (DDL, COPY, generated scripts). Everything else binds values with
 * {@link java.sql.PreparedStatement}. Stateless and thread-safe.
 */
public final class SqlIdentifiers {
  private SqlIdentifiers() {}

  /**
   * Quotes an identifier the way {@code quote_ident} would if it always quoted:
   * {@code my"name} becomes {@code "my""name"}.
   *
   * @param identifier a non-null identifier without NUL characters
   * @return the quoted identifier
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} if it is empty or holds NUL
   */
  public static String quote(String identifier) {
    if (identifier == null || identifier.isEmpty()) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT,
          "empty SQL identifier: give a non-empty name");
    }
    if (identifier.indexOf('\0') >= 0) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT,
          "SQL identifier contains a NUL character: remove it");
    }
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** Quotes a schema-qualified name: {@code "schema"."name"}. */
  public static String qualified(String schema, String name) {
    return quote(schema) + '.' + quote(name);
  }

  /**
   * Quotes a string literal in standard-conforming form ({@code 'it''s'}); backslashes are
   * literal because {@code standard_conforming_strings} is on in every supported server.
   *
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} if the value holds NUL
   */
  public static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT,
          "SQL literal contains a NUL character, which PostgreSQL text cannot hold");
    }
    return '\'' + value.replace("'", "''") + '\'';
  }
}
