package ing.paperclip.db.backup.retention;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One backup file as retention sees it.
 *
 * @param file the file
 * @param createdAt when it was taken (from its name)
 * @param bytes its size
 * @param verified whether it is known complete (its manifest and checksums were checked)
 */
public record BackupCandidate(Path file, Instant createdAt, long bytes, boolean verified) {
  /** Validates. */
  public BackupCandidate {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
