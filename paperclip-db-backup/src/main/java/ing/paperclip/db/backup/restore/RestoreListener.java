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
}
