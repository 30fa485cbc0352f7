package ing.paperclip.db.backup.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ing.paperclip.db.backup.internal.CopyLine;
import ing.paperclip.db.backup.internal.SqlNames;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a backup file's text, of any {@link Format}, into typed {@link BackupEvent}s, on the
 * project's one lexer ({@link SqlScriptReader} in {@code core.sql}: its statements,
 * meta-commands and COPY blocks, nothing re-derived here). What this class adds is the backup's
 * reading of them, done once here for every consumer (planner, allowlist, executors, CLI): the
 * comments before a statement ({@code -- section:}, our {@code -- entry: {json}} lines, pg_dump's
 * {@code -- Name: ...; Type: ...; Schema: ...; Owner: ...} comments, its closing line), the
 * statement's code shape, a COPY statement's target, and the refusals of what no backup holds
 * (text after a COPY statement on its line, an end marker with a carriage return, a statement cut
 * by a meta-command or by the end of the file). COPY data is passed on as the file's raw bytes
 * ({@link Handler#data}), never decoded: memory stays bounded by the longest statement, whatever
 * the data size. Not thread-safe.
 */
public final class BackupReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PG_DUMP_TOC = Pattern.compile(
      "-- Name: (.*); Type: (.*); Schema: (.*); Owner: (.*)");
  private static final Pattern COPY_TABLE = Pattern.compile("(?is)^\\s*COPY\\s+" + SqlNames.QUALIFIED + ".*");
  private static final String PG_DUMP_COMPLETE = "-- PostgreSQL database dump complete";

  /** Receives what the reader finds, in order. */
  @FunctionalInterface
  public interface Handler {
    /** The next event. */
    void event(BackupEvent event) throws IOException;

    /**
     * A chunk of the current COPY block's rows, as the file's bytes: whole lines with their
     * {@code \n}, possibly ending inside a line that the next chunk continues. Never includes the
     * end marker. Handlers forward or count the bytes; nothing is decoded per line. The default
     * ignores them.
     *
     * @param b the buffer, valid only during the call
     * @param off where the chunk starts
     * @param len its length in bytes
     * @param newlines how many {@code \n} the chunk holds
     */
    default void data(byte[] b, int off, int len, int newlines) throws IOException {}
  }

  private final InputStream in;

  /** Creates a reader over a file's UTF-8 text (the caller buffers, decompresses and closes the stream). */
  public BackupReader(InputStream in) {
    this.in = in;
  }

  /**
   * Reads the whole text.
   *
   * @return the number of lines read
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} when the text ends inside a
   *     statement, string, comment or COPY block (a truncated file), or holds what no backup
   *     writes (see the class comment)
   * @throws IOException if the stream fails
   */
  public long read(Handler handler) throws IOException {
    SqlScriptReader script = new SqlScriptReader(in);
    String section = "";
    try {
      SqlStatement pending = null; // a piece without its semicolon, cut by a meta-command
      for (SqlStatement p = script.next(); p != null; p = script.next()) {
        if (pending != null) {
          if (p.metaCommand()) {
            handler.event(new BackupEvent.MetaCommand(p.sql().strip(), startLine(p))); // psql runs it first
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
            if (c.startsWith(BackupFormat.ENTRY_PREFIX) || c.startsWith(BackupFormat.DATA_PREFIX)
                || c.startsWith("-- Name: ")) {
              label = c;
            } else if (c.startsWith(BackupFormat.SECTION_PREFIX)) {
              section = c.substring(BackupFormat.SECTION_PREFIX.length()).strip();
              handler.event(new BackupEvent.Section(section, t.line()));
            } else if (c.startsWith(PG_DUMP_COMPLETE)) {
              handler.event(new BackupEvent.DumpComplete(t.line()));
            }
          }
        }
        if (p.metaCommand()) {
          handler.event(new BackupEvent.MetaCommand(p.sql().strip(), startLine(p)));
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
          copy(script, p, handler);
        } else {
          statement(p, label, section.isEmpty(), handler);
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

  /**
   * The statement as an {@link BackupEvent.Entry} when the comment before it names an object, else
   * as a {@link BackupEvent.Statement}. pg_dump's comments name entries only in a body without
   * section lines (a body of ours is described by its own entry lines).
   */
  private static void statement(SqlStatement p, String label, boolean unsectioned, Handler handler)
      throws IOException {
    String sql = p.sql();
    String code = code(p);
    long line = startLine(p);
    if (label.startsWith(BackupFormat.ENTRY_PREFIX)) {
      Optional<BackupEvent.Entry> e = ourEntry(label, sql, code, line);
      if (e.isPresent()) {
        handler.event(e.get());
        return;
      }
      handler.event(new BackupEvent.UnreadableLabel(label, line));
    }
    Matcher toc = PG_DUMP_TOC.matcher(label);
    if (toc.matches() && unsectioned) {
      String schema = toc.group(3).equals("-") ? "" : toc.group(3);
      String owner = toc.group(4).equals("-") ? "" : toc.group(4);
      handler.event(new BackupEvent.Entry(BackupEvent.Entry.Origin.PG_DUMP_TOC, toc.group(2), schema, toc.group(1),
          List.of(), owner, sql, code, line));
      return;
    }
    handler.event(new BackupEvent.Statement(sql, code, line));
  }

  private static Optional<BackupEvent.Entry> ourEntry(String label, String sql, String code, long line) {
    try {
      JsonNode e = JSON.readTree(label.substring(BackupFormat.ENTRY_PREFIX.length()));
      if (e == null || !e.isObject()) {
        return Optional.empty();
      }
      List<String> deps = new ArrayList<>();
      e.path("deps").forEach(d -> deps.add(d.asText()));
      return Optional.of(new BackupEvent.Entry(BackupEvent.Entry.Origin.ENTRY_LINE, e.path("kind").asText(),
          e.path("schema").asText(), e.path("name").asText(), deps, "", sql, code, line));
    } catch (IOException ex) {
      return Optional.empty();
    }
  }

  private static void copy(SqlScriptReader script, SqlStatement p, Handler handler) throws IOException {
    long line = startLine(p);
    if (!script.copyLineRest().isBlank()) {
      // psql runs such text once the rows are in; a reader skipping it would check something
      // else than what psql runs
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, "line " + line + " holds text after"
          + " its COPY statement, which psql would run after the rows and no backup writes; the"
          + " file was altered, use another backup");
    }
    handler.event(dataStart(p.sql(), line));
    long[] rows = {0};
    SqlScriptReader.CopyEnd end = script.copyData((b, off, len, newlines) -> {
      rows[0] += newlines;
      handler.data(b, off, len, newlines);
    });
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
    handler.event(new BackupEvent.DataEnd(rows[0], line));
  }

  /** A COPY statement's target: our writer's line (names may be U&"..." escaped), else pg_dump's and the original's forms. */
  private static BackupEvent.DataStart dataStart(String copySql, long line) {
    Optional<CopyLine> ours = CopyLine.parse(copySql.strip());
    if (ours.isPresent()) {
      return new BackupEvent.DataStart(ours.get().schema(), ours.get().table(), ours.get().columns(), copySql, line);
    }
    Matcher m = COPY_TABLE.matcher(copySql);
    String[] target = m.matches() ? SqlNames.splitQualified(m.group(1)) : new String[] {"", "?"};
    return new BackupEvent.DataStart(target[0], target[1], List.of(), copySql, line);
  }

  private static long startLine(SqlStatement p) {
    return p.first().map(SqlToken::line).orElse(0);
  }

  /**
   * The statement as policy checks read it (see {@link BackupEvent.Sql#code()}): every string
   * reduced to its prefix and {@code ''}, every quoted identifier to {@code ""}, every
   * dollar-quoted body to {@code $$$$}, comments and line breaks to spaces.
   */
  private static String code(SqlStatement p) {
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
}
