package ing.paperclip.db.backup;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.util.Locale;

/** Which engine writes the body of a backup. */
public enum BackupEngine {
  /** The built-in engine: no external binary, parallel workers on one exported snapshot. */
  JAVA("java"),
  /**
   * {@code pg_dump --format=plain}, wrapped in the backup header and manifest. Fails if no
   * pg_dump whose major version equals the server's is found.
   */
  PG_DUMP("pg_dump"),
  /** {@link #PG_DUMP} when a pg_dump of the server's major version is found, else {@link #JAVA}. */
  AUTO("auto");

  private final String id;

  BackupEngine(String id) {
    this.id = id;
  }

  /** Returns the name used on the command line and in settings: {@code java}, {@code pg_dump}, {@code auto}. */
  public String id() {
    return id;
  }

  /**
   * Parses an engine name (case-insensitive; {@code pg-dump} and {@code pgdump} are accepted).
   *
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} naming the accepted values
   */
  public static BackupEngine parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "java":
        return JAVA;
      case "pg_dump":
      case "pg-dump":
      case "pgdump":
        return PG_DUMP;
      case "auto":
        return AUTO;
      default:
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "unknown backup engine '"
            + n.replaceAll("[^\\x20-\\x7e]", "?") + "': use java, pg_dump or auto");
    }
  }
}
