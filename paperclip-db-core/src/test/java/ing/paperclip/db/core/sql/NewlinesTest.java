package ing.paperclip.db.core.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NewlinesTest {
  private static int naive(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return to;
  }

  @Test
  void findsTheFirstNewlineAtEveryPositionAndAlignment() {
    // bytes next to '\n' in value, with the high bit, and the borrow-prone 0x0B / 0x09 / 0x8A / 0x00
    byte[] fill = {'a', 0x0B, 0x09, (byte) 0x8A, 0x00, (byte) 0xFF, 0x0A ^ 0x01, '\\'};
    for (int len = 0; len <= 40; len++) {
      for (int nl = -1; nl < len; nl++) {
        for (int second = -1; second < len; second += 7) {
          byte[] b = new byte[len];
          for (int i = 0; i < len; i++) {
            b[i] = fill[(i * 5 + len) % fill.length];
          }
          if (nl >= 0) {
            b[nl] = '\n';
          }
          if (second > nl) {
            b[second] = '\n';
          }
          for (int from = 0; from <= len; from++) {
            for (int to = from; to <= len; to += 3) {
              assertEquals(naive(b, from, to), Newlines.indexOf(b, from, to),
                  "len " + len + " nl " + nl + " [" + from + ", " + to + ")");
            }
          }
        }
      }
    }
  }

  @Test
  void agreesWithAByteLoopOnRandomData() {
    Random r = new Random(42);
    for (int round = 0; round < 2000; round++) {
      byte[] b = new byte[r.nextInt(300)];
      r.nextBytes(b);
      for (int i = 0; i < b.length; i++) {
        if (b[i] == '\n' && r.nextInt(4) != 0) {
          b[i] = 'x';
        }
      }
      int from = b.length == 0 ? 0 : r.nextInt(b.length);
      int to = from + r.nextInt(b.length - from + 1);
      assertEquals(naive(b, from, to), Newlines.indexOf(b, from, to));
    }
  }
}
