package ing.paperclip.db.core.sql;

import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Splits a SQL script into statements where psql would send them: at a semicolon outside quotes,
 * comments, dollar quotes and parentheses (so a parenthesised multi-action {@code CREATE RULE}
 * stays whole), and outside the {@code BEGIN ATOMIC ... END} body of a {@code CREATE [OR REPLACE]
 * FUNCTION|PROCEDURE} (psql's own heuristic: {@code BEGIN}, and {@code CASE} inside it, open a
 * level that {@code END} closes). A psql meta-command line ends the statement before it and is a
 * piece of its own. Streams: only the current statement is held in memory.
 *
 * <p>Every piece of the input is returned, blank ones ({@link SqlStatement#isBlank()}) included,
 * so joining the texts gives back the input. Not thread-safe.
 */
public final class SqlSplitter {
  private final SqlLexer lexer;
  private SqlToken pushedBack;
  private int number;

  /** Splits a reader with the default lexer options; the caller closes the reader. */
  public SqlSplitter(Reader in) {
    this(new SqlLexer(in));
  }

  /** Splits the tokens of a lexer. */
  public SqlSplitter(SqlLexer lexer) {
    this.lexer = Objects.requireNonNull(lexer, "lexer");
  }

  /** Splits a whole text, blank pieces included. */
  public static List<SqlStatement> split(CharSequence sql) {
    SqlSplitter s = new SqlSplitter(new StringReader(sql.toString()));
    List<SqlStatement> out = new ArrayList<>();
    for (SqlStatement st = s.next(); st != null; st = s.next()) {
      out.add(st);
    }
    return out;
  }

  /**
   * Reads the next piece.
   *
   * @return the statement, or {@code null} at the end of the input
   * @throws SqlSyntaxException for an unterminated quote or comment
   * @throws UncheckedIOException if the reader fails
   */
  public SqlStatement next() {
    List<SqlToken> tokens = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int parenDepth = 0;
    int beginDepth = 0;
    List<String> words = new ArrayList<>(4);
    boolean significant = false;
    while (true) {
      SqlToken t = pushedBack != null ? pushedBack : lexer.next();
      pushedBack = null;
      if (t == null) {
        return tokens.isEmpty() ? null : new SqlStatement(++number, text.toString(), tokens, false);
      }
      if (t.kind() == SqlTokenKind.META_COMMAND) {
        if (significant) {
          pushedBack = t; // the meta-command ends the statement before it
          return new SqlStatement(++number, text.toString(), tokens, false);
        }
        tokens.add(t);
        text.append(t.text());
        return new SqlStatement(++number, text.toString(), tokens, true);
      }
      tokens.add(t);
      text.append(t.text());
      switch (t.kind()) {
        case SEMICOLON -> {
          if (parenDepth == 0 && beginDepth == 0) {
            return new SqlStatement(++number, text.toString(), tokens, false);
          }
        }
        case PUNCTUATION -> {
          if (t.text().equals("(")) {
            parenDepth++;
          } else if (t.text().equals(")") && parenDepth > 0) {
            parenDepth--;
          }
        }
        case IDENTIFIER -> {
          if (words.size() < 4) {
            words.add(SqlToken.asciiLower(t.text()));
          }
          if (routineHeader(words) && parenDepth == 0) {
            if (t.isWord("begin")) {
              beginDepth++;
            } else if (t.isWord("case") && beginDepth >= 1) {
              beginDepth++;
            } else if (t.isWord("end") && beginDepth > 0) {
              beginDepth--;
            }
          }
        }
        default -> { }
      }
      significant |= t.isSignificant();
    }
  }

  /** psql's test: the statement starts CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
  private static boolean routineHeader(List<String> w) {
    if (w.isEmpty() || !w.get(0).equals("create")) {
      return false;
    }
    if (w.size() > 1 && isRoutine(w.get(1))) {
      return true;
    }
    return w.size() > 3 && w.get(1).equals("or") && w.get(2).equals("replace") && isRoutine(w.get(3));
  }

  private static boolean isRoutine(String w) {
    return w.equals("function") || w.equals("procedure");
  }

  /**
   * After a {@link SqlStatement#isCopyFromStdin()} statement: hands the data lines that follow to
   * {@code lines} (each with its newline), up to and excluding the {@code \.} end marker, which is
   * consumed. The rest of the line the statement ended on is skipped first, as psql does.
   *
   * @return the number of data lines
   * @throws SqlSyntaxException if the input ends before the end marker
   */
  public long readCopyData(Consumer<CharSequence> lines) {
    if (pushedBack != null) {
      throw new IllegalStateException("readCopyData must directly follow the COPY statement");
    }
    StringBuilder line = new StringBuilder();
    lexer.readLine(line); // the remainder of the COPY statement's own line
    long count = 0;
    while (true) {
      line.setLength(0);
      if (!lexer.readLine(line)) {
        throw new SqlSyntaxException("COPY data ends without its \\. line", 0, 0);
      }
      int len = line.length();
      int end = len > 0 && line.charAt(len - 1) == '\n' ? len - 1 : len;
      if (end > 0 && line.charAt(end - 1) == '\r') {
        end--;
      }
      if (end == 2 && line.charAt(0) == '\\' && line.charAt(1) == '.') {
        return count;
      }
      lines.accept(line);
      count++;
    }
  }
}
