package ing.paperclip.db.core.sql;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One statement as {@link SqlSplitter} cut it: the source text from the end of the previous
 * statement through its terminating semicolon (leading whitespace and comments included, so
 * joining every statement's text gives back the input).
 *
 * @param number 1-based position among all pieces of the input, blank ones included
 * @param text the exact source text
 * @param tokens every token of the text, trivia included
 * @param metaCommand whether this piece is a psql meta-command line rather than SQL
 */
public record SqlStatement(int number, String text, List<SqlToken> tokens, boolean metaCommand) {
  /** Copies. */
  public SqlStatement {
    tokens = List.copyOf(tokens);
  }

  /** Returns the tokens the server would see: no whitespace, no comments. */
  public List<SqlToken> significant() {
    return tokens.stream().filter(SqlToken::isSignificant).toList();
  }

  /** Returns whether there is nothing but whitespace, comments and semicolons. */
  public boolean isBlank() {
    return tokens.stream().noneMatch(t -> t.isSignificant() && t.kind() != SqlTokenKind.SEMICOLON);
  }

  /** Returns the first significant token, where the statement starts. */
  public Optional<SqlToken> first() {
    return tokens.stream().filter(SqlToken::isSignificant).findFirst();
  }

  /** Returns the lower-cased first keyword, e.g. {@code "create"}, if the statement starts with a word. */
  public Optional<String> keyword() {
    return first().filter(t -> t.kind() == SqlTokenKind.IDENTIFIER).map(t -> t.text().toLowerCase(Locale.ROOT));
  }

  /**
   * Returns whether this is {@code COPY ... FROM STDIN}: data lines follow it, to be read with
   * {@link SqlSplitter#readCopyData} before the next statement.
   */
  public boolean isCopyFromStdin() {
    List<SqlToken> s = significant();
    if (s.isEmpty() || !s.get(0).isWord("copy")) {
      return false;
    }
    int depth = 0; // COPY (SELECT ... FROM stdin) TO ... reads a table named stdin
    for (int i = 1; i + 1 < s.size(); i++) {
      if (s.get(i).isSymbol("(")) {
        depth++;
      } else if (s.get(i).isSymbol(")")) {
        depth--;
      } else if (depth == 0 && s.get(i).isWord("from") && s.get(i + 1).isWord("stdin")) {
        return true;
      }
    }
    return false;
  }

  /** Returns the text without leading and trailing whitespace and comments (for the server, logs). */
  public String sql() {
    int from = -1;
    int to = -1;
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).isSignificant()) {
        if (from < 0) {
          from = i;
        }
        to = i;
      }
    }
    if (from < 0) {
      return "";
    }
    long base = tokens.get(0).offset();
    int start = (int) (tokens.get(from).offset() - base);
    SqlToken last = tokens.get(to);
    int end = (int) (last.offset() - base) + last.text().length();
    return text.substring(start, end);
  }
}
