package ing.paperclip.db.backup.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a stream once, on its own thread, and hands the same bytes to several consumers, each
 * reading its own {@link InputStream} on its own thread: decompressing a backup once for two
 * readers. A failure of the source (its very exception object) is thrown to every consumer after
 * the bytes read before it. A consumer that closes its stream early is skipped (a read of a
 * stream closed by another thread ends it). Memory is bounded by a few chunks per consumer.
 */
public final class Fanout {
  private static final int CHUNK = 256 * 1024;
  private static final int DEPTH = 8;
  private static final byte[] END = new byte[0];

  private Fanout() {}

  /**
   * Starts reading {@code source} on a daemon thread and returns one stream per consumer.
   *
   * @param source read to its end and closed by the reading thread
   * @param consumers how many streams to return, at least 1
   * @param threadName the reading thread's name
   * @return the consumers' streams; each must be read to its end or closed
   */
  public static List<InputStream> split(InputStream source, int consumers, String threadName) {
    List<Branch> branches = new ArrayList<>();
    for (int i = 0; i < consumers; i++) {
      branches.add(new Branch());
    }
    Thread t = new Thread(() -> pump(source, branches), threadName);
    t.setDaemon(true);
    t.start();
    return List.copyOf(branches);
  }

  private static void pump(InputStream source, List<Branch> branches) {
    byte[] chunk = new byte[CHUNK];
    int n = 0;
    try (source) {
      while (true) {
        int k = source.read(chunk, n, CHUNK - n);
        if (k < 0) {
          break;
        }
        n += k;
        if (n == CHUNK) {
          if (!offerAll(branches, chunk)) {
            return;
          }
          chunk = new byte[CHUNK];
          n = 0;
        }
      }
      if (n > 0 && !offerAll(branches, Arrays.copyOf(chunk, n))) {
        return;
      }
      offerAll(branches, END);
    } catch (IOException | RuntimeException e) {
      // The bytes read before the failure first, as a direct reader would see them.
      if (n > 0) {
        offerAll(branches, Arrays.copyOf(chunk, n));
      }
      for (Branch b : branches) {
        b.failure = e;
      }
      offerAll(branches, END);
    }
  }

  /** Returns false when every consumer has closed its stream. */
  private static boolean offerAll(List<Branch> branches, byte[] data) {
    boolean anyOpen = false;
    for (Branch b : branches) {
      try {
        while (!b.closed && !b.queue.offer(data, 100, TimeUnit.MILLISECONDS)) {
          // the consumer is slow; keep waiting unless it closes
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      anyOpen |= !b.closed;
    }
    return anyOpen;
  }

  /** One consumer's stream. */
  private static final class Branch extends InputStream {
    final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(DEPTH);
    volatile boolean closed;
    volatile Exception failure;
    private byte[] cur = new byte[0];
    private int pos;
    private boolean ended;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (pos >= cur.length) {
        if (ended) {
          return -1;
        }
        try {
          byte[] next;
          while ((next = queue.poll(100, TimeUnit.MILLISECONDS)) == null) {
            if (closed) {
              return -1;
            }
          }
          cur = next;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading");
        }
        pos = 0;
        if (cur == END) {
          ended = true;
          Exception f = closed ? null : failure;
          if (f instanceof IOException io) {
            throw io;
          }
          if (f instanceof RuntimeException r) {
            throw r;
          }
          return -1;
        }
      }
      int n = Math.min(len, cur.length - pos);
      System.arraycopy(cur, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public void close() {
      closed = true;
      queue.clear();
      // wakes a reader waiting on another thread
      queue.offer(END);
    }
  }
}
