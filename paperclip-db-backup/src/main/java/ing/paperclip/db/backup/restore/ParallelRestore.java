package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.internal.Sha256;
import ing.paperclip.db.backup.internal.StrictGzipInputStream;
import ing.paperclip.db.backup.internal.WorkerFailure;
import ing.paperclip.db.backup.script.ScriptItem;
import ing.paperclip.db.backup.script.ScriptReader;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parallel restore of one of our files, the way {@code pg_restore -j} works: the target is
 * checked empty and marked (a schema named {@value #MARKER_PREFIX} and 16 random hex digits,
 * commented {@value RestoreService#MARKER_COMMENT}), pre-data runs in one transaction on one
 * connection, then {@code jobs} connections load tables at once (each worker inflates its table's
 * own gzip member, found through the manifest's member offsets; files without offsets are read
 * in one sequential pass) while indexes and primary/unique/exclusion constraints are built, each
 * as soon as its table is loaded; then foreign keys in parallel (after every index they could
 * need), then the rest in file order; last the marker is dropped. On any failure every worker is stopped and everything in
 * the target's non-system schemas is dropped again, so the target is as empty as it was; a killed
 * process leaves the marker, which the next restore and {@link RestoreService#interruptedRestore}
 * report. One use per instance.
 */
final class ParallelRestore {
  /**
   * How the schema that marks a database while a parallel restore fills it begins; 16 random hex
   * digits follow, so that no schema of a backup (which the restore creates) can collide with it.
   */
  static final String MARKER_PREFIX = "paperclip_restore_";

  private static final Logger LOG = LoggerFactory.getLogger(ParallelRestore.class);
  private static final Set<String> INDEX_KINDS = Set.of("INDEX", "CONSTRAINT");
  private static final Set<String> FK_KINDS = Set.of("FK CONSTRAINT");
  private static final int DEADLOCK_RETRIES = 5;

  private final RestoreService.Connector target;
  private final Path file;
  private final RestorePlan plan;
  private final RestoreScript script;
  private final RestoreOptions options;
  private final RestoreListener listener;
  private final Map<String, Long> phases;
  private final long t0;
  /** Why a non-empty target is not only a fresh core schema (which the restore replaces), or empty. */
  private final java.util.function.Supplier<java.util.Optional<String>> notFreshCoreSchema;
  /** Whether the target held only a new instance's empty core schema, dropped first. */
  private boolean replaced;
  /** Whether the target's objects were dropped first (a fresh core schema, or --clean). */
  private boolean cleaned;
  private final List<Connection> connections = new ArrayList<>();
  private final List<Integer> pids = new ArrayList<>();
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger tablesDone = new AtomicInteger();
  /** This restore's marker schema. */
  private final String marker = MARKER_PREFIX + java.util.HexFormat.of().toHexDigits(
      new java.security.SecureRandom().nextLong());
  /** What lives outside the schemas an undo drops, as it was before the restore. */
  private Outside outside;

  /**
   * Roles, role and database settings, event triggers, foreign servers, publications and large
   * objects: what a restore could change that dropping schemas does not undo. Compared after an
   * undo so that "the target is empty again" is said only when it is true.
   */
  record Outside(Map<String, String> parts) {
    private static final String SQL = "SELECT"
        + " (SELECT coalesce(string_agg(rolname, ',' ORDER BY rolname), '') FROM pg_catalog.pg_roles) AS roles,"
        + " (SELECT coalesce(string_agg(setdatabase || ':' || setrole || ':' || pg_catalog.array_to_string(setconfig, ','),"
        + " ';' ORDER BY setdatabase, setrole), '') FROM pg_catalog.pg_db_role_setting) AS \"role and database settings\","
        + " (SELECT coalesce(string_agg(evtname, ',' ORDER BY evtname), '') FROM pg_catalog.pg_event_trigger) AS \"event triggers\","
        + " (SELECT coalesce(string_agg(srvname, ',' ORDER BY srvname), '') FROM pg_catalog.pg_foreign_server) AS \"foreign servers\","
        + " (SELECT coalesce(string_agg(pubname, ',' ORDER BY pubname), '') FROM pg_catalog.pg_publication) AS publications,"
        + " (SELECT count(*)::text FROM pg_catalog.pg_largeobject_metadata) AS \"large objects\"";

    static Outside read(Connection c) throws SQLException {
      Map<String, String> parts = new java.util.LinkedHashMap<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SQL)) {
        rs.next();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          parts.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
        }
      }
      return new Outside(parts);
    }

    /** Names what differs from {@code before}, e.g. "roles, event triggers"; empty when nothing. */
    String changedSince(Outside before) {
      List<String> changed = new ArrayList<>();
      parts.forEach((k, v) -> {
        if (!v.equals(before.parts().get(k))) {
          changed.add(k);
        }
      });
      return String.join(", ", changed);
    }
  }

  ParallelRestore(RestoreService.Connector target, Path file, RestorePlan plan, RestoreScript script,
      RestoreOptions options, RestoreListener listener, Map<String, Long> phases, long t0,
      java.util.function.Supplier<java.util.Optional<String>> notFreshCoreSchema) {
    this.notFreshCoreSchema = notFreshCoreSchema;
    this.target = target;
    this.file = file;
    this.plan = plan;
    this.script = script;
    this.options = options;
    this.listener = listener;
    this.phases = phases;
    this.t0 = t0;
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
          outside = Outside.read(main);
        } catch (SQLException e) {
          LOG.debug("restore of {}: cannot read roles and server-wide objects: {}", file, e.getMessage());
        }
        main.setAutoCommit(false);
        int objects = RestoreService.countUserObjects(main);
        if (objects > 0) {
          if (!options.clean()) {
            java.util.Optional<String> notFresh = RestoreService.interruptedRestore(main).isPresent()
                ? java.util.Optional.of("") : notFreshCoreSchema.get();
            if (notFresh.isPresent()) {
              throw RestoreService.notEmpty(main, objects, notFresh.get());
            }
            replaced = true;
          }
          cleaned = true;
        }
        if (!mayCreateSchemas(main)) {
          main.rollback();
          return new Outcome.Declined(NO_MARKER);
        }
        if (cleaned) {
          // dropped in the transaction that marks the target: a kill leaves a marked, partial target
          RestoreService.clean(main);
        }
        mark(main);
      } catch (SQLException e) {
        throw new PaperclipException(ErrorCode.RESTORE, "cannot start the restore of " + file + ": "
            + RestoreService.oneLine(e) + " (nothing was changed)", e);
      }
      return new Outcome.Restored(load(main));
    } finally {
      closeAll();
    }
  }

  private static boolean mayCreateSchemas(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT pg_catalog.has_database_privilege(pg_catalog.current_database(), 'CREATE')")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private void mark(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + SqlIdentifiers.quote(marker));
      s.execute("CREATE TABLE " + SqlIdentifiers.qualified(marker, "started")
          + " (started_at timestamptz NOT NULL DEFAULT now(), file text NOT NULL, jobs int NOT NULL)");
      // a constant without quotes: spliced as a literal
      s.execute("COMMENT ON SCHEMA " + SqlIdentifiers.quote(marker) + " IS '" + RestoreService.MARKER_COMMENT + "'");
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO "
        + SqlIdentifiers.qualified(marker, "started") + " (file, jobs) VALUES (?, ?)")) {
      ps.setString(1, file.toAbsolutePath().toString());
      ps.setInt(2, options.jobs());
      ps.execute();
    }
    c.commit();
  }

  private RestoreResult load(Connection main) {
    String phase = "pre-data";
    ExecutorService pool = null;
    try {
      long t = System.nanoTime();
      settings(main, true);
      try {
        runEntries(main, script.preData());
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
        settings(c, true);
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
      if (script.membersKnown()) {
        for (RestoreScript.TableData d : script.tables()) {
          // a table whose rows span several blocks: they load at once, its indexes wait for all
          weight.merge("TABLE " + d.qualifiedName(), d.memberLength(), Long::sum);
          nodes.add(new Node("load " + d.qualifiedName(), c -> loadMember(c, d), Set.of(), Set.of("TABLE " + d.qualifiedName()),
              d.memberLength(), true));
        }
      } else {
        LOG.info("restore of {}: the file records no member offsets (written serially or by an older "
            + "version); its tables load one after another on one connection", file);
        Set<String> all = new HashSet<>();
        script.tables().forEach(d -> all.add("TABLE " + d.qualifiedName()));
        nodes.add(new Node("load all tables", this::loadSequentially, Set.of(), all, Long.MAX_VALUE, true));
      }
      List<RestoreScript.Entry> post = script.postData();
      int lead = 0;
      while (lead < post.size() && INDEX_KINDS.contains(post.get(lead).kind())) {
        RestoreScript.Entry x = post.get(lead++);
        nodes.add(new Node(x.kind() + " " + x.name(), c -> runEntries(c, List.of(x)), Set.copyOf(x.deps()), Set.of(),
            x.deps().stream().mapToLong(k -> weight.getOrDefault(k, 0L)).sum(), false));
      }
      runGraph(pool, idle, nodes);
      phases.put("data+indexes", RestoreService.millisSince(t));

      phase = "post-data";
      t = System.nanoTime();
      postData(pool, idle, main, post.subList(lead, post.size()));
      phases.put("post-data", RestoreService.millisSince(t));

      phase = "finishing";
      t = System.nanoTime();
      main.setAutoCommit(false);
      try (Statement s = main.createStatement()) {
        // The restore is durable once the marker is gone.
        s.execute("SET LOCAL synchronous_commit = on");
        s.execute("DROP SCHEMA " + SqlIdentifiers.quote(marker) + " CASCADE");
      }
      main.commit();
      phases.put("finish", RestoreService.millisSince(t));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      LOG.info("restored {} with {} connections ({} tables, {} rows; phases {} ms)", file, n,
          tablesDone.get(), rows.get(), phases);
      return new RestoreResult(file, plan.format(), statements.get(), tablesDone.get(), rows.get(),
          cleaned, took, RestoreService.withNote(plan.warnings(), replaced), n, phases);
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

  /** Applies the file's session settings and ours (index memory; asynchronous commits of table loads). */
  private void settings(Connection c, boolean recordPid) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : script.settings()) {
        s.execute(sql);
      }
      s.execute("SET synchronous_commit = off");
      if (recordPid) {
        try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_backend_pid()")) {
          rs.next();
          synchronized (pids) {
            pids.add(rs.getInt(1));
          }
        }
      }
    }
    RestoreService.raiseMaintenanceWorkMem(c, options.jobs(), false);
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
  private void loadMember(Connection c, RestoreScript.TableData d) throws SQLException, IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.position(d.memberOffset());
      InputStream bounded = new BufferedInputStream(limit(Channels.newInputStream(ch), d.memberLength()), 1 << 16);
      StrictGzipInputStream gz = new StrictGzipInputStream(bounded, true);
      MemberLoader loader = new MemberLoader(c, List.of(d));
      new ScriptReader(gz).read(loader);
      if (loader.next != 1 || gz.members() != 1) {
        throw new PaperclipException(ErrorCode.CORRUPT_FILE, "the manifest of " + file + " places the rows of "
            + d.qualifiedName() + " at byte " + d.memberOffset() + ", but no single data block is there; "
            + "restore with --jobs 1");
      }
    }
  }

  /** Reads the whole file once and loads every COPY block in turn (files without member offsets). */
  private void loadSequentially(Connection c) throws SQLException, IOException {
    MemberLoader loader = new MemberLoader(c, script.tables());
    loader.skipStatements = true;
    try (InputStream in = BackupFormat.openText(file)) {
      new ScriptReader(in).read(loader);
    }
    if (loader.next != script.tables().size()) {
      throw new IOException("the file holds " + loader.next + " data blocks, the plan "
          + script.tables().size());
    }
  }

  private static InputStream limit(InputStream in, long max) {
    return new java.io.FilterInputStream(in) {
      private long left = max;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = in.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    };
  }

  /** Streams the expected COPY blocks, in order, to the server. */
  private final class MemberLoader implements ScriptReader.Handler {
    private final Connection c;
    private final List<RestoreScript.TableData> expected;
    boolean skipStatements;
    int next;
    private CopyIn copy;
    private long copyBytes;
    private long copyRows;
    private final MessageDigest digest = Sha256.newDigest();

    MemberLoader(Connection c, List<RestoreScript.TableData> expected) {
      this.c = c;
      this.expected = expected;
    }

    @Override
    public void item(ScriptItem item) throws IOException {
      if (item instanceof ScriptItem.CopyStart cs) {
        if (next >= expected.size() || !cs.sql().equals(expected.get(next).copySql())) {
          throw new IOException("unexpected data block at line " + cs.line() + " (" + cs.sql() + ")");
        }
        try {
          copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(cs.sql());
        } catch (SQLException e) {
          throw new PaperclipException(ErrorCode.RESTORE, "loading " + expected.get(next).qualifiedName()
              + " failed: " + RestoreService.oneLine(e), e);
        }
        copyBytes = 0;
        copyRows = 0;
        digest.reset();
        return;
      }
      if (!skipStatements) {
        throw new IOException("a table's data member holds a statement: " + item);
      }
    }

    @Override
    public void copyData(byte[] b, int off, int len, int newlines) {
      try {
        digest.update(b, off, len);
        copy.writeToCopy(b, off, len);
        copyBytes += len;
        copyRows += newlines;
      } catch (SQLException e) {
        throw new PaperclipException(ErrorCode.RESTORE, "loading " + expected.get(next).qualifiedName()
            + " failed: " + RestoreService.oneLine(e), e);
      }
    }

    @Override
    public void copyEnd() {
      RestoreScript.TableData d = expected.get(next);
      String sha = Sha256.hex(digest);
      if (copyRows != d.rows() || (d.sha256() != null && !d.sha256().equalsIgnoreCase(sha))) {
        // before the COPY ends: rows that are not the verified ones are never committed
        try {
          copy.cancelCopy();
        } catch (SQLException ignored) {
          // the load fails either way
        } finally {
          copy = null;
        }
        throw new PaperclipException(ErrorCode.CORRUPT_FILE, "the rows of " + d.qualifiedName() + " read from "
            + file + " for loading are not the ones verified (" + copyRows + " rows, checksum " + sha
            + "): the file changed after its verification; take it from a safe place and restore again");
      }
      long n;
      try {
        n = copy.endCopy();
      } catch (SQLException e) {
        throw new PaperclipException(ErrorCode.RESTORE, "loading " + d.qualifiedName() + " failed: "
            + RestoreService.oneLine(e), e);
      } finally {
        copy = null;
      }
      if (n != d.rows()) {
        throw new PaperclipException(ErrorCode.RESTORE, d.qualifiedName() + ": the server loaded " + n
            + " rows but the file holds " + d.rows());
      }
      next++;
      rows.addAndGet(n);
      long b = bytes.addAndGet(copyBytes);
      int done = tablesDone.incrementAndGet();
      synchronized (listener) {
        listener.tableDone(d.qualifiedName(), n, done, script.tables().size(), b);
      }
    }
  }

  /**
   * Post-data in file order, with runs of index/constraint builds and runs of foreign keys each
   * spread over the connections (the file puts every primary/unique key and index before the
   * first foreign key), and everything else on the main connection.
   */
  private void postData(ExecutorService pool, BlockingQueue<Connection> idle, Connection main,
      List<RestoreScript.Entry> entries) throws SQLException, IOException {
    int i = 0;
    while (i < entries.size()) {
      RestoreScript.Entry e = entries.get(i);
      Set<String> group = INDEX_KINDS.contains(e.kind()) ? INDEX_KINDS : FK_KINDS.contains(e.kind()) ? FK_KINDS : null;
      if (group == null) {
        runEntries(main, List.of(e));
        i++;
        continue;
      }
      List<Task> tasks = new ArrayList<>();
      while (i < entries.size() && group.contains(entries.get(i).kind())) {
        RestoreScript.Entry x = entries.get(i++);
        tasks.add(c -> runEntries(c, List.of(x)));
      }
      long t = System.nanoTime();
      // The main connection must be idle in the pool for the parallel run.
      runParallel(pool, idle, tasks);
      LOG.debug("restore: {} {} entries in {} ms", tasks.size(), group == INDEX_KINDS
          ? "index and key" : "foreign key", RestoreService.millisSince(t));
    }
  }

  /** Runs entries' statements; a statement that lost a deadlock to a parallel one is retried. */
  private void runEntries(Connection c, List<RestoreScript.Entry> entries) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (RestoreScript.Entry e : entries) {
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

  /**
   * Drops everything the restore created: the target was empty when it started, so every
   * non-system schema and extension goes, and {@code public} is recreated as a new database has
   * it. Returns the sentence the error message ends with.
   */
  private String undo() {
    cancelAll();
    for (Connection c : connections) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException ignored) {
        // closing is all that matters
      }
    }
    try (Connection c = target.open()) {
      c.setAutoCommit(true);
      if (!pids.isEmpty()) {
        // Stops server work (e.g. an index build) whose client is gone, so its locks are released.
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT pg_catalog.pg_terminate_backend(p) FROM unnest(?::int[]) p")) {
          Array a = c.createArrayOf("int4", pids.toArray());
          ps.setArray(1, a);
          ps.execute();
        } catch (SQLException e) {
          LOG.debug("restore undo: cannot stop worker sessions: {}", RestoreService.oneLine(e));
        }
      }
      c.setAutoCommit(false);
      RestoreService.clean(c);
      c.commit();
      int left = RestoreService.countUserObjects(c);
      String changed = outside == null ? "" : Outside.read(c).changedSince(outside);
      c.commit();
      if (left == 0 && changed.isEmpty() && outside != null) {
        return "; the parallel restore was undone: everything it had created was dropped and the target "
            + "is empty again" + (replaced ? " (without the empty core schema it replaced: the instance's "
            + "next start migrates it again)" : cleaned ? " (without what --clean dropped first: restore that"
            + " from a backup too)" : "");
      }
      if (left == 0 && changed.isEmpty()) {
        return "; the parallel restore was undone: the database's schemas are empty again (roles and other"
            + " server-wide objects could not be read, so they were not checked)";
      }
      return "; the parallel restore was undone in the database's schemas, but "
          + (left > 0 ? left + " objects remain in them" + (changed.isEmpty() ? "" : " and ") : "")
          + (changed.isEmpty() ? "" : "what dropping schemas cannot undo changed while it ran (" + changed
              + ", which belong to the server or the database itself): check and repair them by hand");
    } catch (SQLException | RuntimeException e) {
      LOG.warn("restore undo failed", e);
      return "; undoing the parallel restore failed too (" + RestoreService.oneLine(e) + "): the target "
          + "holds a partial restore, marked by schema " + marker + "; restore again with --clean or "
          + "drop and recreate the database";
    }
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
