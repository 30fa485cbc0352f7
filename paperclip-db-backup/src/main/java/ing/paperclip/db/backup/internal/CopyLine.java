package ing.paperclip.db.backup.internal;

import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The header line of a {@code COPY ... FROM stdin} block: formatting (for the java engine) and
 * parsing (for pg_dump output and verification). Parsing accepts quoted and unquoted
 * identifiers, as pg_dump writes them.
 *
 * @param schema the table's schema, unquoted
 * @param table the table's name, unquoted
 * @param columns the column names, unquoted; empty when the line has no column list
 */
public record CopyLine(String schema, String table, List<String> columns) {
  private static final String START = "COPY ";
  private static final String END = " FROM stdin;";

  /** Copies. */
  public CopyLine {
    columns = List.copyOf(columns);
  }

  /**
   * Returns {@code COPY "schema"."table" ("a", "b") FROM stdin;} without a line break: a name
   * holding a control character (a newline) is written as a Unicode-escaped identifier
   * ({@code U&"a\000ab"}), so that the line stays one line for line-based readers.
   */
  public String format() {
    StringBuilder sb = new StringBuilder(START).append(quote(schema)).append('.').append(quote(table));
    if (!columns.isEmpty()) {
      sb.append(" (").append(columns.stream().map(CopyLine::quote)
          .collect(Collectors.joining(", "))).append(')');
    }
    return sb.append(END).toString();
  }

  /**
   * Parses a COPY header line.
   *
   * @param line one line without its line break
   * @return the parsed line, or empty if it is not a {@code COPY schema.table ... FROM stdin;} line
   */
  public static Optional<CopyLine> parse(String line) {
    if (!line.startsWith(START) || !line.endsWith(END)) {
      return Optional.empty();
    }
    // pg_dump writes "COPY s.t  FROM stdin;" (two spaces) for tables without columns.
    String s = line.substring(START.length(), line.length() - END.length()).stripTrailing();
    int[] pos = {0};
    String schema = ident(s, pos);
    if (schema == null || pos[0] >= s.length() || s.charAt(pos[0]) != '.') {
      return Optional.empty();
    }
    pos[0]++;
    String table = ident(s, pos);
    if (table == null) {
      return Optional.empty();
    }
    List<String> cols = new ArrayList<>();
    if (pos[0] < s.length()) {
      if (!s.startsWith(" (", pos[0])) {
        return Optional.empty();
      }
      pos[0] += 2;
      while (true) {
        String col = ident(s, pos);
        if (col == null) {
          return Optional.empty();
        }
        cols.add(col);
        if (s.startsWith(", ", pos[0])) {
          pos[0] += 2;
        } else if (pos[0] == s.length() - 1 && s.charAt(pos[0]) == ')') {
          pos[0]++;
          break;
        } else {
          return Optional.empty();
        }
      }
    }
    return Optional.of(new CopyLine(schema, table, cols));
  }

  private static String quote(String name) {
    if (name.chars().noneMatch(Character::isISOControl)) {
      return SqlIdentifiers.quote(name);
    }
    StringBuilder sb = new StringBuilder("U&\"");
    for (char c : name.toCharArray()) {
      if (c == '"') {
        sb.append("\"\"");
      } else if (c == '\\') {
        sb.append("\\\\");
      } else if (Character.isISOControl(c)) {
        sb.append(String.format(java.util.Locale.ROOT, "\\%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static String ident(String s, int[] pos) {
    int i = pos[0];
    if (i >= s.length()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    boolean unicode = s.startsWith("U&\"", i);
    if (unicode) {
      i++;
      i++;
    }
    if (s.charAt(i) == '"') {
      i++;
      while (true) {
        if (i >= s.length()) {
          return null;
        }
        char c = s.charAt(i);
        if (c == '"') {
          if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
            sb.append('"');
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (unicode && c == '\\') {
          if (i + 1 < s.length() && s.charAt(i + 1) == '\\') {
            sb.append('\\');
            i += 2;
            continue;
          }
          if (i + 5 > s.length()) {
            return null;
          }
          try {
            sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          } catch (NumberFormatException e) {
            return null;
          }
          i += 5;
          continue;
        }
        sb.append(c);
        i++;
      }
    } else {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '.' || c == ' ' || c == '(' || c == ')' || c == ',') {
          break;
        }
        sb.append(c);
        i++;
      }
      if (sb.length() == 0) {
        return null;
      }
    }
    pos[0] = i;
    return sb.toString();
  }
}
