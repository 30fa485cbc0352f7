package ing.paperclip.db.backup.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The first lines of a paperclip-db backup (format, tool, creation time, server, engine), read
 * without decompressing the rest: cheap enough to list a directory of large backups. Says nothing
 * about completeness; use {@link BackupVerifier} for that.
 *
 * @param format the format line's value, e.g. {@code 1}
 * @param tool the tool line's value
 * @param created the creation time as written
 * @param server the server version number as written
 * @param engine the engine, e.g. {@code java} or {@code pg_dump 15.20}
 */
public record BackupHeader(String format, String tool, String created, String server, String engine) {

  /**
   * Reads the header of a file.
   *
   * @return the header, or empty when the file is not a paperclip-db backup (or unreadable)
   */
  public static Optional<BackupHeader> read(Path file) {
    try (InputStream raw = Files.newInputStream(file)) {
      InputStream in = raw;
      byte[] magic = raw.readNBytes(2);
      InputStream rest = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(magic), raw);
      in = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b
          ? new GZIPInputStream(rest) : rest;
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String first = r.readLine();
      if (!BackupFormat.FIRST_LINE.equals(first)) {
        return Optional.empty();
      }
      String format = "";
      String tool = "";
      String created = "";
      String server = "";
      String engine = "";
      for (int i = 0; i < 16; i++) {
        String line = r.readLine();
        if (line == null || !line.startsWith("-- ")) {
          break;
        }
        format = value(line, BackupFormat.FORMAT_PREFIX, format);
        tool = value(line, BackupFormat.TOOL_PREFIX, tool);
        created = value(line, BackupFormat.CREATED_PREFIX, created);
        server = value(line, BackupFormat.SERVER_PREFIX, server);
        engine = value(line, BackupFormat.ENGINE_PREFIX, engine);
      }
      return Optional.of(new BackupHeader(format, tool, created, server, engine));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String value(String line, String prefix, String current) {
    return line.startsWith(prefix) ? line.substring(prefix.length()).strip() : current;
  }
}
