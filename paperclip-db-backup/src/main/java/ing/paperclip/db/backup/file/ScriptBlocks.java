package ing.paperclip.db.backup.file;

import ing.paperclip.db.backup.file.BackupManifest.TableEntry;
import ing.paperclip.db.backup.internal.CopyLine;
import ing.paperclip.db.backup.internal.Sha256;
import ing.paperclip.db.core.sql.SqlScriptReader;
import ing.paperclip.db.core.sql.SqlStatement;
import ing.paperclip.db.core.sql.SqlToken;
import ing.paperclip.db.core.sql.SqlTokenKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The COPY blocks of a backup's text (ours or pg_dump's plain output) as the project's one lexer
 * finds them ({@link SqlScriptReader} in {@code core.sql}: a block is the data after a
 * {@code COPY ... FROM stdin;} statement, exactly where psql and the restore read one, so a
 * function body or a literal that merely looks like COPY is not data): each block's row count
 * and SHA-256, computed as the rows stream by without holding them, and optionally the text as
 * format 2's body checksum covers it (see {@link BackupFormat}): every byte outside COPY rows,
 * and for each block's rows and end marker {@link BackupFormat#rowsChecksumText}. Used by the
 * verifier and by {@link BackupWriter#foreignBody} (pg_dump's text). Not thread-safe; one instance per text.
 */
final class ScriptBlocks {
  private static final BackupWriter.TextListener NONE = new BackupWriter.TextListener() { };

  private final OutputStream skeleton;
  private final BackupWriter.TextListener listener;
  private final List<TableEntry> tables = new ArrayList<>();
  private final List<long[]> ranges = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final MessageDigest digest = Sha256.newDigest();
  /** Bytes of the text consumed so far (SQL text, rows and end markers). */
  private long position;
  private String openBlock;
  private long openLine;

  /**
   * Creates a reader.
   *
   * @param skeleton receives the text format 2's body checksum covers, or null
   * @param listener receives statements and blocks, or null
   */
  ScriptBlocks(OutputStream skeleton, BackupWriter.TextListener listener) {
    this.skeleton = skeleton;
    this.listener = listener == null ? NONE : listener;
  }

  /**
   * Reads the text to its end (or to the end of an unterminated block).
   *
   * @param in the text's UTF-8 bytes; not closed
   * @throws ing.paperclip.db.core.sql.SqlSyntaxException when the text ends inside a quote or
   *     comment (what was read so far stays available)
   * @throws IOException what {@code in}, the skeleton or the listener throw
   */
  void read(InputStream in) throws IOException {
    SqlScriptReader script = new SqlScriptReader(in).onText((b, off, len, newlines) -> {
      position += len;
      emit(b, off, len);
    });
    try {
      for (SqlStatement p = script.next(); p != null; p = script.next()) {
        listener.statement(p);
        if (p.isCopyFromStdin() && endsWithSemicolon(p)) {
          block(script, p);
          if (openBlock != null) {
            return;
          }
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void block(SqlScriptReader script, SqlStatement p) throws IOException {
    long line = p.first().map(SqlToken::line).orElse(0);
    long start = dataLineStart(p);
    Optional<CopyLine> copy = CopyLine.parse(p.sql());
    String name = copy.map(c -> c.schema() + "." + c.table()).orElse("?");
    if (copy.isEmpty()) {
      problems.add("the COPY statement at line " + line + " is not one paperclip-db or pg_dump writes");
    }
    if (!script.copyLineRest().isBlank()) {
      problems.add("line " + line + " holds text after its COPY statement, which psql would run after the rows");
    }
    digest.reset();
    long[] bytes = {0};
    openBlock = name;
    openLine = line;
    SqlScriptReader.CopyEnd end = script.copyData((b, off, len, newlines) -> {
      digest.update(b, off, len);
      bytes[0] += len;
    });
    position += bytes[0];
    if (!end.terminated()) {
      return;
    }
    openBlock = null;
    openLine = 0;
    position += end.carriageReturn() ? 4 : 3;
    if (end.carriageReturn()) {
      problems.add("line " + (end.startLine() + end.lines()) + " in the rows of " + name
          + " is \\. and a carriage return, which psql takes for the end of the rows");
    }
    String sha = Sha256.hex(digest);
    TableEntry entry = new TableEntry(copy.map(CopyLine::schema).orElse("?"),
        copy.map(CopyLine::table).orElse("?"), end.lines(), sha);
    tables.add(entry);
    ranges.add(new long[] {start, position});
    byte[] standIn = BackupFormat.rowsChecksumText(sha);
    emit(standIn, 0, standIn.length);
    listener.blockDone(entry);
  }

  /**
   * Where a block starts: its {@code -- data:} line (our engine) or pg_dump's
   * {@code TABLE DATA} comment, else its COPY statement.
   */
  private static long dataLineStart(SqlStatement p) {
    long start = -1;
    for (SqlToken t : p.tokens()) {
      if (t.isSignificant()) {
        return start >= 0 ? start : t.byteOffset();
      }
      if (t.kind() == SqlTokenKind.LINE_COMMENT && (t.text().startsWith(BackupFormat.DATA_PREFIX)
          || (t.text().startsWith("-- Data for Name: ") && t.text().contains("; Type: TABLE DATA;")))) {
        start = t.byteOffset();
      }
    }
    return start;
  }

  private static boolean endsWithSemicolon(SqlStatement s) {
    List<SqlToken> sig = s.significant();
    return !sig.isEmpty() && sig.get(sig.size() - 1).kind() == SqlTokenKind.SEMICOLON;
  }

  /** Returns the blocks completed, in file order. */
  List<TableEntry> tables() {
    return List.copyOf(tables);
  }

  /**
   * Returns where each completed block lies in the text, in file order: from the start of its
   * {@code -- data:} (or pg_dump comment) line to the end of its end-marker line.
   */
  List<long[]> blockRanges() {
    return ranges.stream().map(long[]::clone).toList();
  }

  /** Returns what no backup writes: unparsable COPY statements, text after one, {@code \.} and CR. */
  List<String> problems() {
    return List.copyOf(problems);
  }

  /** Returns the table of a block the text ended in (no end marker), if any. */
  Optional<String> openBlock() {
    return Optional.ofNullable(openBlock);
  }

  /** Returns the line of the COPY statement of the block the text ended in, or 0. */
  long openBlockLine() {
    return openLine;
  }

  private void emit(byte[] b, int off, int len) throws IOException {
    if (skeleton != null && len > 0) {
      skeleton.write(b, off, len);
    }
  }
}
