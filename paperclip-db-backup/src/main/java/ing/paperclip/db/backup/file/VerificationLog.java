package ing.paperclip.db.backup.file;

import com.fasterxml.jackson.core.type.TypeReference;
import ing.paperclip.db.backup.internal.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last verification of each backup in a directory, kept in {@value #NAME} (0600) beside the
 * backups so that {@code db backups health} can report it without reading every file again: a
 * backup is verified when it is written (before it is published) and each time
 * {@code db backups verify} reads it. An entry counts only while the file keeps the size and
 * modification time it had when verified. Recording never fails the caller: the log is advisory.
 */
public final class VerificationLog {
  /** The log's file name in the backup directory. */
  public static final String NAME = ".paperclip-verifications.json";
  private static final Logger LOG = LoggerFactory.getLogger(VerificationLog.class);
  private static final TypeReference<LinkedHashMap<String, Entry>> TYPE = new TypeReference<>() {};

  private VerificationLog() {}

  /**
   * One verification.
   *
   * @param bytes the file's size when verified
   * @param modifiedMillis its modification time then
   * @param verifiedAt when
   * @param ok whether it passed
   * @param detail what was checked, or the first problem
   */
  public record Entry(long bytes, long modifiedMillis, Instant verifiedAt, boolean ok, String detail) {}

  /** Records a verification of {@code file}; entries of files that are gone are dropped. */
  public static synchronized void record(Path file, boolean ok, String detail, Instant at) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      Map<String, Entry> all = read(dir);
      all.keySet().removeIf(name -> !Files.exists(dir.resolve(name)));
      all.put(file.getFileName().toString(), new Entry(Files.size(file),
          Files.getLastModifiedTime(file).toMillis(), at, ok, detail));
      Path tmp = dir.resolve(NAME + ".tmp-" + ProcessHandle.current().pid());
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(tmp);
      }
      Files.write(tmp, Json.MAPPER.writeValueAsBytes(all));
      try {
        Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot record the verification of {} in {}: {}", file, dir.resolve(NAME), e.getMessage());
    }
  }

  /** Returns the last verification of {@code file}, if one was recorded for its current content. */
  public static Optional<Entry> lookup(Path file) {
    try {
      Entry e = read(file.toAbsolutePath().getParent()).get(file.getFileName().toString());
      if (e == null || e.bytes() != Files.size(file)
          || e.modifiedMillis() != Files.getLastModifiedTime(file).toMillis()) {
        return Optional.empty();
      }
      return Optional.of(e);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Map<String, Entry> read(Path dir) throws IOException {
    Path f = dir.resolve(NAME);
    if (!Files.isRegularFile(f)) {
      return new LinkedHashMap<>();
    }
    return Json.MAPPER.readValue(f.toFile(), TYPE);
  }
}
