package ing.paperclip.db.backup.script;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.sql.SqlScriptReader;
import ing.paperclip.db.core.sql.SqlStatement;
import ing.paperclip.db.core.sql.SqlSyntaxException;
import ing.paperclip.db.core.sql.SqlToken;
import ing.paperclip.db.core.sql.SqlTokenKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * Reads a backup script into {@link ScriptItem}s for the restore, on the project's one lexer
 * ({@link SqlScriptReader} in {@code core.sql}: its statements, meta-commands and COPY blocks,
 * nothing re-derived here). What this class adds is the backup's reading of them: the labels
 * ({@code -- entry:}, {@code -- data:}, pg_dump's {@code -- Name:}) and sections of the comments
 * before a statement, the statement's {@link ScriptItem.Statement#code() code shape}, and the
 * refusals of what no backup holds (text after a COPY statement on its line, an end marker with
 * a carriage return, a statement cut by a meta-command or by the end of the file). COPY data is
 * passed on as the file's raw bytes ({@link Handler#copyData}), never decoded: memory stays
 * bounded by the longest statement, whatever the data size. Not thread-safe.
 */
public final class ScriptReader {

  /** Receives what the reader finds, in order. */
  public interface Handler {
    /** A statement or meta-command or the start of a COPY block. */
    void item(ScriptItem item) throws IOException;

    /**
     * A chunk of the current COPY block's data, as the file's bytes: whole lines with their
     * {@code \n}, possibly ending inside a line that the next chunk continues. Never includes the
     * end marker. Handlers forward or count the bytes; nothing is decoded per line.
     *
     * @param b the buffer, valid only during the call
     * @param off where the chunk starts
     * @param len its length in bytes
     * @param newlines how many {@code \n} the chunk holds
     */
    void copyData(byte[] b, int off, int len, int newlines) throws IOException;

    /** The end of the current COPY block ({@code \.}). */
    void copyEnd() throws IOException;

    /** A comment line between statements (the default ignores it). */
    default void comment(String line) throws IOException {}
  }

  private final InputStream in;

  /** Creates a reader over a script's UTF-8 bytes (the caller buffers and closes the stream). */
  public ScriptReader(InputStream in) {
    this.in = in;
  }

  /**
   * Reads the whole script.
   *
   * @return the number of lines read
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} when the script ends inside a
   *     statement, string, comment or COPY block (a truncated file)
   */
  public long read(Handler handler) throws IOException {
    SqlScriptReader script = new SqlScriptReader(in);
    String section = "";
    try {
      SqlStatement pending = null; // a piece without its semicolon, cut by a meta-command
      for (SqlStatement p = script.next(); p != null; p = script.next()) {
        if (pending != null) {
          if (p.metaCommand()) {
            handler.item(new ScriptItem.MetaCommand(p.sql().strip(), startLine(p))); // psql runs it first
          }
          throw new PaperclipException(ErrorCode.CORRUPT_FILE, "line " + p.first().map(SqlToken::line).orElse(0)
              + " holds a psql meta-command inside the statement started at line " + startLine(pending)
              + ", which psql would run before the statement; the file was altered, use another backup");
        }
        String label = "";
        for (SqlToken t : p.tokens()) {
          if (t.isSignificant()) {
            break;
          }
          if (t.kind() == SqlTokenKind.LINE_COMMENT) {
            String c = t.text().strip();
            handler.comment(c);
            if (c.startsWith("-- entry: ") || c.startsWith("-- data: ") || c.startsWith("-- Name: ")) {
              label = c;
            } else if (c.startsWith("-- section: ")) {
              section = c.substring("-- section: ".length()).strip();
            }
          }
        }
        if (p.metaCommand()) {
          handler.item(new ScriptItem.MetaCommand(p.sql().strip(), startLine(p)));
          continue;
        }
        if (p.isBlank()) {
          continue;
        }
        List<SqlToken> sig = p.significant();
        if (sig.get(sig.size() - 1).kind() != SqlTokenKind.SEMICOLON) {
          pending = p;
          continue;
        }
        if (p.isCopyFromStdin()) {
          copy(script, p, label, handler);
        } else {
          handler.item(new ScriptItem.Statement(p.sql(), label, section, startLine(p), code(p)));
        }
      }
      if (pending != null) {
        throw new PaperclipException(ErrorCode.CORRUPT_FILE, "the script ends in the middle of a statement"
            + " (started at line " + startLine(pending) + "): the file is truncated or damaged; use another backup");
      }
    } catch (SqlSyntaxException e) {
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, "the script has an " + e.getMessage()
          + ": the file is truncated or damaged; use another backup", e);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return script.lines();
  }

  private static void copy(SqlScriptReader script, SqlStatement p, String label, Handler handler) throws IOException {
    long line = startLine(p);
    if (!script.copyLineRest().isBlank()) {
      // psql runs such text once the rows are in; a reader skipping it would check something
      // else than what psql runs
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, "line " + line + " holds text after"
          + " its COPY statement, which psql would run after the rows and no backup writes; the"
          + " file was altered, use another backup");
    }
    handler.item(new ScriptItem.CopyStart(p.sql(), label, line));
    SqlScriptReader.CopyEnd end = script.copyData(handler::copyData);
    if (end.carriageReturn()) {
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, "line " + (end.startLine() + end.lines())
          + " in the rows starting at line " + line + " is \\. and a carriage return: COPY never"
          + " writes that, and psql would end the rows there and run what follows as SQL; the file was"
          + " altered, use another backup");
    }
    if (!end.terminated()) {
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, "the COPY block starting at line " + line
          + " has no end marker (\\.): the file is truncated; use another backup");
    }
    handler.copyEnd();
  }

  private static long startLine(SqlStatement p) {
    return p.first().map(SqlToken::line).orElse(0);
  }

  /**
   * The statement as policy checks read it (see {@link ScriptItem.Statement#code()}): every
   * string reduced to its prefix and {@code ''}, every quoted identifier to {@code ""}, every
   * dollar-quoted body to {@code $$$$}, comments and line breaks to spaces.
   */
  static String code(SqlStatement p) {
    StringBuilder b = new StringBuilder();
    boolean started = false;
    for (SqlToken t : p.tokens()) {
      started |= t.isSignificant();
      if (!started) {
        continue;
      }
      String x = t.text();
      switch (t.kind()) {
        case WHITESPACE -> b.append(x.replace('\n', ' '));
        case BLOCK_COMMENT -> b.append(' ');
        case LINE_COMMENT -> { } // its newline follows as whitespace
        case STRING -> b.append(x.charAt(0) == '\'' ? "" : x.substring(0, 1)).append("''");
        case ESCAPE_STRING, BIT_STRING, HEX_STRING -> b.append(x.charAt(0)).append("''");
        case UNICODE_STRING -> b.append(x, 0, 2).append("''");
        case QUOTED_IDENTIFIER -> b.append("\"\"");
        case UNICODE_IDENTIFIER -> b.append(x, 0, 2).append("\"\"");
        case DOLLAR_STRING -> b.append("$$$$");
        default -> b.append(x);
      }
    }
    return b.toString().strip();
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
