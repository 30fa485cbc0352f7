package ing.paperclip.db.backup.file;

import ing.paperclip.db.backup.internal.StrictGzipInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The fixed lines and line prefixes of paperclip-db backup files (described in
 * {@code docs/BACKUPS.md}, "File format"): what {@link BackupWriter} emits and what the verifier and the
 * restore planner look for. All lines are UTF-8 and end with {@code \n}. Constants only; not
 * instantiable.
 *
 * <p>Formats 1 and 2 have the same text; they differ only in what the manifest's
 * {@code bodySha256} covers. Format 1: every byte of the body. Format 2: the body with the rows
 * of each {@code COPY} block (the lines between the {@code COPY} statement and its {@code \.})
 * replaced by one line, the block's own SHA-256 in lower-case hex (the table entry's
 * {@code sha256}) — so a block compressed on its own can join the body checksum without being
 * read again, and verification can check blocks independently.
 */
public final class BackupFormat {
  /** The format version this library writes. */
  public static final int VERSION = 2;
  /** The oldest format version this library reads. */
  public static final int OLDEST_READABLE = 1;
  /** The first line of every backup file. */
  public static final String FIRST_LINE = "-- paperclip-db backup";
  /** Prefix of the second line, followed by {@link #VERSION}. */
  public static final String FORMAT_PREFIX = "-- format: ";
  /** Prefix of the header line naming the tool and its version. */
  public static final String TOOL_PREFIX = "-- tool: ";
  /** Prefix of the header line with the creation time (ISO-8601, UTC). */
  public static final String CREATED_PREFIX = "-- created: ";
  /** Prefix of the header line with the server's {@code server_version_num}. */
  public static final String SERVER_PREFIX = "-- server: ";
  /** Prefix of the header line naming the engine that wrote the body. */
  public static final String ENGINE_PREFIX = "-- engine: ";
  /** Prefix of a section line; followed by {@code pre-data}, {@code data} or {@code post-data}. */
  public static final String SECTION_PREFIX = "-- section: ";
  /** Prefix of a schema-object entry line, followed by one-line JSON. */
  public static final String ENTRY_PREFIX = "-- entry: ";
  /** Prefix of a table-data line, followed by one-line JSON; a {@code COPY} block follows. */
  public static final String DATA_PREFIX = "-- data: ";
  /**
   * The field of {@code -- entry:} and {@code -- data:} JSON lines giving the byte length of the
   * text they introduce (an entry's SQL; a block's COPY statement), line breaks included: readers
   * pass that text over whole instead of looking into it for markers, since user names and
   * literals in it may hold any line. Absent in files written before 2026-12-02.
   */
  public static final String FRAME_BYTES = "bytes";
  /** Prefix of the manifest line, followed by the one-line manifest JSON. */
  public static final String MANIFEST_PREFIX = "-- paperclip-manifest: ";
  /** The last line of every complete backup file. */
  public static final String END_LINE = "-- paperclip-end";
  /** The line that ends a {@code COPY ... FROM stdin} block. */
  public static final String COPY_END = "\\.";

  /**
   * Returns what stands in format 2's body checksum for a COPY block's rows and its end marker: the
   * rows' SHA-256 in lower-case hex, {@code \n}, {@code \.} and {@code \n}.
   *
   * @param rowsSha256 the block's checksum, as in the manifest's table entry
   */
  public static byte[] rowsChecksumText(String rowsSha256) {
    return (rowsSha256 + "\n" + COPY_END + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The session settings written after the header, before {@code BEGIN;}: they make the script
   * independent of the restoring session's defaults.
   */
  public static final List<String> SETTINGS = List.of(
      "SET statement_timeout = 0;",
      "SET lock_timeout = 0;",
      "SET idle_in_transaction_session_timeout = 0;",
      "SET client_encoding = 'UTF8';",
      "SET standard_conforming_strings = on;",
      "SELECT pg_catalog.set_config('search_path', '', false);",
      "SET check_function_bodies = false;",
      "SET xmloption = content;",
      "SET client_min_messages = warning;",
      "SET row_security = off;");

  private BackupFormat() {}

  /**
   * Opens a backup file's text for reading: gzip files (every member, strictly: damage and
   * truncation raise {@link java.io.IOException}s) are decompressed, other files (plain
   * {@code .sql} backups of the original Paperclip) are returned as they are. The caller closes
   * the stream. Verify with {@link BackupVerifier} first to fail before doing any work.
   *
   * @param file the backup file, not null
   * @return a buffered stream of the UTF-8 text
   * @throws IOException if the file cannot be opened
   */
  public static InputStream openText(Path file) throws IOException {
    return openText(Files.newInputStream(file));
  }

  /**
   * Opens a file's bytes as {@link #openText(Path)} does (e.g. under a stream that counts what is
   * read from disk); closing the text closes {@code raw}.
   */
  public static InputStream openText(InputStream raw) throws IOException {
    InputStream in = new BufferedInputStream(raw, 64 * 1024);
    try {
      in.mark(2);
      int b1 = in.read();
      int b2 = in.read();
      in.reset();
      if (b1 == 0x1f && b2 == 0x8b) {
        return new BufferedInputStream(new StrictGzipInputStream(in), 64 * 1024);
      }
      return in;
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }
}
