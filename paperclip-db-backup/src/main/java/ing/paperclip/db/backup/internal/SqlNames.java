package ing.paperclip.db.backup.internal;

import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.util.List;
import java.util.Locale;

/**
 * The name patterns the backup reader and the restore planner read statements with: an
 * identifier (quoted or not) and a possibly schema-qualified name, and their parsing. Constants
 * and static methods only.
 */
public final class SqlNames {
  /** An identifier, quoted or not. */
  public static final String IDENT = "(?:\"(?:[^\"]|\"\")*\"|[\\w$]+)";
  /** A possibly schema-qualified name, as a regex group. */
  public static final String QUALIFIED = "(" + IDENT + "(?:\\s*\\.\\s*" + IDENT + ")?)";

  private SqlNames() {}

  /**
   * Splits {@code schema.table} as written in a statement (either part quoted or not; unquoted
   * parts folded as PostgreSQL folds them) into its two parts, {@code public} when no schema is
   * given. The splitting is {@link SqlIdentifiers#splitQualified}.
   */
  public static String[] splitQualified(String name) {
    List<String> parts = SqlIdentifiers.splitQualified(name, true);
    return parts.size() == 1 ? new String[] {"public", parts.get(0)}
        : new String[] {parts.get(0), parts.get(1)};
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
