package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ing.paperclip.db.backup.FidelityCorpusIT.Case;
import ing.paperclip.db.backup.FidelityCorpusIT.Snapshot;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.catalog.Catalog;
import ing.paperclip.db.core.embedded.EmbeddedPostgres;
import ing.paperclip.db.core.embedded.EmbeddedPostgresConfig;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.PostgresExtension;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The majors between the two the full corpus runs on (15 external, 18 embedded): an embedded
 * server of each of PostgreSQL 15, 16, 17 and 18 starts from its {@code paperclip-db-embedded}
 * artifact (test scope here) and reports that major; a smoke subset of the fidelity corpus (one
 * case per file, {@link #smoke}) round-trips on 16 and on 17 through a backup and the default
 * restore, compared by catalog fingerprint and every row (and pg_dump where one fits, which on
 * Debian 12 is none); and the backups taken on 16 restore on 17 and on 18 with the same rows and
 * the same catalog apart from what the newer major adds ({@link #acrossMajors}). Skipped, with the
 * reason, for a major whose artifact is absent, and in the external-server run (these servers are
 * embedded in both runs: once is enough).
 */
class MajorsFidelityIT {
  private static final Map<Integer, Started> SERVERS = new ConcurrentHashMap<>();

  @TempDir
  Path dir;

  /** One embedded server this class started. */
  private record Started(EmbeddedPostgres postgres, TestServer server, Path root) {}

  @BeforeAll
  static void embeddedRunOnlyAndStartTheServers() throws InterruptedException {
    assumeTrue(System.getenv(PostgresExtension.ENV_URL) == null, "the majors run on embedded servers of"
        + " their own, exercised by the embedded run (" + PostgresExtension.ENV_URL + " is set)");
    // Start every bundled major at once (initdb is mostly waiting); a server that fails to start
    // is started again, and its error reported, by the first test asking for it.
    List<Thread> starting = new ArrayList<>();
    for (int major : EmbeddedPostgres.bundledMajors()) {
      Thread t = new Thread(() -> {
        try {
          server(major);
        } catch (RuntimeException e) {
          // reported by the test that needs this major
        }
      }, "majors-start-" + major);
      t.start();
      starting.add(t);
    }
    for (Thread t : starting) {
      t.join();
    }
  }

  @AfterAll
  static void stopServers() throws IOException {
    for (Started s : SERVERS.values()) {
      try {
        s.postgres().stop();
      } finally {
        try (Stream<Path> files = Files.walk(s.root())) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    SERVERS.clear();
  }

  @ParameterizedTest
  @ValueSource(ints = {15, 16, 17, 18})
  void eachMajorRunsFromItsArtifact(int major) throws Exception {
    TestServer server = server(major);
    try (Connection c = server.connectAdmin(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
      assertTrue(r.next());
      assertEquals(major, r.getInt(1) / 10000, "server_version_num " + r.getInt(1));
    }
    assertEquals(major, server.majorVersion());
  }

  /**
   * The smoke set on 16 and 17; the backups taken on 16 also restore on 17 and 18. Cases run three
   * at a time, as in {@link FidelityCorpusIT}.
   */
  @TestFactory
  Stream<DynamicTest> smokeCorpusOn16And17AndAcrossMajors() throws Exception {
    List<Case> smoke = smoke();
    assertEquals(FidelityCorpusIT.FILES.size(), smoke.size(), "one case per file");
    TestDatabase on16 = maintenance(server(16));
    TestDatabase on17 = maintenance(server(17));
    TestDatabase on18 = maintenance(server(18));
    ExecutorService pool = Executors.newFixedThreadPool(3, r -> {
      Thread t = new Thread(r, "majors-case");
      t.setDaemon(true);
      return t;
    });
    List<DynamicTest> tests = new ArrayList<>();
    try {
      for (Case c : smoke) {
        Future<?> from16 = pool.submit(() -> {
          roundTrip(on16, c, List.of(on17, on18));
          return null;
        });
        Future<?> from17 = pool.submit(() -> {
          roundTrip(on17, c, List.of());
          return null;
        });
        tests.add(DynamicTest.dynamicTest("PostgreSQL 16, also restored on 17 and 18: " + c.file()
            + " " + c.name(), () -> await(from16)));
        tests.add(DynamicTest.dynamicTest("PostgreSQL 17: " + c.file() + " " + c.name(),
            () -> await(from17)));
      }
    } finally {
      pool.shutdown();
    }
    return tests.stream();
  }

  /**
   * The smoke set: one round-tripping case per corpus file, the one with the most SQL (refused
   * cases are the completeness guard's, tested by the full corpus).
   */
  static List<Case> smoke() throws IOException {
    Map<String, Case> perFile = new LinkedHashMap<>();
    for (Case c : FidelityCorpusIT.corpus()) {
      if (c.refusedKind() == null) {
        perFile.merge(c.file(), c, (a, b) -> b.sql().length() > a.sql().length() ? b : a);
      }
    }
    return List.copyOf(perFile.values());
  }

  /**
   * Loads a case on one server, backs it up, restores it there with the default restore (pg_dump
   * where one fits, the catalog fingerprint, every row) and on each newer server (the catalog
   * apart from what {@link #acrossMajors} sets aside, every row).
   */
  private void roundTrip(TestDatabase on, Case c, List<TestDatabase> newer) throws Exception {
    TestDatabase src = FidelityCorpusIT.load(on, c, dir);
    try {
      Path file = FidelityCorpusIT.backup(src, dir.resolve("b_" + src.name()), false).file();
      Snapshot expected = Snapshot.of(src);
      TestDatabase target = src.sibling("maj_t");
      try {
        new RestoreService(target.dataSource()).restore(file, options(c), RestoreListener.NONE);
        expected.assertSame(target);
      } finally {
        target.drop();
      }
      int fromMajor = on.server().majorVersion();
      for (TestDatabase server : newer) {
        TestDatabase other = server.sibling("maj_x");
        try {
          copyRoles(on.server(), server.server());
          new RestoreService(other.dataSource()).restore(file, options(c), RestoreListener.NONE);
          int toMajor = other.server().majorVersion();
          Catalog a = acrossMajors(expected.catalog(), fromMajor, toMajor);
          Catalog b = acrossMajors(FidelityCorpusIT.fingerprint(other), fromMajor, toMajor);
          if (!a.equals(b)) {
            fail("catalog differs between " + src.name() + " on PostgreSQL " + fromMajor
                + " and its restore on " + toMajor + ": " + FidelityCorpusIT.firstDifference(a, b));
          }
          DatabaseComparator.assertSameData(src, other);
        } finally {
          other.drop();
        }
      }
    } finally {
      src.drop();
    }
  }

  private static RestoreOptions options(Case c) {
    return RestoreOptions.DEFAULTS.withJobs(2).withTrustFile(c.needsTrust() != null);
  }

  /**
   * A catalog fingerprint as compared between a source of one major and its restore on a newer
   * one: without the server version and, from before 18 to 18 or later, without NOT NULL
   * constraint names (18 catalogs a name for every NOT NULL, {@code <table>_<column>_not_null},
   * which older majors do not have; whether a column is NOT NULL is still compared).
   */
  static Catalog acrossMajors(Catalog c, int fromMajor, int toMajor) {
    boolean unnamedNotNulls = fromMajor < 18 && toMajor >= 18;
    List<Catalog.Table> tables = !unnamedNotNulls ? c.tables() : c.tables().stream()
        .map(t -> new Catalog.Table(t.schema(), t.name(), t.partitioned(), t.unlogged(),
            t.partitionOf(), t.partitionBound(), t.partitionKey(), t.inherits(), t.reloptions(),
            t.rowSecurity(), t.forceRowSecurity(), t.columns().stream().map(col -> new Catalog.Column(
                col.name(), col.type(), col.notNull(), col.defaultExpr(), col.identity(),
                col.identitySequence(), col.generatedExpr(), col.collation(), col.local(),
                col.statisticsTarget(), col.storage(), null, col.compression(), col.options()))
                .toList(), t.estimatedRows(), t.estimatedBytes(), t.replicaIdentity(), t.clusterOn(),
            t.accessMethod(), t.ofType()))
        .toList();
    List<Catalog.InventoryItem> inventory = c.inventory();
    if (unnamedNotNulls) {
      Set<String> notNulls = new HashSet<>();
      for (Catalog.Table t : c.tables()) {
        for (Catalog.Column col : t.columns()) {
          if (col.notNullName() != null) {
            notNulls.add(col.notNullName() + " on ");
            notNulls.add(SqlIdentifiers.quote(col.notNullName()) + " on ");
          }
        }
      }
      inventory = inventory.stream().filter(i -> !("table constraint".equals(i.kind())
          && notNulls.stream().anyMatch(i.identity()::startsWith))).toList();
    }
    return new Catalog(0, c.database(), c.schemas(), c.extensions(), c.types(), c.functions(),
        c.sequences(), tables, c.constraints(), c.indexes(), c.views(), c.triggers(),
        c.policies(), c.comments(), c.grants(), c.dependencies(), c.rules(), c.statistics(),
        c.collations(), c.casts(), c.eventTriggers(), c.publications(), c.defaultPrivileges(),
        c.definitions(), inventory);
  }

  /**
   * Creates on {@code to} (NOLOGIN) the roles of {@code from} it lacks, as {@code pg_dumpall
   * --roles-only} would before a restore on another cluster: the corpus grants to roles it creates.
   */
  private static void copyRoles(TestServer from, TestServer to) throws Exception {
    synchronized (FidelityCorpusIT.LOAD_LOCK) {
      Set<String> have = roles(to);
      for (String role : roles(from)) {
        if (!have.contains(role)) {
          try (Connection c = to.connectAdmin(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + SqlIdentifiers.quote(role) + " NOLOGIN");
          }
        }
      }
    }
  }

  private static Set<String> roles(TestServer server) throws Exception {
    Set<String> out = new HashSet<>();
    try (Connection c = server.connectAdmin(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT rolname FROM pg_catalog.pg_roles WHERE rolname !~ '^pg_'")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  private static void await(Future<?> outcome) throws Throwable {
    try {
      outcome.get();
    } catch (ExecutionException e) {
      throw e.getCause();
    }
  }

  private static TestDatabase maintenance(TestServer server) {
    return new TestDatabase(server, server.admin());
  }

  /**
   * Returns this class's embedded server of a major, started on first use (binaries cached where
   * the test harness caches them: {@code PAPERCLIP_HOME/runtime}, else {@code ~/.paperclip/runtime}).
   */
  private static TestServer server(int major) {
    assumeTrue(EmbeddedPostgres.bundledMajors().contains(major), "no PostgreSQL " + major
        + " binaries on the test classpath (found " + EmbeddedPostgres.bundledMajors()
        + "): add ing.paperclip:paperclip-db-embedded" + (major == 18 ? "" : "-" + major));
    return SERVERS.computeIfAbsent(major, m -> {
      try {
        Path root = Files.createTempDirectory("paperclip-it-pg" + m + "-");
        String home = System.getenv("PAPERCLIP_HOME");
        Path cache = (home != null && !home.isBlank() ? Path.of(home)
            : Path.of(System.getProperty("user.home"), ".paperclip")).resolve("runtime");
        EmbeddedPostgres pg = new EmbeddedPostgres(EmbeddedPostgresConfig.builder(root.resolve("db"),
            cache).port(55400 + m).postgresMajor(m).build());
        TestServer server = TestServer.embedded(pg.start());
        return new Started(pg, server, root);
      } catch (IOException e) {
        throw new IllegalStateException("cannot prepare an embedded PostgreSQL " + m + ": " + e.getMessage(), e);
      }
    }).server();
  }
}
