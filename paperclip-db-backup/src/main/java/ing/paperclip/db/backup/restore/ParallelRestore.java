package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.internal.StrictGzipInputStream;
import ing.paperclip.db.backup.internal.WorkerFailure;
import ing.paperclip.db.backup.file.BackupEvent;
import ing.paperclip.db.backup.file.BackupReader;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parallel restore of one of our files, the way {@code pg_restore -j} works, running the plan's
 * steps: the target is checked empty and marked ({@link RestoreTarget}), the opening settings
 * run on every connection, the pre-data steps in one transaction on one connection, then
 * {@code jobs} connections load tables at once (each worker inflates its table's own gzip
 * member, found through the manifest's member offsets; files without offsets are read in one
 * sequential pass) while indexes and primary/unique/exclusion constraints are built, each as soon
 * as its table is loaded; then foreign keys in parallel (after every index they could need), then
 * the rest in file order; last the marker is dropped. On any failure every worker is stopped and
 * the restore is undone ({@link RestoreTarget#undo}); a killed process leaves the marker, which
 * the next restore and {@link RestoreTarget#interruptedRestore} report. One use per instance.
 */
final class ParallelRestore {
  private static final Logger LOG = LoggerFactory.getLogger(ParallelRestore.class);
  private static final Set<String> INDEX_KINDS = Set.of("INDEX", "CONSTRAINT");
  private static final Set<String> FK_KINDS = Set.of("FK CONSTRAINT");
  private static final int DEADLOCK_RETRIES = 5;

  private final RestoreTarget target;
  private final Path file;
  private final RestorePlan plan;
  private final RestoreOptions options;
  private final RestoreListener listener;
  private final Map<String, Long> phases;
  private final long t0;
  private final DataProgress progress;
  /** What the target held when the restore started. */
  private RestoreTarget.Emptiness found = new RestoreTarget.Emptiness(false, false);
  private final List<Connection> connections = new ArrayList<>();
  private final List<Integer> pids = new ArrayList<>();
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger tablesDone = new AtomicInteger();
  /** This restore's marker schema. */
  private final String marker = RestoreTarget.newMarker();
  /** What lives outside the schemas an undo drops, as it was before the restore. */
  private RestoreTarget.Outside outside;
  /** Whether the target is a scratch database ({@link DatabaseSwap}) that the caller drops on failure instead. */
  private final boolean scratch;

  ParallelRestore(RestoreTarget target, RestorePlan plan, RestoreOptions options, RestoreListener listener,
      Map<String, Long> phases, long t0) {
    this(target, plan, options, listener, phases, t0, false);
  }

  /**
   * Creates a restore into {@code target}.
   *
   * @param scratch the target is a scratch database the caller drops when the restore fails: a
   *     failure stops the workers but undoes nothing (the message then ends without the undo's note)
   */
  ParallelRestore(RestoreTarget target, RestorePlan plan, RestoreOptions options, RestoreListener listener,
      Map<String, Long> phases, long t0, boolean scratch) {
    this.scratch = scratch;
    this.target = target;
    this.file = plan.file();
    this.plan = plan;
    this.options = options;
    this.listener = listener;
    this.phases = phases;
    this.t0 = t0;
    this.progress = new DataProgress(listener, plan.dataBytes());
  }

  /**
   * Tells why a plan cannot run in parallel (before anything is touched), or empty when it can:
   * our files whose rows are COPY blocks only, whose settings all open the file.
   */
  static Optional<String> whyNot(RestorePlan plan) {
    if (!plan.format().parallelRestore()) {
      return Optional.of("a " + plan.format().label() + " file is restored statement by statement");
    }
    for (RestoreStep s : plan.steps()) {
      if (s instanceof RestoreStep.InsertRows
          || (s instanceof RestoreStep.CreateObject o && o.section().equals("data") && !preData(o))) {
        return Optional.of("its data section is not COPY blocks only");
      }
      if (s instanceof RestoreStep.SessionSetting set && !set.everyConnection()) {
        return Optional.of("it changes a session setting at line " + set.line() + ", between its entries");
      }
    }
    return Optional.empty();
  }

  /** Whether a step runs with the pre-data: a sequence's value needs only the sequence. */
  private static boolean preData(RestoreStep.CreateObject o) {
    return o.section().equals("pre-data") || (o.section().equals("data") && o.kind().equals("SEQUENCE SET"));
  }

  /** What {@link #run()} did: restored, or declined before changing anything. */
  sealed interface Outcome {
    /** The restore ran in parallel. */
    record Restored(RestoreResult result) implements Outcome {}

    /** Nothing was done; the restore must run in one transaction, for the reason given. */
    record Declined(String reason) implements Outcome {}
  }

  /** Why a role that may not create schemas is restored in one transaction. */
  static final String NO_MARKER = "the role may not create the marker schema a parallel restore needs";

  /**
   * Runs the restore.
   *
   * @return the result, or the decision to restore in one transaction (when the role may not
   *     create schemas: the marker needs one), taken before anything was changed
   */
  Outcome run() {
    Connection main;
    try {
      main = target.open();
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot connect to the restore target: "
          + RestoreService.oneLine(e) + "; check that the server is up and the URL's user and password", e);
    }
    connections.add(main);
    try {
      try {
        try {
          outside = RestoreTarget.Outside.read(main);
        } catch (SQLException e) {
          LOG.debug("restore of {}: cannot read roles and server-wide objects: {}", file, e.getMessage());
        }
        main.setAutoCommit(false);
        found = target.check(main, options.clean());
        if (!RestoreTarget.mayCreateSchemas(main)) {
          main.rollback();
          return new Outcome.Declined(NO_MARKER);
        }
        if (found.clean()) {
          // dropped in the transaction that marks the target: a kill leaves a marked, partial target
          RestoreTarget.clean(main);
        }
        RestoreTarget.mark(main, marker, file, options.jobs());
        main.commit();
      } catch (SQLException e) {
        throw new PaperclipException(ErrorCode.RESTORE, "cannot start the restore of " + file + ": "
            + RestoreService.oneLine(e) + " (nothing was changed)", e);
      }
      return new Outcome.Restored(load(main));
    } finally {
      closeAll();
    }
  }

  private RestoreResult load(Connection main) {
    String phase = "pre-data";
    ExecutorService pool = null;
    try {
      long t = System.nanoTime();
      settings(main);
      try {
        for (RestoreStep s : plan.steps()) {
          if (s instanceof RestoreStep.CreateObject o && preData(o)) {
            runSteps(main, List.of(o));
          }
        }
        main.commit();
      } catch (SQLException | RuntimeException e) {
        main.rollback();
        throw e;
      }
      main.setAutoCommit(true);
      phases.put("pre-data", RestoreService.millisSince(t));

      phase = "data";
      t = System.nanoTime();
      int jobs = options.jobs();
      BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(jobs);
      idle.add(main);
      for (int i = 1; i < jobs; i++) {
        Connection c;
        try {
          c = target.open();
        } catch (SQLException e) {
          LOG.warn("restore runs with {} of {} connections: {}", i, jobs, RestoreService.oneLine(e));
          break;
        }
        connections.add(c);
        settings(c);
        idle.add(c);
      }
      int n = idle.size();
      AtomicInteger threadNo = new AtomicInteger();
      pool = Executors.newFixedThreadPool(n, r -> {
        Thread th = new Thread(r, "paperclip-restore-" + threadNo.incrementAndGet());
        th.setDaemon(true);
        return th;
      });
      // Data and the index/key builds that lead the post-data section form one graph: a table's
      // indexes start as soon as its rows are in, while other tables still load.
      List<Node> nodes = new ArrayList<>();
      Map<String, Long> weight = new HashMap<>();
      List<RestoreStep.LoadTableData> tables = plan.tableData();
      if (plan.membersKnown()) {
        for (RestoreStep.LoadTableData d : tables) {
          // a table whose rows span several blocks: they load at once, its indexes wait for all
          weight.merge("TABLE " + d.qualifiedName(), d.memberLength(), Long::sum);
          nodes.add(new Node("load " + d.qualifiedName(), c -> loadMember(c, d), Set.of(),
              Set.of("TABLE " + d.qualifiedName()), d.memberLength(), true));
        }
      } else {
        LOG.info("restore of {}: the file records no member offsets (written serially or by an older "
            + "version); its tables load one after another on one connection", file);
        Set<String> all = new HashSet<>();
        tables.forEach(d -> all.add("TABLE " + d.qualifiedName()));
        nodes.add(new Node("load all tables", this::loadSequentially, Set.of(), all, Long.MAX_VALUE, true));
      }
      List<RestoreStep.CreateObject> post = plan.steps().stream()
          .filter(s -> s instanceof RestoreStep.CreateObject o && o.section().equals("post-data"))
          .map(s -> (RestoreStep.CreateObject) s).toList();
      int lead = 0;
      while (lead < post.size() && INDEX_KINDS.contains(post.get(lead).kind())) {
        RestoreStep.CreateObject x = post.get(lead++);
        nodes.add(new Node(x.kind() + " " + x.name(), c -> runSteps(c, List.of(x)), Set.copyOf(x.dependsOn()),
            Set.of(), x.dependsOn().stream().mapToLong(k -> weight.getOrDefault(k, 0L)).sum(), false));
      }
      runGraph(pool, idle, nodes);
      progress.finish();
      phases.put("data+indexes", RestoreService.millisSince(t));

      phase = "post-data";
      t = System.nanoTime();
      postData(pool, idle, main, post.subList(lead, post.size()));
      phases.put("post-data", RestoreService.millisSince(t));

      phase = "finishing";
      t = System.nanoTime();
      RestoreTarget.unmark(main, marker);
      phases.put("finish", RestoreService.millisSince(t));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      LOG.info("restored {} with {} connections ({} tables, {} rows; phases {} ms)", file, n,
          tablesDone.get(), rows.get(), phases);
      return new RestoreResult(file, plan.format(), statements.get(), tablesDone.get(), rows.get(),
          found.clean(), took, found.notes(plan.warnings()), n, phases, found.replaced(), List.of(), plan.selectedTables());
    } catch (SQLException | IOException | RuntimeException e) {
      if (pool != null) {
        pool.shutdownNow();
      }
      String what = e instanceof PaperclipException pe ? pe.getMessage() : "restore of " + file
          + " failed in " + phase + ": " + RestoreService.oneLine(e);
      String undone = undo();
      // a damaged file stays a damaged file (its own exit status), whatever phase found it
      ErrorCode code = e instanceof PaperclipException pe ? pe.code() : ErrorCode.RESTORE;
      throw new PaperclipException(code, what + undone, e);
    } finally {
      if (pool != null) {
        pool.shutdownNow();
        try {
          if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("restore workers did not stop within 30 s");
          }
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * Runs the file's opening settings (the plan's steps) and the restore's own (index memory;
   * asynchronous commits of table loads) on a connection, and records its server process.
   */
  private void settings(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (RestoreStep step : plan.steps()) {
        if (step instanceof RestoreStep.SessionSetting set && set.everyConnection()) {
          s.execute(set.statement());
        }
      }
    }
    RestoreTarget.sessionSettings(c, options.jobs(), false, true);
    int pid = RestoreTarget.backendPid(c);
    synchronized (pids) {
      pids.add(pid);
    }
  }

  /** Work for one connection. */
  @FunctionalInterface
  private interface Task {
    void run(Connection c) throws SQLException, IOException;
  }

  /**
   * A unit of parallel work.
   *
   * @param task what to run on a connection
   * @param needs what must be done first (needs nobody provides are met from the start)
   * @param provides what is done when it is
   * @param weight bigger goes first among ready nodes
   * @param data a table load (loads go before builds)
   */
  private record Node(String label, Task task, Set<String> needs, Set<String> provides, long weight,
      boolean data) {}

  /** Runs tasks on the idle connections, at most one per connection; the first failure stops all. */
  private void runParallel(ExecutorService pool, BlockingQueue<Connection> idle, List<Task> tasks)
      throws SQLException, IOException {
    List<Node> nodes = new ArrayList<>();
    tasks.forEach(t -> nodes.add(new Node("step", t, Set.of(), Set.of(), 0, false)));
    runGraph(pool, idle, nodes);
  }

  /**
   * Runs nodes on the idle connections, each once its needs are met, at most one per connection,
   * ready loads first, then the heaviest; the first failure cancels the others and is thrown.
   */
  private void runGraph(ExecutorService pool, BlockingQueue<Connection> idle, List<Node> nodes)
      throws SQLException, IOException {
    int slots = idle.size();
    // how many nodes still have to provide each thing (a table's blocks each provide the table)
    Map<String, Integer> outstanding = new HashMap<>();
    nodes.forEach(n -> n.provides().forEach(p -> outstanding.merge(p, 1, Integer::sum)));
    List<Node> pending = new ArrayList<>(nodes);
    pending.sort(Comparator.comparing((Node n) -> !n.data()).thenComparing(Comparator.comparingLong(Node::weight).reversed()));
    CompletionService<Node> cs = new ExecutorCompletionService<>(pool);
    List<Future<Node>> futures = new ArrayList<>();
    int running = 0;
    try {
      while (!pending.isEmpty() || running > 0) {
        for (Iterator<Node> it = pending.iterator(); running < slots && it.hasNext(); ) {
          Node n = it.next();
          if (n.needs().stream().allMatch(x -> outstanding.getOrDefault(x, 0) == 0)) {
            it.remove();
            running++;
            futures.add(cs.submit(() -> {
              Connection c = idle.take();
              long t = System.nanoTime();
              try {
                n.task().run(c);
              } finally {
                idle.add(c);
              }
              LOG.debug("restore: {} took {} ms", n.label(), RestoreService.millisSince(t));
              return n;
            }));
          }
        }
        if (running == 0) {
          throw new IllegalStateException("restore steps wait for each other: " + pending.size() + " left");
        }
        Node n = cs.take().get();
        running--;
        n.provides().forEach(p -> outstanding.merge(p, -1, Integer::sum));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      futures.forEach(f -> f.cancel(true));
      throw new PaperclipException(ErrorCode.RESTORE, "restore of " + file + " was interrupted", e);
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      cancelAll();
      throw WorkerFailure.rethrow(e, "restore worker");
    }
  }

  /** Inflates one table's own gzip member and streams its rows to COPY. */
  private void loadMember(Connection c, RestoreStep.LoadTableData d) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.position(d.memberOffset());
      InputStream bounded = new BufferedInputStream(new RawBytes(Channels.newInputStream(ch), d.memberLength(),
          progress::add), 1 << 16);
      StrictGzipInputStream gz = new StrictGzipInputStream(bounded, true);
      BlockLoader loader = new BlockLoader(c, List.of(d), false);
      new BackupReader(gz).read(loader);
      if (loader.next != 1 || gz.members() != 1) {
        throw new PaperclipException(ErrorCode.CORRUPT_FILE, "the manifest of " + file + " places the rows of "
            + d.qualifiedName() + " at byte " + d.memberOffset() + ", but no single data block is there; "
            + "restore with --jobs 1");
      }
    }
  }

  /** Reads the whole file once and loads every COPY block in turn (files without member offsets). */
  private void loadSequentially(Connection c) throws IOException {
    List<RestoreStep.LoadTableData> tables = plan.tableData();
    BlockLoader loader = new BlockLoader(c, tables, true);
    try (InputStream in = BackupFormat.openText(new RawBytes(Files.newInputStream(file), Long.MAX_VALUE,
        progress::add))) {
      new BackupReader(in).read(loader);
    }
    if (loader.next != tables.size()) {
      throw new IOException("the file holds " + loader.next + " data blocks, the plan " + tables.size());
    }
  }

  /** Streams the planned COPY blocks, in order, to the server; the file's statements are not run. */
  private final class BlockLoader implements BackupReader.Handler {
    private final Connection c;
    private final List<RestoreStep.LoadTableData> expected;
    private final boolean skipStatements;
    int next;
    private TableLoader loading;
    private boolean skipping;

    BlockLoader(Connection c, List<RestoreStep.LoadTableData> expected, boolean skipStatements) {
      this.c = c;
      this.expected = expected;
      this.skipStatements = skipStatements;
    }

    @Override
    public void event(BackupEvent event) throws IOException {
      if (event instanceof BackupEvent.DataEnd) {
        dataEnd();
        return;
      }
      if (!(event instanceof BackupEvent.Item item)) {
        return;
      }
      if (item instanceof BackupEvent.DataStart cs) {
        if (skipStatements && plan.selective() && (next >= expected.size() || cs.line() < expected.get(next).line())) {
          skipping = true; // a block the selective plan leaves out
          return;
        }
        if (next >= expected.size() || !cs.copySql().equals(expected.get(next).copySql())) {
          throw new IOException("unexpected data block at line " + cs.line() + " (" + cs.copySql() + ")");
        }
        loading = new TableLoader(c, expected.get(next), file);
        return;
      }
      if (!skipStatements) {
        throw new IOException("a table's data member holds a statement: " + item);
      }
    }

    @Override
    public void data(byte[] b, int off, int len, int newlines) {
      if (!skipping) {
        loading.write(b, off, len, newlines);
      }
    }

    private void dataEnd() {
      if (skipping) {
        skipping = false;
        return;
      }
      RestoreStep.LoadTableData d = expected.get(next);
      long n = loading.end();
      long b = bytes.addAndGet(loading.bytes());
      loading = null;
      next++;
      rows.addAndGet(n);
      int done = tablesDone.incrementAndGet();
      synchronized (listener) {
        listener.tableDone(d.qualifiedName(), n, done, plan.tableData().size(), b);
      }
    }
  }

  /**
   * Post-data in file order, with runs of index/constraint builds and runs of foreign keys each
   * spread over the connections (the file puts every primary/unique key and index before the
   * first foreign key), and everything else on the main connection.
   */
  private void postData(ExecutorService pool, BlockingQueue<Connection> idle, Connection main,
      List<RestoreStep.CreateObject> entries) throws SQLException, IOException {
    int i = 0;
    while (i < entries.size()) {
      RestoreStep.CreateObject e = entries.get(i);
      Set<String> group = INDEX_KINDS.contains(e.kind()) ? INDEX_KINDS : FK_KINDS.contains(e.kind()) ? FK_KINDS : null;
      if (group == null) {
        runSteps(main, List.of(e));
        i++;
        continue;
      }
      List<Task> tasks = new ArrayList<>();
      while (i < entries.size() && group.contains(entries.get(i).kind())) {
        RestoreStep.CreateObject x = entries.get(i++);
        tasks.add(c -> runSteps(c, List.of(x)));
      }
      long t = System.nanoTime();
      // The main connection must be idle in the pool for the parallel run.
      runParallel(pool, idle, tasks);
      LOG.debug("restore: {} {} entries in {} ms", tasks.size(), group == INDEX_KINDS
          ? "index and key" : "foreign key", RestoreService.millisSince(t));
    }
  }

  /** Runs steps' statements; a statement that lost a deadlock to a parallel one is retried. */
  private void runSteps(Connection c, List<RestoreStep.CreateObject> steps) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (RestoreStep.CreateObject e : steps) {
        for (String sql : e.sql()) {
          for (int attempt = 1; ; attempt++) {
            try {
              st.execute(sql);
              statements.incrementAndGet();
              break;
            } catch (SQLException ex) {
              if ("40P01".equals(ex.getSQLState()) && c.getAutoCommit() && attempt < DEADLOCK_RETRIES) {
                LOG.debug("restore: {} {} lost a deadlock, retrying", e.kind(), e.name());
                continue;
              }
              throw new PaperclipException(ErrorCode.RESTORE, "restore of " + file + " failed at line "
                  + e.line() + " (" + e.kind() + " " + e.name() + "): " + RestoreService.oneLine(ex), ex);
            }
          }
        }
      }
    }
  }

  /** Cancels whatever the connections are running, so that a failure stops the others at once. */
  private void cancelAll() {
    for (Connection c : connections) {
      try {
        c.unwrap(PGConnection.class).cancelQuery();
      } catch (SQLException ignored) {
        // already idle or broken
      }
    }
  }

  /** Stops every connection and undoes the restore; returns the sentence the error message ends with. */
  private String undo() {
    cancelAll();
    for (Connection c : connections) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException ignored) {
        // closing is all that matters
      }
    }
    if (scratch) {
      return "";
    }
    List<Integer> ids;
    synchronized (pids) {
      ids = List.copyOf(pids);
    }
    return target.undo(ids, outside, found, marker);
  }

  private void closeAll() {
    for (Connection c : connections) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // nothing left to do with it
      }
    }
    connections.clear();
  }
}
