package ing.paperclip.db.backup;

import ing.paperclip.db.backup.file.BackupManifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What one successful backup produced.
 *
 * @param file the final backup file
 * @param bytes its size on disk (compressed)
 * @param engine the engine that ran: {@code java} or {@code pg_dump <version>}
 * @param engineReason why that engine ran, e.g. {@code auto: pg_dump 15.20 at /usr/bin/pg_dump
 *     matches server major 15}
 * @param tables the number of tables whose rows were written
 * @param rows the total number of rows written
 * @param duration wall time of the backup
 * @param manifest the manifest written into the file
 */
public record BackupResult(
    Path file, long bytes, String engine, String engineReason, int tables, long rows,
    Duration duration, BackupManifest manifest) {

  /** Validates. */
  public BackupResult {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(engineReason, "engineReason");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(manifest, "manifest");
  }
}
