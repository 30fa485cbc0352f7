package ing.paperclip.db.backup.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import ing.paperclip.db.backup.dump.SchemaObject;
import ing.paperclip.db.backup.dump.Section;
import ing.paperclip.db.backup.dump.TableData;
import ing.paperclip.db.backup.file.BackupManifest.TableEntry;
import ing.paperclip.db.backup.internal.CopyLine;
import ing.paperclip.db.backup.internal.Json;
import ing.paperclip.db.backup.internal.ObservedInputStream;
import ing.paperclip.db.backup.internal.ToolVersion;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.keys.InstanceKey;
import ing.paperclip.db.core.sql.SqlStatement;
import ing.paperclip.db.core.sql.SqlSyntaxException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one writer of backup files (format {@value BackupFormat#VERSION}, {@code docs/BACKUPS.md},
 * "File format"): the header, the session settings, {@code BEGIN;}, the section lines, the schema
 * entries with their framed SQL, the data blocks ({@code -- data:} line, COPY statement, the rows a
 * {@link Rows} streams, {@code \.}; each block's SHA-256 and row count; what stands for its rows in
 * the body checksum), {@code COMMIT;}, the manifest ({@code bodyBytes}, {@code bodySha256}, the
 * table entries with their gzip members, the signature) and the end line. Engines hand it objects
 * and COPY streams; no other class spells a line of the format. The pg_dump engine's text passes
 * through {@link #foreignBody}, which finds its blocks as the verifier does.
 *
 * <p>Calls must follow the file's order, or they fail with {@link IllegalStateException} (a
 * programming error, never a user's): {@link #start}, then either {@link #section} {@code
 * PRE_DATA}, {@code DATA}, {@code POST_DATA} in that order (entries in the two schema sections,
 * blocks in the data section) or one {@link #foreignBody}, then {@link #finish}; nothing after it.
 *
 * <p>Used by one thread, except {@link Spooler}s, which workers share. Not thread-safe.
 */
public final class BackupWriter {
  private static final byte[] END = (BackupFormat.COPY_END + "\n").getBytes(StandardCharsets.US_ASCII);

  /** Where the writer stands in the file. */
  private enum State { BODY, PRE_DATA, DATA, POST_DATA, FOREIGN, FAILED, FINISHED }

  private final BackupBody body;
  private final int level;
  private final Instant created;
  private final int serverVersion;
  private final String engine;
  private final List<TableEntry> tables = new ArrayList<>();
  private State state = State.BODY;

  /**
   * The rows of one table as {@code COPY ... TO STDOUT} (text format) writes them, for example
   * {@code copyManager.copyOut(sql, out)}.
   */
  @FunctionalInterface
  public interface Rows {
    /**
     * Writes the rows to {@code out} and returns how many there were.
     *
     * @param out receives the rows, each ending in {@code \n}; not to be closed
     * @return the row count, as the server reports it
     * @throws SQLException if the COPY fails
     * @throws IOException if writing fails
     */
    long copyOut(OutputStream out) throws SQLException, IOException;
  }

  /** Receives what a {@link #foreignBody foreign body} holds, in order, as it is written. */
  public interface TextListener {
    /**
     * A statement, meta-command or trailing comments (a COPY statement before its rows).
     *
     * @param s the statement, not null
     */
    default void statement(SqlStatement s) {}

    /**
     * A block whose end marker was read.
     *
     * @param block its table, row count and checksum, not null
     */
    default void blockDone(TableEntry block) {}
  }

  /**
   * What an engine learned about the body it wrote, beyond the blocks the writer saw.
   *
   * @param schemas the schemas covered, not null
   * @param sequences the sequence values the file sets, not null
   */
  public record Contents(List<String> schemas, BackupManifest.Sequences sequences) {
    /** Copies. */
    public Contents {
      schemas = List.copyOf(schemas);
      Objects.requireNonNull(sequences, "sequences");
    }
  }

  /**
   * What {@link #foreignBody} found in the text it wrote.
   *
   * @param tables the complete COPY blocks, in file order (also kept for the manifest)
   * @param cut what the text ended in the middle of ({@code "the rows of s.t"}, {@code "a line"},
   *     a quote or comment), or empty when it ended cleanly
   * @param problems what no backup may hold (unparsable COPY statements, text after one, a
   *     {@code \.} with a carriage return); empty when none
   */
  public record ForeignBody(List<TableEntry> tables, Optional<String> cut, List<String> problems) {
    /** Copies. */
    public ForeignBody {
      tables = List.copyOf(tables);
      Objects.requireNonNull(cut, "cut");
      problems = List.copyOf(problems);
    }

    /** Tells whether the text may be finished into a backup: it ended cleanly and holds no problem. */
    public boolean usable() {
      return cut.isEmpty() && problems.isEmpty();
    }
  }

  private BackupWriter(OutputStream file, int level, Instant created, int serverVersion, String engine) {
    this.body = new BackupBody(file, level);
    this.level = level;
    this.created = created;
    this.serverVersion = serverVersion;
    this.engine = engine;
  }

  /**
   * Starts a backup file: writes the header, the session settings and {@code BEGIN;}.
   *
   * @param file the file's stream, at its start; not closed here
   * @param level the deflate level of the gzip members, 0..9
   * @param created the backup time (header and manifest), not null
   * @param serverVersion the server's {@code server_version_num}
   * @param engine the engine named in the header and manifest, e.g. {@code java}, not null
   * @return the writer, ready for the body
   * @throws IOException if writing fails
   */
  public static BackupWriter start(OutputStream file, int level, Instant created, int serverVersion,
      String engine) throws IOException {
    BackupWriter w = new BackupWriter(Objects.requireNonNull(file, "file"), level,
        Objects.requireNonNull(created, "created"), serverVersion, Objects.requireNonNull(engine, "engine"));
    w.body.line(BackupFormat.FIRST_LINE);
    w.body.line(BackupFormat.FORMAT_PREFIX + BackupFormat.VERSION);
    w.body.line(BackupFormat.TOOL_PREFIX + BackupManifest.TOOL + " " + ToolVersion.get());
    w.body.line(BackupFormat.CREATED_PREFIX + created);
    w.body.line(BackupFormat.SERVER_PREFIX + serverVersion);
    w.body.line(BackupFormat.ENGINE_PREFIX + engine);
    for (String set : BackupFormat.SETTINGS) {
      w.body.line(set);
    }
    w.body.line("BEGIN;");
    return w;
  }

  /**
   * Starts the next section: {@code PRE_DATA} first, then {@code DATA}, then {@code POST_DATA},
   * each once.
   *
   * @param section the section, not null
   * @throws IllegalStateException when it is not the next one
   * @throws IOException if writing fails
   */
  public void section(Section section) throws IOException {
    State next = switch (section) {
      case PRE_DATA -> State.PRE_DATA;
      case DATA -> State.DATA;
      case POST_DATA -> State.POST_DATA;
    };
    // BODY, PRE_DATA, DATA, POST_DATA are declared in file order
    expect(next.ordinal() == state.ordinal() + 1, "section " + label(section));
    state = next;
    body.line(BackupFormat.SECTION_PREFIX + label(section));
  }

  private static String label(Section s) {
    return s.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /**
   * Writes a schema object: its {@code -- entry:} line (kind, schema, name, dependencies and the
   * byte length of its SQL) and its SQL, ending in a line break.
   *
   * @param o the object, in the section it belongs to (the current one), not null
   * @throws IllegalStateException outside that section
   * @throws IOException if writing fails
   */
  public void entry(SchemaObject o) throws IOException {
    expect((state == State.PRE_DATA && o.section() == Section.PRE_DATA)
        || (state == State.POST_DATA && o.section() == Section.POST_DATA),
        "a " + label(o.section()) + " entry (" + o.kind() + " " + o.name() + ")");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kind", o.kind());
    json.put("schema", o.schema());
    json.put("name", o.name());
    json.put("deps", o.dependsOn());
    byte[] sql = (o.sql().endsWith("\n") ? o.sql() : o.sql() + "\n").getBytes(StandardCharsets.UTF_8);
    // the SQL's length frames it: names and literals in it may hold lines that look like markers
    json.put(BackupFormat.FRAME_BYTES, sql.length);
    body.line(BackupFormat.ENTRY_PREFIX + json(json));
    body.text().write(sql);
  }

  /**
   * Writes one table's data block in line: its {@code -- data:} line, COPY statement, the rows
   * and the end marker; the rows are compressed as they stream, never held.
   *
   * @param table the table and its columns, in the order the rows have them, not null
   * @param rows writes the rows, not null
   * @return the block's manifest entry (rows and checksum), also kept for the manifest
   * @throws IllegalStateException outside the data section
   * @throws SQLException what {@code rows} throws
   * @throws IOException if writing fails or the rows do not end with a line break
   */
  public TableEntry data(TableData table, Rows rows) throws SQLException, IOException {
    expect(state == State.DATA, "a data block (" + table.qualifiedName() + ")");
    Block b = block(table, rows, body.unhashed());
    body.hashOnly().write(b.hashed());
    tables.add(b.entry());
    return b.entry();
  }

  /**
   * Returns a factory of data blocks compressed on other threads, each into a gzip member of its
   * own that {@link #append} later copies into the file without reading it again.
   *
   * @param dir where a block larger than {@code memoryLimit} spills to a private temporary file
   * @param tempPrefix such files' name prefix; must make them temporary names of the backup
   * @param memoryLimit compressed bytes a block keeps in memory
   * @return the spooler; thread-safe
   */
  public Spooler spooler(Path dir, String tempPrefix, int memoryLimit) {
    return new Spooler(dir, tempPrefix, memoryLimit, level);
  }

  /** Compresses whole data blocks on any thread; immutable and thread-safe. */
  public static final class Spooler {
    private final Path dir;
    private final String tempPrefix;
    private final int memoryLimit;
    private final int level;

    private Spooler(Path dir, String tempPrefix, int memoryLimit, int level) {
      this.dir = Objects.requireNonNull(dir, "dir");
      this.tempPrefix = Objects.requireNonNull(tempPrefix, "tempPrefix");
      this.memoryLimit = memoryLimit;
      this.level = level;
    }

    /**
     * Writes one table's data block, as {@link BackupWriter#data} would, into a member of its own.
     * On failure nothing is left behind.
     *
     * @param table the table, not null
     * @param rows writes its rows, not null
     * @return the block, to {@link BackupWriter#append} (or {@link SpooledBlock#discard})
     * @throws SQLException what {@code rows} throws
     * @throws IOException if spooling fails or the rows do not end with a line break
     */
    public SpooledBlock write(TableData table, Rows rows) throws SQLException, IOException {
      Spool spool = new Spool(dir, tempPrefix, memoryLimit);
      boolean ok = false;
      try {
        Block b;
        try (GzipMember member = new GzipMember(spool, level)) {
          b = block(table, rows, member);
        }
        spool.close();
        ok = true;
        return new SpooledBlock(b, spool);
      } finally {
        if (!ok) {
          spool.discard();
        }
      }
    }
  }

  /** A data block compressed by a {@link Spooler}, waiting to be appended. */
  public static final class SpooledBlock {
    private final Block block;
    private final Spool spool;

    private SpooledBlock(Block block, Spool spool) {
      this.block = block;
      this.spool = spool;
    }

    /** Returns the block's entry (rows and checksum; no member yet). */
    public TableEntry entry() {
      return block.entry();
    }

    /** Releases the block's memory and temporary file; never throws; idempotent. */
    public void discard() {
      spool.discard();
    }
  }

  /**
   * Appends a spooled block as a whole gzip member and discards the spool.
   *
   * @param block a block of this writer's {@link #spooler}, not null
   * @return its manifest entry with the member's offset and length, also kept for the manifest
   * @throws IllegalStateException outside the data section
   * @throws IOException if writing fails
   */
  public TableEntry append(SpooledBlock block) throws IOException {
    expect(state == State.DATA, "a spooled data block (" + block.entry().qualifiedName() + ")");
    try {
      long offset = body.appendMember(block.spool, block.block.textBytes(), block.block.hashed());
      TableEntry e = block.entry().withMember(offset, block.spool.size());
      tables.add(e);
      return e;
    } finally {
      block.discard();
    }
  }

  /**
   * Writes a body another tool wrote (pg_dump's plain text) as it is read, instead of the three
   * sections: its COPY blocks are found as the verifier finds them, counted and hashed for the
   * manifest, and stood in for in the body checksum. The text is read to its end even when it is
   * cut (so a writing process never blocks on a full pipe). A body that is not {@link
   * ForeignBody#usable()} cannot be finished.
   *
   * @param text the UTF-8 text; read to its end, not closed
   * @param listener sees its statements and blocks as they pass, not null
   * @return what the text held
   * @throws IllegalStateException unless called right after {@link #start}
   * @throws InterruptedIOException when the thread is interrupted
   * @throws IOException if reading or writing fails
   */
  public ForeignBody foreignBody(InputStream text, TextListener listener) throws IOException {
    expect(state == State.BODY, "a foreign body");
    state = State.FAILED;
    ScriptBlocks blocks = new ScriptBlocks(body.hashOnly(), Objects.requireNonNull(listener, "listener"));
    String cut = null;
    // the text is written unhashed as it is read; the blocks hash it as format 2 defines the checksum
    InputStream in = new Tee(text, body.unhashed());
    try {
      blocks.read(in);
    } catch (SqlSyntaxException e) {
      cut = "a " + e.getMessage().replaceFirst(" starting at line .*", "");
    }
    in.transferTo(OutputStream.nullOutputStream());
    if (cut == null && blocks.openBlock().isPresent()) {
      cut = "the rows of " + blocks.openBlock().get();
    } else if (cut == null && !body.lastByteIsNewline()) {
      cut = "a line";
    }
    ForeignBody found = new ForeignBody(blocks.tables(), Optional.ofNullable(cut), blocks.problems());
    if (found.usable()) {
      tables.addAll(found.tables());
      state = State.FOREIGN;
    }
    return found;
  }

  /** Passes what is read to the body as it is read, between interrupt checks. */
  private static final class Tee extends ObservedInputStream {
    private final OutputStream copy;

    Tee(InputStream in, OutputStream copy) {
      super(in);
      this.copy = copy;
    }

    @Override
    protected void observe(byte[] b, int off, int len) throws IOException {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("backup interrupted");
      }
      copy.write(b, off, len);
    }
  }

  /** Returns the body bytes written so far (for progress). */
  public long bodyBytes() {
    return body.bodyBytes();
  }

  /** Returns the blocks written so far, in file order. */
  public List<TableEntry> tables() {
    return List.copyOf(tables);
  }

  /**
   * Ends the body with {@code COMMIT;}, then writes the manifest (signed when a key is given) and
   * the end line, finishes the last gzip member and flushes the file's stream.
   *
   * @param contents what the engine reports about the body, not null
   * @param database the database's name, not null
   * @param transforms what was left out or changed, not null
   * @param source the source facts, not null
   * @param signingKey signs the manifest, or empty
   * @return the manifest written
   * @throws IllegalStateException unless the post-data section or a usable foreign body was written
   * @throws IOException if writing fails
   */
  public BackupManifest finish(Contents contents, String database, BackupManifest.Transforms transforms,
      BackupManifest.Source source, Optional<InstanceKey> signingKey) throws IOException {
    expect(state == State.POST_DATA || state == State.FOREIGN, "the manifest");
    state = State.FINISHED;
    body.line("COMMIT;");
    BackupManifest manifest = new BackupManifest(BackupFormat.VERSION, BackupManifest.TOOL,
        ToolVersion.get(), created, engine, serverVersion, database, contents.schemas(), tables,
        transforms, body.bodyBytes(), body.bodySha256(), source, contents.sequences());
    String json = manifest.toJson();
    body.finish(signingKey.map(k -> BackupSignature.sign(json, k)).orElse(json));
    return manifest;
  }

  private void expect(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("cannot write " + what + " " + where() + "; a backup is written"
          + " as header, pre-data, data, post-data (or one foreign body), manifest");
    }
  }

  private String where() {
    return switch (state) {
      case BODY -> "before the first section";
      case PRE_DATA -> "in the pre-data section";
      case DATA -> "in the data section";
      case POST_DATA -> "in the post-data section";
      case FOREIGN -> "after a foreign body";
      case FAILED -> "after a foreign body that was cut or refused";
      case FINISHED -> "after the backup was finished";
    };
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new PaperclipException(ErrorCode.INTERNAL, "cannot write backup JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  /**
   * One table's data block as written.
   *
   * @param head the {@code -- data:} line and the COPY statement line
   * @param entry the manifest entry
   * @param textBytes the bytes of the whole block, end marker included
   */
  private record Block(byte[] head, TableEntry entry, long textBytes) {
    /** What the block contributes to the body checksum (format 2). */
    byte[] hashed() {
      byte[] rows = BackupFormat.rowsChecksumText(entry.sha256());
      byte[] out = Arrays.copyOf(head, head.length + rows.length);
      System.arraycopy(rows, 0, out, head.length, rows.length);
      return out;
    }
  }

  /**
   * Writes one table's {@code -- data:} line, COPY statement, rows and end marker to {@code out},
   * which does not hash them: the caller adds {@link Block#hashed()} to the body checksum.
   */
  private static Block block(TableData t, Rows source, OutputStream out) throws SQLException, IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("schema", t.schema());
    json.put("table", t.table());
    json.put("columns", t.columns());
    byte[] statement = (new CopyLine(t.schema(), t.table(), t.columns()).format() + "\n")
        .getBytes(StandardCharsets.UTF_8);
    // a quoted name may hold line breaks: the COPY statement's length frames it
    json.put(BackupFormat.FRAME_BYTES, statement.length);
    byte[] line = (BackupFormat.DATA_PREFIX + json(json) + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] head = Arrays.copyOf(line, line.length + statement.length);
    System.arraycopy(statement, 0, head, line.length, statement.length);
    out.write(head);
    TableStream rows = new TableStream(out);
    long count;
    try (OutputStream buffered = new BufferedOutputStream(rows, 64 * 1024)) {
      count = source.copyOut(buffered);
    }
    if (!rows.endsWithNewline()) {
      throw new IOException("COPY output of " + t.qualifiedName() + " does not end with a newline");
    }
    out.write(END);
    return new Block(head, new TableEntry(t.schema(), t.table(), count, rows.sha256()),
        head.length + rows.bytes() + END.length);
  }
}
