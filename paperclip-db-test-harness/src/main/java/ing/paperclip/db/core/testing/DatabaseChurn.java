package ing.paperclip.db.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's creating and dropping of test databases: the time they take ({@link #summary}, logged
 * after each test class, so a slow suite shows where its time goes) and the background drops.
 *
 * <p>Every {@code DROP DATABASE} waits for a checkpoint (PostgreSQL 15 to 18), and a checkpoint
 * writes and fsyncs everything the other, live test databases wrote since the last one: on a
 * durable server a drop takes about a second while tests write, and a test that waits for its drop
 * waits for that. {@link #dropInBackground} takes it off the test's path: a pool of
 * {@value #DROPPERS} connections drops databases as they come; drops running together share a
 * checkpoint (and a database dropped before a checkpoint is never flushed at all). The pool is
 * drained when the JVM exits (for at most {@value #DRAIN_SECONDS} s); drops on an embedded test
 * server still queued then are skipped, as its cluster is deleted with its temporary directory.
 *
 * <p>Thread-safe.
 */
final class DatabaseChurn {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseChurn.class);
  /** Background drops at once: enough to share checkpoints, few of the server's connections. */
  static final int DROPPERS = 12;
  /** How long the exit waits for queued drops. */
  static final int DRAIN_SECONDS = 240;

  private static final LongAdder CREATED = new LongAdder();
  private static final LongAdder CREATE_NANOS = new LongAdder();
  private static final LongAdder DROPPED = new LongAdder();
  private static final LongAdder DROP_NANOS = new LongAdder();
  private static final LongAdder BACKGROUND = new LongAdder();
  private static final LongAdder BACKGROUND_NANOS = new LongAdder();
  private static final AtomicInteger QUEUED = new AtomicInteger();
  private static final ConcurrentLinkedQueue<String> FAILED = new ConcurrentLinkedQueue<>();
  private static final AtomicBoolean EXITING = new AtomicBoolean();
  private static final ExecutorService DROPPER = Executors.newFixedThreadPool(DROPPERS, r -> {
    Thread t = new Thread(r, "test-database-drop");
    t.setDaemon(true);
    return t;
  });

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(DatabaseChurn::exit, "test-database-drain"));
  }

  private DatabaseChurn() {}

  /** Counts a {@code CREATE DATABASE} that took {@code nanos}. */
  static void created(long nanos) {
    CREATED.increment();
    CREATE_NANOS.add(nanos);
  }

  /** Counts a {@code DROP DATABASE} the caller waited {@code nanos} for. */
  static void dropped(long nanos) {
    DROPPED.increment();
    DROP_NANOS.add(nanos);
  }

  /** Queues the drop of {@code name} on {@code server}; returns at once. */
  static void dropInBackground(TestServer server, String name) {
    QUEUED.incrementAndGet();
    DROPPER.execute(() -> {
      try {
        if (EXITING.get() && server.kind().equals("embedded")) {
          return;
        }
        long t0 = System.nanoTime();
        server.drop(name);
        BACKGROUND.increment();
        BACKGROUND_NANOS.add(System.nanoTime() - t0);
      } catch (RuntimeException e) {
        if (!(EXITING.get() && server.kind().equals("embedded"))) {
          FAILED.add(name);
          LOG.warn("{}", e.getMessage());
        }
      } finally {
        QUEUED.decrementAndGet();
      }
    });
  }

  /**
   * One line of this JVM's totals so far, e.g. for a log line after each test class (the forked
   * test JVM's output at exit is not captured).
   */
  static String summary() {
    List<String> failed = new ArrayList<>(FAILED);
    return String.format(Locale.ROOT, "test databases of this JVM so far: %d created (%.1f s), %d"
        + " dropped while a test waited (%.1f s), %d in the background (%.1f s summed over %d"
        + " connections, %d queued)%s", CREATED.sum(), CREATE_NANOS.sum() / 1e9, DROPPED.sum(),
        DROP_NANOS.sum() / 1e9, BACKGROUND.sum(), BACKGROUND_NANOS.sum() / 1e9, DROPPERS, QUEUED.get(),
        failed.isEmpty() ? "" : "; not dropped: " + failed + " (drop them with DROP DATABASE ... WITH (FORCE))");
  }

  private static void exit() {
    EXITING.set(true);
    DROPPER.shutdown();
    try {
      if (!DROPPER.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("{} test databases were still being dropped after {} s at exit: they stay on the"
            + " server (their names start with it_)", QUEUED.get(), DRAIN_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
