package ing.paperclip.db.backup.internal;

/**
 * The backup module's name for {@link ing.paperclip.db.core.sql.Newlines}, the one word-at-a-time
 * line-break search. Stateless.
 */
public final class Newlines {
  private Newlines() {}

  /**
   * Returns the index of the first {@code \n} in {@code b[from, to)}, or {@code to} if there is
   * none.
   */
  public static int indexOf(byte[] b, int from, int to) {
    return ing.paperclip.db.core.sql.Newlines.indexOf(b, from, to);
  }

  /** Returns the number of {@code \n} in {@code b[from, to)}. */
  public static int count(byte[] b, int from, int to) {
    return ing.paperclip.db.core.sql.Newlines.count(b, from, to);
  }
}
