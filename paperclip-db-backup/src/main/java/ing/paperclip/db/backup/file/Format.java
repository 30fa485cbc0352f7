package ing.paperclip.db.backup.file;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The kinds of file a restore reads, and the one place that tells them apart: our paperclip-db
 * backups, plain pg_dump scripts, and the original Paperclip's {@code .sql} backups. Each carries
 * the facts the restore and the CLI switch on (checksums, parallel and selective restore), a
 * stable {@link #label()} for JSON and plan output, and a {@link #noun()} for messages. The
 * allowlist ({@code ScriptPolicy}) takes the format as its kind. Immutable and thread-safe.
 */
public enum Format {
  /** paperclip-db backups: header, sections, entry lines, manifest and checksums. */
  OURS("paperclip-db", "paperclip-db backup", true),
  /** Plain-text pg_dump scripts (without {@code --create}). */
  PG_DUMP("pg_dump", "pg_dump file", false),
  /** The original Paperclip's built-in backups, one transaction of statements and COPY blocks. */
  LEGACY("paperclip-legacy", "original Paperclip file", false);

  /** How many leading lines may precede a format's marker (pg_dump's header comments, {@code \restrict}). */
  private static final int HEAD_LINES = 40;
  /** How much of a file detection reads at most (a binary file may have no line break at all). */
  private static final int HEAD_BYTES = 64 * 1024;
  private static final String PG_DUMP_MARK = "-- PostgreSQL database dump";
  private static final String LEGACY_MARK = "-- Paperclip database backup";
  /** The magic of pg_dump's custom-format archives ({@code pg_dump -Fc}). */
  private static final String CUSTOM_MAGIC = "PGDMP";

  private final String label;
  private final String noun;
  private final boolean ours;

  Format(String label, String noun, boolean ours) {
    this.label = label;
    this.noun = noun;
    this.ours = ours;
  }

  /** Returns the stable name in JSON and plans: {@code paperclip-db}, {@code pg_dump}, {@code paperclip-legacy}. */
  public String label() {
    return label;
  }

  /** Returns the format in words for messages, e.g. {@code pg_dump file}. */
  public String noun() {
    return noun;
  }

  /** Tells whether files carry a manifest with checksums (and may be signed). */
  public boolean hasChecksums() {
    return ours;
  }

  /** Tells whether a restore may load the file on several connections. */
  public boolean parallelRestore() {
    return ours;
  }

  /** Tells whether a restore may take only some schemas or tables of the file. */
  public boolean selectiveRestore() {
    return ours;
  }

  /** Returns {@link #label()}. */
  @Override
  public String toString() {
    return label;
  }

  /**
   * Identifies a file's format from its first lines (decompressed when it is gzip).
   *
   * @param file the file, not null
   * @return its format, or empty when it is none this tool reads (see {@link #of(Path)} for why)
   */
  public static Optional<Format> detect(Path file) {
    return probe(file).format;
  }

  /**
   * Identifies a file's format from its first lines, or says why it has none.
   *
   * @param file the file, not null
   * @return its format
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} naming the file and what to do: it is
   *     empty, unreadable, a pg_dump custom-format archive (restore it with pg_restore), starts
   *     with a byte-order mark, or is not a backup
   */
  public static Format of(Path file) {
    Probe p = probe(file);
    return p.format.orElseThrow(() -> new PaperclipException(ErrorCode.CORRUPT_FILE, file + " " + p.why));
  }

  private record Probe(Optional<Format> format, String why) {}

  private static Probe none(String why) {
    return new Probe(Optional.empty(), why);
  }

  private static Probe probe(Path file) {
    byte[] head;
    try (InputStream in = BackupFormat.openText(file)) {
      head = in.readNBytes(HEAD_BYTES);
    } catch (IOException e) {
      return none("cannot be read (" + e.getMessage() + "): it is damaged or not a backup; use another file");
    }
    return identify(head);
  }

  /** Identifies the format of a file's first (decompressed) bytes. */
  private static Probe identify(byte[] head) {
    if (head.length == 0) {
      return none("is empty: it is not a backup (a backup that failed before writing anything?); use another file");
    }
    String text = new String(head, StandardCharsets.UTF_8);
    if (text.startsWith(CUSTOM_MAGIC)) {
      return none("is a pg_dump custom-format archive (pg_dump -Fc): restore it with pg_restore, or dump"
          + " the database again with pg_dump --format=plain");
    }
    if (text.startsWith("\uFEFF")) {
      return none("starts with a UTF-8 byte-order mark, which no backup tool writes (an editor added it)"
          + " and psql would run as SQL; remove it (sed -i '1s/^\\xEF\\xBB\\xBF//' FILE) or use the original file");
    }
    String[] lines = text.split("\n", HEAD_LINES + 1);
    // the last piece may be a line cut at HEAD_BYTES: only whole lines are looked at
    int whole = Math.min(HEAD_LINES, head.length < HEAD_BYTES ? lines.length : lines.length - 1);
    for (int i = 0; i < whole; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (i == 0 && line.equals(BackupFormat.FIRST_LINE)) {
        return new Probe(Optional.of(OURS), "");
      }
      if (line.startsWith(PG_DUMP_MARK)) {
        return new Probe(Optional.of(PG_DUMP), "");
      }
      if (line.startsWith(LEGACY_MARK)) {
        return new Probe(Optional.of(LEGACY), "");
      }
      if (!line.isBlank() && !line.startsWith("--") && !line.startsWith("\\")) {
        break;
      }
    }
    return none("is not a backup this tool can read (not a paperclip-db, pg_dump plain or Paperclip backup);"
        + " use another file");
  }
}
