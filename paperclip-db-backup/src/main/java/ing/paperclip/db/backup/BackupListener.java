package ing.paperclip.db.backup;

/**
 * Receives progress of one backup, for example to draw a progress line on a terminal. Called from
 * the thread that runs {@link BackupService#backup()}; implementations should return quickly and
 * must not throw. Every method has an empty default.
 */
public interface BackupListener {
  /** A listener that ignores everything. */
  BackupListener NONE = new BackupListener() {};

  /**
   * The snapshot is taken and every table to back up is locked (ACCESS SHARE): from now on
   * schema changes and TRUNCATEs of those tables wait for the backup, or make it stop.
   */
  default void snapshotTaken() {}

  /**
   * The body is about to be written.
   *
   * @param engine the engine that runs, e.g. {@code java} or {@code pg_dump 15.20}
   * @param tables the number of tables whose rows will be written, or -1 if unknown in advance
   */
  default void started(String engine, int tables) {}

  /**
   * One table's rows are in the file.
   *
   * @param qualifiedName {@code schema.table}, unquoted
   * @param rows the table's rows
   * @param bodyBytes uncompressed bytes written so far
   */
  default void tableDone(String qualifiedName, long rows, long bodyBytes) {}
}
