package ing.paperclip.db.core.sql;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds line breaks in byte arrays eight bytes at a time (a word-at-a-time zero-byte test), for
 * the loops that walk every line of a script's COPY data ({@link SqlScriptReader}, a backup's
 * verifier). Stateless.
 */
public final class Newlines {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private Newlines() {}

  /**
   * Returns the index of the first {@code \n} in {@code b[from, to)}, or {@code to} if there is
   * none.
   */
  public static int indexOf(byte[] b, int from, int to) {
    int i = from;
    for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
      long x = (long) LONGS.get(b, i) ^ NEWLINES;
      // the lowest flagged byte is exactly the first zero byte (borrows only flag bytes above it)
      long found = (x - ONES) & ~x & HIGHS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return to;
  }

  /** Returns the number of {@code \n} in {@code b[from, to)}. */
  public static int count(byte[] b, int from, int to) {
    int n = 0;
    for (int i = indexOf(b, from, to); i < to; i = indexOf(b, i + 1, to)) {
      n++;
    }
    return n;
  }
}
