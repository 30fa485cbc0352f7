package ing.paperclip.db.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.backup.BackupEngine;
import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.pgdump.PgDumpLocator;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.PoolSettings;
import ing.paperclip.db.core.testing.Corpora;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.Oracles;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 1 of issue 18: the plan {@code db restore --plan} prints is what runs. A recording
 * data source captures every statement and COPY the executors send; in one transaction they are
 * exactly the plan's statements in the plan's order, in parallel the same statements (the
 * opening settings once per connection), each after the steps it depends on. Besides them, only
 * the restore's own housekeeping is sent, as prepared statements on the catalog, the marker and
 * the {@code public} schema. Corpora: Pagila by the java engine (members located by the
 * manifest) and written serially (no member offsets), Pagila by the pg_dump engine, the migrated
 * core schema, the original Paperclip's backup and a plain pg_dump file.
 */
@WithPostgres
class PlanExecutesIT {
  @TempDir
  static Path dir;
  private static TestDatabase pagila;
  private static TestDatabase core;

  /** The restore's own statements: catalog reads, the marker, settings, the clean. */
  private static final Pattern HOUSEKEEPING = Pattern.compile("(?s)^(?:SELECT .*pg_catalog\\..*"
      + "|CREATE SCHEMA \"?paperclip_restore_[0-9a-f]{16}\"?|CREATE TABLE \"?paperclip_restore_[0-9a-f]{16}\"?\\.\"?started\"? .*"
      + "|COMMENT ON SCHEMA \"?paperclip_restore_[0-9a-f]{16}\"? IS .*|INSERT INTO \"?paperclip_restore_[0-9a-f]{16}\"?\\.\"?started\"? .*"
      + "|DROP SCHEMA \"?paperclip_restore_[0-9a-f]{16}\"? CASCADE|SET LOCAL synchronous_commit = on"
      + "|DROP (?:TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE|FOREIGN TABLE|SCHEMA|EXTENSION) IF EXISTS .*"
      + "|CREATE SCHEMA public AUTHORIZATION pg_database_owner|GRANT USAGE ON SCHEMA public TO PUBLIC"
      + "|COMMENT ON SCHEMA public IS 'standard public schema')$");

  @BeforeAll
  static void sources(TestDatabase db) {
    pagila = db.sibling("pe_pagila");
    Corpora.loadPagila(pagila);
    core = db.sibling("pe_core");
    try (HikariDataSource ds = ConnectionPools.openMigration(core.spec(), PoolSettings.DEFAULTS)) {
      new Migrator(ds).migrate();
    }
  }

  @AfterAll
  static void drop() {
    pagila.dropInBackground();
    core.dropInBackground();
  }

  private static Path backup(TestDatabase source, String name, BackupEngine engine, int jobs) {
    BackupOptions o = BackupOptions.builder().engine(engine).jobs(jobs).build();
    PgDumpLocator path = engine == BackupEngine.PG_DUMP
        ? new PgDumpLocator(Map.of("PATH", Oracles.requirePgDump(source).getParent().toString()))
        : new PgDumpLocator(Map.of());
    return new BackupService(source.spec(), dir.resolve(name), new CatalogSchemaScripter(), o, path,
        Clock.systemUTC()).backup().file();
  }

  @Test
  void pagilaByTheJavaEngine(TestDatabase db) throws Exception {
    Path file = backup(pagila, "java", BackupEngine.JAVA, 2);
    bothModes(db, file, pagila, true);
  }

  @Test
  void pagilaWrittenSerially(TestDatabase db) throws Exception {
    Path file = backup(pagila, "serial", BackupEngine.JAVA, 1);
    bothModes(db, file, pagila, true);
  }

  @Test
  void pagilaByThePgDumpEngine(TestDatabase db) throws Exception {
    Path file = backup(pagila, "pgdump", BackupEngine.PG_DUMP, 1);
    bothModes(db, file, pagila, true);
  }

  @Test
  void theCoreSchema(TestDatabase db) throws Exception {
    Path file = backup(core, "core", BackupEngine.JAVA, 2);
    bothModes(db, file, core, true);
  }

