package ing.paperclip.db.backup.restore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a restore did.
 *
 * @param file the backup restored
 * @param format its format
 * @param statements SQL statements executed
 * @param tables tables loaded with COPY
 * @param rows rows loaded with COPY
 * @param cleaned whether the target was cleaned first
 * @param duration wall time
 * @param warnings notes for the user (e.g. partial data)
 */
public record RestoreResult(Path file, String format, long statements, long tables, long rows,
    boolean cleaned, Duration duration, List<String> warnings) {
  /** Copies. */
  public RestoreResult {
    warnings = List.copyOf(warnings);
  }
}
