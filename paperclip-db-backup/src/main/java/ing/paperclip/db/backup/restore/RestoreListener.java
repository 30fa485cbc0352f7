package ing.paperclip.db.backup.restore;

/**
 * Receives progress of a restore. Called from the restoring thread; must return quickly and not
 * throw. Every method has an empty default.
 */
public interface RestoreListener {
  /** A listener that ignores everything. */
  RestoreListener NONE = new RestoreListener() {};

  /**
   * A table's rows are loaded.
   *
   * @param qualifiedName {@code schema.table}
   * @param rows rows loaded
   * @param tablesDone tables loaded so far
   * @param tablesTotal tables in the plan
   * @param bytes bytes of row data sent so far
   */
  default void tableDone(String qualifiedName, long rows, int tablesDone, int tablesTotal, long bytes) {}

  /**
   * Row data is moving: called while COPY data is sent (within a table, not only at its end),
   * at most every few hundred kilobytes, possibly from several worker threads of a parallel restore
   * (the values are totals over all of them, never going backwards).
   *
   * @param bytesDone bytes of the backup file's data read so far (compressed bytes for a
   *     compressed file, as they are on disk)
   * @param bytesTotal bytes of the file's data the restore will read in all, or -1 when unknown
   */
  default void dataProgress(long bytesDone, long bytesTotal) {}
}
