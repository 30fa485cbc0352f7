package ing.paperclip.db.core.sql;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.util.ArrayList;
import java.util.List;

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

  /**
   * Splits a possibly qualified name ({@code a.b}, {@code "a"."b.c"}) at the dots outside double
   * quotes, unquoting the quoted parts ({@code ""} becomes {@code "}; nothing inside quotes is
   * changed, blanks included). Text outside quotes is kept as written or, with
   * {@code foldUnquoted}, read as PostgreSQL reads an unquoted identifier: blanks dropped and ASCII
   * letters lower-cased (other letters keep their case, as in a UTF-8 database).
   *
   * @param name the name as written in SQL, or as the catalog quotes it ({@code format('%I.%I')},
   *     {@code regclass} text)
   * @param foldUnquoted whether to fold text outside quotes
   * @return the parts, at least one; an empty part where two dots meet
   */
  public static List<String> splitQualified(String name, boolean foldUnquoted) {
    List<String> parts = new ArrayList<>(2);
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (ch == '"') {
        if (quoted && i + 1 < name.length() && name.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (quoted) {
        cur.append(ch);
      } else if (ch == '.') {
        parts.add(cur.toString());
        cur.setLength(0);
      } else if (!foldUnquoted) {
        cur.append(ch);
      } else if (ch >= 'A' && ch <= 'Z') {
        cur.append((char) (ch + ('a' - 'A')));
      } else if (!Character.isWhitespace(ch)) {
        cur.append(ch);
      }
    }
    parts.add(cur.toString());
    return parts;
  }
}
