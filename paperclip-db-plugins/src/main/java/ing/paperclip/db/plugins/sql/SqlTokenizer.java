package ing.paperclip.db.plugins.sql;

import ing.paperclip.db.plugins.PluginException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A PostgreSQL tokenizer: words, double-quoted identifiers ({@code ""} escapes), strings
 * ({@code ''}, {@code E''} with backslash escapes, dollar quotes with tags), numbers, symbols;
 * {@code --} and nested block comments are skipped. Stateless and thread-safe.
 */
public final class SqlTokenizer {
  private SqlTokenizer() {}

  /**
   * Tokenizes SQL text.
   *
   * @param sql the text
   * @param source names it in errors
   * @throws PluginException for an unterminated string, identifier or comment
   */
  public static List<Token> tokenize(String sql, String source) {
    List<Token> out = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    int line = 1;
    int lineStart = 0;
    while (i < n) {
      char c = sql.charAt(i);
      int col = i - lineStart + 1;
      if (c == '\n') {
        line++;
        lineStart = i + 1;
        i++;
        continue;
      }
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int depth = 1;
        int startLine = line;
        i += 2;
        while (i < n && depth > 0) {
          char d = sql.charAt(i);
          if (d == '\n') {
            line++;
            lineStart = i + 1;
          }
          if (d == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
            depth++;
            i += 2;
          } else if (d == '*' && i + 1 < n && sql.charAt(i + 1) == '/') {
            depth--;
            i += 2;
          } else {
            i++;
          }
        }
        if (depth > 0) {
          throw new PluginException(source + ": unterminated comment starting at line " + startLine);
        }
        continue;
      }
      if (c == '\'' || ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'')) {
        boolean escapes = c != '\'';
        int startLine = line;
        i += escapes ? 2 : 1;
        StringBuilder sb = new StringBuilder();
        boolean closed = false;
        while (i < n) {
          char d = sql.charAt(i);
          if (d == '\n') {
            line++;
            lineStart = i + 1;
          }
          if (escapes && d == '\\' && i + 1 < n) {
            sb.append(sql.charAt(i + 1));
            i += 2;
          } else if (d == '\'') {
            if (i + 1 < n && sql.charAt(i + 1) == '\'') {
              sb.append('\'');
              i += 2;
            } else {
              i++;
              closed = true;
              break;
            }
          } else {
            sb.append(d);
            i++;
          }
        }
        if (!closed) {
          throw new PluginException(source + ": unterminated string starting at line " + startLine);
        }
        out.add(new Token(Token.Kind.STRING, sb.toString(), startLine, col));
        continue;
      }
      if (c == '"') {
        int startLine = line;
        i++;
        StringBuilder sb = new StringBuilder();
        boolean closed = false;
        while (i < n) {
          char d = sql.charAt(i);
          if (d == '"') {
            if (i + 1 < n && sql.charAt(i + 1) == '"') {
              sb.append('"');
              i += 2;
            } else {
              i++;
              closed = true;
              break;
            }
          } else {
            if (d == '\n') {
              line++;
              lineStart = i + 1;
            }
            sb.append(d);
            i++;
          }
        }
        if (!closed) {
          throw new PluginException(source + ": unterminated quoted identifier starting at line " + startLine);
        }
        out.add(new Token(Token.Kind.QUOTED_IDENT, sb.toString(), startLine, col));
        continue;
      }
      if (c == '$') {
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
          j++;
        }
        if (j < n && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)))) {
          String tag = sql.substring(i, j + 1);
          int end = sql.indexOf(tag, j + 1);
          if (end < 0) {
            throw new PluginException(source + ": unterminated " + tag + " quoted string starting at line " + line);
          }
          String body = sql.substring(j + 1, end);
          out.add(new Token(Token.Kind.STRING, body, line, col));
          for (int k = i; k < end + tag.length(); k++) {
            if (sql.charAt(k) == '\n') {
              line++;
              lineStart = k + 1;
            }
          }
          i = end + tag.length();
          continue;
        }
      }
      if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$')) {
          j++;
        }
        out.add(new Token(Token.Kind.WORD, sql.substring(i, j).toLowerCase(Locale.ROOT), line, col));
        i = j;
        continue;
      }
      if (Character.isDigit(c)) {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '.')) {
          j++;
        }
        out.add(new Token(Token.Kind.NUMBER, sql.substring(i, j), line, col));
        i = j;
        continue;
      }
      out.add(new Token(c == ';' ? Token.Kind.SEMICOLON : Token.Kind.SYMBOL, String.valueOf(c), line, col));
      i++;
    }
    return out;
  }

  /** Splits tokens into statements at semicolons (empty statements dropped). */
  public static List<List<Token>> statements(List<Token> tokens) {
    List<List<Token>> out = new ArrayList<>();
    List<Token> cur = new ArrayList<>();
    for (Token t : tokens) {
      if (t.kind() == Token.Kind.SEMICOLON) {
        if (!cur.isEmpty()) {
          out.add(List.copyOf(cur));
        }
        cur = new ArrayList<>();
      } else {
        cur.add(t);
      }
    }
    if (!cur.isEmpty()) {
      out.add(List.copyOf(cur));
    }
    return out;
  }
}
