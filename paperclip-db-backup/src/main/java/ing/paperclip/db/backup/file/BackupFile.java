package ing.paperclip.db.backup.file;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The name of a backup file: {@code <prefix>-YYYYMMDD-HHMMSS.sql.gz} with the time in UTC, and
 * {@code <prefix>-YYYYMMDD-HHMMSS-N.sql.gz} when a backup with the same second already exists.
 * Files written by the original Paperclip ({@code .sql} or {@code .sql.gz}, same naming) parse too.
 * Temporary files ({@code .<name>.tmp-...}) never parse as backups.
 *
 * @param path the file, not null
 * @param prefix the file name prefix, matching {@code [A-Za-z0-9_.-]+}
 * @param createdAt the time in the name (UTC, whole seconds)
 * @param sequence {@code 0} for the plain name, {@code N >= 1} for a {@code -N} suffix
 * @param compressed whether the name ends with {@code .gz}
 */
public record BackupFile(Path path, String prefix, Instant createdAt, int sequence, boolean compressed) {
  /** The default file name prefix. */
  public static final String DEFAULT_PREFIX = "paperclip";

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Pattern NAME = Pattern.compile(
      "([A-Za-z0-9_.-]+)-(\\d{8}-\\d{6})(?:-(\\d{1,6}))?\\.sql(\\.gz)?");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  /** Validates. */
  public BackupFile {
    Objects.requireNonNull(path, "path");
    validatePrefix(prefix);
    Objects.requireNonNull(createdAt, "createdAt");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0, got " + sequence);
    }
  }

  /**
   * Checks a file name prefix.
   *
   * @param prefix the prefix, may be null (rejected)
   * @return the prefix
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} if it is empty or holds characters
   *     other than letters, digits, {@code _ . -}, or starts with {@code .}
   */
  public static String validatePrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches() || prefix.startsWith(".")) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "invalid backup file name prefix '"
          + (prefix == null ? "" : prefix.replaceAll("[^\\x20-\\x7e]", "?"))
          + "': use letters, digits, '_', '.' and '-' only, not starting with '.'");
    }
    return prefix;
  }

  /**
   * Returns the file name for a backup taken at {@code time}: {@code prefix-YYYYMMDD-HHMMSS.sql.gz},
   * or with {@code -sequence} before {@code .sql.gz} when {@code sequence > 0}.
   *
   * @param prefix a valid prefix (see {@link #validatePrefix})
   * @param time the backup time; formatted in UTC, truncated to seconds
   * @param sequence 0 for the plain name, else the collision suffix
   */
  public static String fileName(String prefix, Instant time, int sequence) {
    validatePrefix(prefix);
    String stamp = STAMP.format(LocalDateTime.ofInstant(time, ZoneOffset.UTC));
    return prefix + "-" + stamp + (sequence > 0 ? "-" + sequence : "") + ".sql.gz";
  }

  /**
   * Parses a path whose file name follows the backup naming scheme.
   *
   * @param path any path, not null
   * @return the parsed backup file name, or empty if the name is not a backup's (temporary files
   *     included)
   */
  public static Optional<BackupFile> parse(Path path) {
    Path name = path.getFileName();
    if (name == null) {
      return Optional.empty();
    }
    String s = name.toString();
    if (isTemporary(s)) {
      return Optional.empty();
    }
    Matcher m = NAME.matcher(s);
    if (!m.matches() || m.group(1).startsWith(".")) {
      return Optional.empty();
    }
    Instant time;
    try {
      time = LocalDateTime.parse(m.group(2), STAMP).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    int seq = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return Optional.of(new BackupFile(path, m.group(1), time, seq, m.group(4) != null));
  }

  /**
   * Lists the backups in a directory (ours and the original Paperclip's, by name), oldest first;
   * temporary files and other names are skipped. Contents are not checked: use
   * {@link BackupVerifier} for that.
   *
   * @param dir the backup directory; a missing directory has no backups
   * @return the backups, ordered by time in the name, then sequence, then name
   * @throws PaperclipException {@link ErrorCode#IO} if the directory cannot be read
   */
  public static List<BackupFile> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).map(BackupFile::parse).flatMap(Optional::stream)
          .sorted(Comparator.comparing(BackupFile::createdAt).thenComparingInt(BackupFile::sequence)
              .thenComparing(f -> f.path().getFileName().toString()))
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new PaperclipException(ErrorCode.IO, "cannot list backup directory " + dir + ": "
          + e.getMessage() + "; check its permissions", e);
    }
  }

  /**
   * Tells whether a file name is a temporary file of a backup in progress (or abandoned by a
   * killed process): it starts with {@code .} and contains {@code .tmp-}.
   */
  public static boolean isTemporary(String fileName) {
    return fileName.startsWith(".") && fileName.contains(".tmp-");
  }
}
