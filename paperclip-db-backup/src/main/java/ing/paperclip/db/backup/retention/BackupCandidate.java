package ing.paperclip.db.backup.retention;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One backup file as retention sees it.
 *
 * @param file the file
 * @param createdAt when it was taken: from its name (ours: UTC; the original Paperclip's: local
 *     time), or its modification time when the name holds no time
 * @param bytes its size
 * @param verified whether it is known complete (ours: manifest and checksums checked; the
 *     original's: a whole, non-empty gzip stream)
 * @param origin who wrote it
 */
public record BackupCandidate(Path file, Instant createdAt, long bytes, boolean verified, Origin origin) {
  /** Who wrote a backup file. */
  public enum Origin {
    /** paperclip-db (this tool): a manifest, UTC time in the name. */
    PAPERCLIP_DB,
    /**
     * The original (TypeScript) Paperclip, whose files may share the directory after a switch of
     * tools: no manifest, local time in the name. Listed as foreign to this tool but made by
     * Paperclip, and pruned by the same tiers.
     */
    PAPERCLIP_ORIGINAL
  }

  /** Validates. */
  public BackupCandidate {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(origin, "origin");
  }

  /** A backup of this tool. */
  public BackupCandidate(Path file, Instant createdAt, long bytes, boolean verified) {
    this(file, createdAt, bytes, verified, Origin.PAPERCLIP_DB);
  }
}