  @Test
  void theOriginalPaperclipsBackup(TestDatabase db) throws Exception {
    bothModes(db, Corpora.file("corpora/paperclip-legacy/paperclip-20260331-120000.sql.gz"), null, false);
  }

  @Test
  void aPlainPgDumpFile(TestDatabase db) throws Exception {
    bothModes(db, Corpora.file("corpora/paperclip-drizzle/paperclip-drizzle-0217.sql.gz"), null, false);
  }

  /**
   * Restores the file in one transaction and in parallel (a file that cannot run in parallel is
   * restored in one transaction then, and checked as such), each time into a new database.
   */
  private void bothModes(TestDatabase db, Path file, TestDatabase source, boolean parallel) throws Exception {
    for (boolean oneTransaction : new boolean[] {true, false}) {
      TestDatabase target = db.sibling("pe_target");
      try {
        RecordingDataSource rec = new RecordingDataSource(target.dataSource());
        RestoreService service = new RestoreService(rec);
        RestoreOptions options = RestoreOptions.DEFAULTS.withJobs(oneTransaction ? 1 : 3);
        RestorePlan plan = service.plan(file, options);
        RestoreResult r = service.restore(file, options, RestoreListener.NONE);
        List<RecordingDataSource.Sent> sent = rec.sent();
        for (RecordingDataSource.Sent s : sent) {
          if (s.kind == RecordingDataSource.Kind.PREPARED) {
            assertTrue(HOUSEKEEPING.matcher(s.sql).matches(), "a prepared statement that is not the restore's own: " + s);
          }
        }
        List<RecordingDataSource.Sent> planned = sent.stream()
            .filter(s -> s.kind != RecordingDataSource.Kind.PREPARED).toList();
        if (r.singleTransaction()) {
          assertTrue(oneTransaction || !parallel, file + " was restored in one transaction: " + r.warnings());
          assertInOrder(plan, planned);
        } else {
          assertFalse(oneTransaction);
          assertParallel(plan, planned);
        }
        if (source != null) {
          DatabaseComparator.assertSameSchemaAndData(source, target);
        }
      } finally {
        target.dropInBackground();
      }
    }
  }

  private static final Pattern INSERT = Pattern.compile("(?is)^\\s*INSERT\\s+INTO\\s.*");

  /** One transaction: exactly the plan's statements, in its order, on one connection. */
  private static void assertInOrder(RestorePlan plan, List<RecordingDataSource.Sent> sent) {
    assertEquals(1, sent.stream().map(s -> s.connection).distinct().count(), "one connection");
    int i = 0;
    int steps = 0;
    for (RestoreStep step : plan.steps()) {
      if (step instanceof RestoreStep.InsertRows ins) {
        for (long k = 0; k < ins.statements(); k++, i++) {
          assertTrue(i < sent.size() && sent.get(i).kind == RecordingDataSource.Kind.SIMPLE
              && INSERT.matcher(sent.get(i).sql).matches(), "step " + steps + " (" + step.describe() + "): got "
              + (i < sent.size() ? sent.get(i) : "nothing"));
        }
      }
      for (String sql : step.sql()) {
        RecordingDataSource.Kind kind = step instanceof RestoreStep.LoadTableData
            ? RecordingDataSource.Kind.COPY : RecordingDataSource.Kind.SIMPLE;
        assertTrue(i < sent.size(), "step " + steps + " (" + step.describe() + ") was not sent");
        assertEquals(kind + " " + sql, sent.get(i).kind + " " + sent.get(i).sql, "step " + steps + " (" + step.describe() + ")");
        i++;
      }
      steps++;
    }
    assertEquals(sent.size(), i, "sent besides the plan: " + sent.subList(Math.min(i, sent.size()), sent.size()));
  }

