package ing.paperclip.db.core;

/**
 * Stable error codes of paperclip-db, each mapped to a process exit status. The CLI exits with
 * {@link #exitCode()}; embedders can switch on the code instead of parsing messages.
 */
public enum ErrorCode {
  /** Invalid input from the user: a bad flag, URL, identifier, instance id. */
  INVALID_INPUT(2),
  /** A configuration file or setting is malformed or inconsistent. */
  CONFIGURATION(3),
  /** The database could not be reached or refused the connection. */
  CONNECTION(4),
  /** Schema migrations are pending, unsafe, or failed. */
  MIGRATION(5),
  /** The embedded PostgreSQL server could not be prepared, started or stopped. */
  EMBEDDED_SERVER(6),
  /** A backup could not be written. */
  BACKUP(7),
  /** A restore was refused or failed. */
  RESTORE(8),
  /** A backup file is corrupt, truncated, or not ours. */
  CORRUPT_FILE(9),
  /** A secret could not be encrypted, decrypted or stored, or the master key is wrong. */
  SECRETS(10),
  /** A plugin namespace or plugin migration failed or was refused. */
  PLUGIN(11),
  /** A step took longer than its timeout. */
  TIMEOUT(12),
  /** Another run holds the resource (for example an overlapping backup). */
  CONFLICT(13),
  /** An operating-system level failure: disk full, permissions, I/O. */
  IO(14),
  /** A query against the database failed. */
  DATABASE(15),
  /** A bug: an invariant of paperclip-db did not hold. */
  INTERNAL(70);

  private final int exitCode;

  ErrorCode(int exitCode) {
    this.exitCode = exitCode;
  }

  /** Returns the process exit status for this code (never 0). */
  public int exitCode() {
    return exitCode;
  }
}
