package ing.paperclip.db.backup.pgdump;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A pg_dump executable and the version it reports.
 *
 * @param path the executable
 * @param version the version it prints, e.g. {@code 15.20}
 * @param major the major version, e.g. {@code 15}
 */
public record PgDumpBinary(Path path, String version, int major) {
  /** Validates. */
  public PgDumpBinary {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(version, "version");
    if (major < 1) {
      throw new IllegalArgumentException("major must be >= 1, got " + major);
    }
  }

  /** Returns {@code pg_dump <version> at <path>}, for messages. */
  public String describe() {
    return "pg_dump " + version + " at " + path;
  }
}
