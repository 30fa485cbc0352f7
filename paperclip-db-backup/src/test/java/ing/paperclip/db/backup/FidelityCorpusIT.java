package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.catalog.Catalog;
import ing.paperclip.db.core.catalog.CatalogReader;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fidelity corpus ({@code src/test/resources/fidelity/*.sql}): every case is loaded into a
 * fresh database, backed up by the java engine with parallel workers, restored by our executor
 * (in parallel, and in one transaction, on alternate cases) and by {@code gunzip -c | psql}, and
 * compared with the source: {@code pg_dump --schema-only} where a pg_dump fits the server, the
 * catalog as {@link CatalogReader} reads it (definitions, comments, privileges, dependencies and
 * the inventory of every object) and every table's rows and sequence's state. A case marked
 * {@code -- refused: KIND} must instead be refused by the completeness guard with a message naming
 * an object of that kind, and back up with {@code skipUnsupported} listing the omission in the
 * manifest. A case that is neither equal nor refused fails.
 *
 * <p>One backup of a case serves both restores, and the source's schema dump and catalog are read
 * once for both comparisons (the source does not change). Cases run concurrently, each in its own
 * databases ({@code -Dfidelity.threads=N}, default {@value #DEFAULT_THREADS}; 1 runs them in
 * order); their loads are serialized (see {@link #load}), their databases dropped in the
 * background ({@link TestDatabase#dropInBackground}: a drop waits for a checkpoint, the next case
 * need not), and the summary logs the time per phase.
 */
@WithPostgres
class FidelityCorpusIT {
  private static final Logger LOG = LoggerFactory.getLogger(FidelityCorpusIT.class);
  /** Cases run at once, unless {@code -Dfidelity.threads=N}. */
  private static final int DEFAULT_THREADS = 3;
  /** Held while a case loads, and by anything else that creates roles (cluster-wide). */
  static final Object LOAD_LOCK = new Object();
  /** Time spent per phase of the round-tripping cases (nanoseconds, summed over threads). */
  private static final Map<String, LongAdder> PHASES = new ConcurrentSkipListMap<>();
  static final List<String> FILES = List.of("01-tables.sql", "02-types.sql", "03-functions.sql",
      "04-constraints-indexes.sql", "05-views-rules-triggers.sql",
      "06-partitions-inheritance.sql", "07-privileges.sql", "08-data.sql",
      "09-database-level.sql", "10-object-kinds.sql",
      "11-operator-classes-languages.sql", "12-foreign-data.sql", "13-ownership.sql");

  @TempDir
  Path dir;

  /**
   * One corpus case: its name, SQL, the kind the guard must refuse (or null), and what the restore
   * allowlist refuses without {@code --trust-file} (or null).
   */
  record Case(String file, String name, String sql, String refusedKind, String needsTrust) {}

  static List<Case> corpus() throws IOException {
    List<Case> out = new ArrayList<>();
    for (String f : FILES) {
      String text;
      try (InputStream in = FidelityCorpusIT.class.getResourceAsStream("/fidelity/" + f)) {
        text = new String(Objects.requireNonNull(in, f).readAllBytes(), StandardCharsets.UTF_8);
      }
      String name = null;
      StringBuilder sql = new StringBuilder();
      String refused = null;
      String trust = null;
      for (String line : (text + "\n-- case: \n").split("\n", -1)) {
        if (line.startsWith("-- case: ")) {
          if (name != null) {
            out.add(new Case(f, name, sql.toString(), refused, trust));
          }
          name = line.substring("-- case: ".length()).strip();
          sql.setLength(0);
          refused = null;
          trust = null;
        } else if (line.startsWith("-- refused: ")) {
          refused = line.substring("-- refused: ".length()).strip();
        } else if (line.startsWith("-- needs --trust-file: ")) {
          trust = line.substring("-- needs --trust-file: ".length()).strip();
        } else if (name != null) {
          sql.append(line).append('\n');
        }
      }
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> corpusRoundTrips(TestDatabase db) throws IOException {
    List<Case> all = corpus();
    // -Dfidelity.cases=REGEX runs only the matching cases (while working on one)
    String only = System.getProperty("fidelity.cases");
    List<Case> cases = only == null ? all
        : all.stream().filter(c -> c.name().matches(only)).toList();
    AtomicInteger equal = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    Set<String> failing = new ConcurrentSkipListSet<>();
    // The cases are independent (one database each), so they run concurrently; each dynamic test
    // reports its own case's outcome. Most of a case's time is server round trips and client
    // processes (psql, pg_dump), so a few more threads than cores pays.
    int threads = Integer.getInteger("fidelity.threads", DEFAULT_THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "fidelity-case");
      t.setDaemon(true);
      return t;
    });
    List<Future<?>> outcomes = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      boolean oneTx = i % 2 == 1;
      outcomes.add(pool.submit(() -> {
        run(db, c, oneTx);
        return null;
      }));
    }
    pool.shutdown();
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      Future<?> outcome = outcomes.get(i);
      tests.add(DynamicTest.dynamicTest(c.file() + " " + c.name(), () -> {
        try {
          outcome.get();
          (c.refusedKind() == null ? equal : refused).incrementAndGet();
        } catch (ExecutionException e) {
          failing.add(c.name());
          throw e.getCause();
        }
      }));
    }
    tests.add(DynamicTest.dynamicTest("summary", () -> {
      LOG.info("fidelity corpus on PostgreSQL {}: {} cases, {} equal, {} refused by name, {}"
          + " failing {} ({} threads)", db.server().majorVersion(), cases.size(), equal.get(),
          refused.get(), failing.size(), failing, threads);
      StringBuilder phases = new StringBuilder();
      PHASES.forEach((k, v) -> phases.append(String.format(Locale.ROOT, " %s %.1f s;", k, v.sum() / 1e9)));
      LOG.info("fidelity corpus time per phase, summed over the cases:{}", phases);
      assertTrue(all.size() >= 100, "corpus size " + all.size());
    }));
    return tests.stream();
  }

  /**
   * Loads a case into a fresh database. Loads run one at a time: cases share cluster-wide objects
   * (roles such as {@code fidelity_reader}, created if missing), whose concurrent creation would
   * race; everything else a case does stays inside its own databases.
   */
  static TestDatabase load(TestDatabase db, Case c, Path dir) throws Exception {
    TestDatabase src = db.sibling("fid_" + c.name());
    try {
      Path sql = Files.createTempFile(dir, src.name(), ".sql");
      Files.writeString(sql, c.sql(), StandardCharsets.UTF_8);
      synchronized (LOAD_LOCK) {
        ItSupport.psqlFile(sql, src);
      }
      return src;
    } catch (Exception | Error e) {
      src.drop();
      throw e;
    }
  }

  private void run(TestDatabase db, Case c, boolean oneTx) throws Exception {
    TestDatabase src = timed("create and load", () -> load(db, c, dir));
    List<TestDatabase> targets = new ArrayList<>();
    try {
      Path backups = dir.resolve("b_" + c.name());
      if (c.refusedKind() != null) {
        PaperclipException e = assertThrows(PaperclipException.class, () -> backup(src, backups,
            false), "case " + c.name() + " must be refused (" + c.refusedKind() + ")");
        assertEquals(ErrorCode.BACKUP, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("cannot back up " + c.refusedKind())
            || e.getMessage().contains(", " + c.refusedKind())
            || e.getMessage().contains(": " + c.refusedKind()), e.getMessage());
        assertTrue(e.getMessage().contains("--engine pg_dump")
            && e.getMessage().contains("--skip-unsupported"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(ItSupport.listDir(backups).isEmpty(), "no file left behind");
        BackupResult skipped = backup(src, backups, true);
        assertTrue(skipped.manifest().transforms().omittedObjects().stream()
            .anyMatch(o -> o.startsWith(c.refusedKind())),
            skipped.manifest().transforms().omittedObjects().toString());
        return;
      }
      // One backup serves both restores; the source is read once (it does not change).
      BackupResult backup = timed("backup", () -> backup(src, backups, false));
      assertTrue(backup.manifest().transforms().omittedObjects().isEmpty(),
          backup.manifest().transforms().omittedObjects().toString());
      Path file = backup.file();
      Snapshot expected = timed("read source", () -> Snapshot.of(src));
      TestDatabase target = timed("create", () -> src.sibling("fid_t"));
      targets.add(target);
      RestoreOptions options = RestoreOptions.DEFAULTS.withJobs(2).withSingleTransaction(oneTx);
      if (c.needsTrust() != null) {
        RestoreOptions untrusted = options;
        PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(
            target.dataSource()).restore(file, untrusted, RestoreListener.NONE));
        assertTrue(e.getMessage().contains(c.needsTrust()) && e.getMessage().contains("--trust-file"),
            e.getMessage());
        options = options.withTrustFile(true);
      }
      RestoreOptions restore = options;
      var restored = timed("restore", () -> new RestoreService(target.dataSource()).restore(file, restore,
          RestoreListener.NONE));
      // our files list every object after what it depends on: the planner's order check says nothing
      assertTrue(restored.warnings().stream().noneMatch(w -> w.contains(" is listed before ")),
          restored.warnings().toString());
      timed("compare", () -> {
        expected.assertSame(target);
        return null;
      });
      TestDatabase viaPsql = timed("create", () -> src.sibling("fid_p"));
      targets.add(viaPsql);
      timed("psql restore", () -> {
        ItSupport.psqlRestore(file, viaPsql);
        return null;
      });
      timed("compare", () -> {
        expected.assertSame(viaPsql);
        return null;
      });
    } finally {
      targets.add(src);
      for (TestDatabase t : targets) {
        t.dropInBackground();
      }
    }
  }

  /** Runs one phase of a case, adding its time to {@link #PHASES} (logged by the summary). */
  private static <T> T timed(String phase, Callable<T> work) throws Exception {
    long t0 = System.nanoTime();
    try {
      return work.call();
    } finally {
      PHASES.computeIfAbsent(phase, k -> new LongAdder()).add(System.nanoTime() - t0);
    }
  }

  static BackupResult backup(TestDatabase src, Path dir, boolean skipUnsupported) {
    return new BackupService(src.spec(), dir, new CatalogSchemaScripter(), BackupOptions.builder()
        .jobs(2).skipUnsupported(skipUnsupported).build()).backup();
  }

  /** pg_dump (where it fits), the catalog fingerprint and every row. */
  static void assertSame(TestDatabase expected, TestDatabase actual) throws Exception {
    Snapshot.of(expected).assertSame(actual);
  }

  /** The catalog fingerprint and every row. */
  static void assertSameCatalogAndData(TestDatabase expected, TestDatabase actual)
      throws Exception {
    Snapshot.catalogOnly(expected).assertSame(actual);
  }

  /**
   * What a source database is compared by, its schema dump and catalog read once and compared
   * with every restore of it (rows are digested again each time: one query per table).
   *
   * @param source the source database
   * @param schema its normalised {@code pg_dump --schema-only}, when a pg_dump fits the server
   *     (else empty: the comparison is reported as skipped, see {@link DatabaseComparator})
   * @param catalog its {@link #fingerprint catalog fingerprint}
   */
  record Snapshot(TestDatabase source, Optional<String> schema, Catalog catalog) {
    /** Reads a database's schema dump (where pg_dump fits) and catalog. */
    static Snapshot of(TestDatabase db) throws Exception {
      return new Snapshot(db, DatabaseComparator.schemaDump(db), fingerprint(db));
    }

    /** Reads a database's catalog only. */
    static Snapshot catalogOnly(TestDatabase db) throws Exception {
      return new Snapshot(db, Optional.empty(), fingerprint(db));
    }

    /** Asserts that {@code actual} reads the same: pg_dump (if read), catalog, rows. */
    void assertSame(TestDatabase actual) throws Exception {
      if (schema.isPresent()) {
        String b = DatabaseComparator.schemaDump(actual).orElseThrow();
        if (!schema.get().equals(b)) {
          fail("pg_dump --schema-only differs between " + source.name() + " (-) and "
              + actual.name() + " (+):\n" + DatabaseComparator.diff(schema.get(), b));
        }
      }
      Catalog b = fingerprint(actual);
      if (!catalog.equals(b)) {
        fail("catalog differs between " + source.name() + " and " + actual.name() + ": "
            + firstDifference(catalog, b));
      }
      DatabaseComparator.assertSameData(source, actual);
    }
  }

  /** The catalog without what a restore legitimately changes (name, size estimates). */
  static Catalog fingerprint(TestDatabase db) throws Exception {
    Catalog c;
    try (Connection conn = db.connect()) {
      conn.setAutoCommit(false);
      c = new CatalogReader().read(conn);
      conn.rollback();
    }
    List<Catalog.Table> tables = c.tables().stream().map(t -> new Catalog.Table(t.schema(),
        t.name(), t.partitioned(), t.unlogged(), t.partitionOf(), t.partitionBound(),
        t.partitionKey(), t.inherits(), t.reloptions(), t.rowSecurity(), t.forceRowSecurity(),
        t.columns(), 0, 0, t.replicaIdentity(), t.clusterOn(), t.accessMethod(), t.ofType()))
        .toList();
    return new Catalog(c.serverVersion(), "", c.schemas(), c.extensions(), c.types(),
        c.functions(), c.sequences(), tables, c.constraints(), c.indexes(), c.views(),
        c.triggers(), c.policies(), c.comments(), c.grants(), c.dependencies(), c.rules(),
        c.statistics(), c.collations(), c.casts(), c.eventTriggers(), c.publications(),
        c.defaultPrivileges(), c.definitions(), c.inventory());
  }

  static String firstDifference(Catalog a, Catalog b) {
    List<List<?>> la = lists(a);
    List<List<?>> lb = lists(b);
    String[] names = {"schemas", "extensions", "types", "functions", "sequences", "tables",
        "constraints", "indexes", "views", "triggers", "policies", "comments", "grants",
        "dependencies", "rules", "statistics", "collations", "casts", "event triggers",
        "publications", "default privileges", "definitions", "inventory"};
    for (int i = 0; i < la.size(); i++) {
      if (!la.get(i).equals(lb.get(i))) {
        List<Object> onlyA = new ArrayList<>(la.get(i));
        onlyA.removeAll(lb.get(i));
        List<Object> onlyB = new ArrayList<>(lb.get(i));
        onlyB.removeAll(la.get(i));
        return names[i] + ": source only " + onlyA + "; restored only " + onlyB;
      }
    }
    return "header (" + a.serverVersion() + ")".toLowerCase(Locale.ROOT);
  }

  private static List<List<?>> lists(Catalog c) {
    return List.of(c.schemas(), c.extensions(), c.types(), c.functions(), c.sequences(),
        c.tables(), c.constraints(), c.indexes(), c.views(), c.triggers(), c.policies(),
        c.comments(), c.grants(), c.dependencies(), c.rules(), c.statistics(), c.collations(),
        c.casts(), c.eventTriggers(), c.publications(), c.defaultPrivileges(), c.definitions(),
        c.inventory());
  }
}