  /**
   * Parallel: the opening settings first on every connection, then each other statement of the
   * plan exactly once, each step after the ones it depends on.
   */
  private static void assertParallel(RestorePlan plan, List<RecordingDataSource.Sent> sent) {
    List<String> settings = plan.steps().stream()
        .filter(s -> s instanceof RestoreStep.SessionSetting set && set.everyConnection())
        .map(s -> ((RestoreStep.SessionSetting) s).statement()).toList();
    Map<Integer, List<RecordingDataSource.Sent>> byConnection = sent.stream()
        .collect(Collectors.groupingBy(s -> s.connection));
    List<RecordingDataSource.Sent> rest = new ArrayList<>();
    byConnection.forEach((c, list) -> {
      assertTrue(list.size() >= settings.size(), "connection " + c + " got its settings");
      assertEquals(settings, list.subList(0, settings.size()).stream().map(s -> s.sql).toList(),
          "connection " + c + " begins with the file's settings");
      rest.addAll(list.subList(settings.size(), list.size()));
    });
    assertTrue(byConnection.size() > 1, "ran on several connections");
    // each step's statements, matched to what was sent (same text and kind, in start order)
    rest.sort((a, b) -> Long.compare(a.start, b.start));
    Map<String, List<RecordingDataSource.Sent>> pool = new HashMap<>();
    rest.forEach(s -> pool.computeIfAbsent(s.kind + " " + s.sql, k -> new ArrayList<>()).add(s));
    Map<RestoreStep, long[]> span = new java.util.IdentityHashMap<>();
    for (RestoreStep step : plan.steps()) {
      if (step instanceof RestoreStep.SessionSetting set && set.everyConnection()) {
        continue;
      }
      RecordingDataSource.Kind kind = step instanceof RestoreStep.LoadTableData
          ? RecordingDataSource.Kind.COPY : RecordingDataSource.Kind.SIMPLE;
      long start = Long.MAX_VALUE;
      long end = Long.MIN_VALUE;
      for (String sql : step.sql()) {
        List<RecordingDataSource.Sent> same = pool.get(kind + " " + sql);
        assertTrue(same != null && !same.isEmpty(), "not sent: " + step.describe() + ": " + sql);
        RecordingDataSource.Sent s = same.remove(0);
        start = Math.min(start, s.start);
        end = Math.max(end, s.end);
      }
      if (!step.sql().isEmpty()) {
        span.put(step, new long[] {start, end});
      }
    }
    List<RecordingDataSource.Sent> extra = pool.values().stream().flatMap(List::stream).toList();
    assertTrue(extra.isEmpty(), "sent besides the plan: " + extra);
    // the order the steps' dependencies ask for
    long preEnd = Long.MIN_VALUE;
    long dataStart = Long.MAX_VALUE;
    long dataEnd = Long.MIN_VALUE;
    Map<String, Long> loaded = new HashMap<>();
    for (RestoreStep step : plan.steps()) {
      long[] t = span.get(step);
      if (t == null) {
        continue;
      }
      if (step instanceof RestoreStep.LoadTableData d) {
        dataStart = Math.min(dataStart, t[0]);
        dataEnd = Math.max(dataEnd, t[1]);
        loaded.merge("TABLE " + d.qualifiedName(), t[1], Math::max);
      } else if (step instanceof RestoreStep.CreateObject o && !o.section().equals("post-data")) {
        preEnd = Math.max(preEnd, t[1]);
      }
    }
    assertTrue(preEnd < dataStart, "the pre-data ends before the first rows load");
    boolean leading = true;
    long buildsEnd = Long.MIN_VALUE;
    for (RestoreStep step : plan.steps()) {
      if (!(step instanceof RestoreStep.CreateObject o) || !o.section().equals("post-data")) {
        continue;
      }
      long[] t = span.get(step);
      assertTrue(t[0] > preEnd, o.describe() + " after the pre-data");
      leading &= o.kind().equals("INDEX") || o.kind().equals("CONSTRAINT");
      if (leading) {
        for (String dep : o.dependsOn()) {
          Long l = loaded.get(dep);
          assertTrue(l == null || t[0] > l, o.describe() + " starts after the rows of " + dep + " are in");
        }
        buildsEnd = Math.max(buildsEnd, t[1]);
      } else {
        assertTrue(t[0] > dataEnd, o.describe() + " starts after every table's rows are in");
        assertTrue(t[0] > buildsEnd, o.describe() + " starts after the indexes and keys are built");
      }
    }
  }
}
