package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.Format;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreResult;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.testing.Corpora;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.FailOnPurpose;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof of fidelity: corpora are backed up by the java engine, restored by our executor and
 * by {@code gunzip -c | psql} into fresh databases, and compared with pg_dump --schema-only (where
 * a pg_dump fits the server) and per-table row fingerprints.
 */
@WithPostgres
class RoundTripIT {
  @TempDir
  Path dir;

  private Path backup(TestDatabase source) {
    return backup(source, 2);
  }

  private Path backup(TestDatabase source, int jobs) {
    BackupResult r = new BackupService(source.spec(), dir.resolve("backups-j" + jobs), new CatalogSchemaScripter(),
        BackupOptions.builder().jobs(jobs).build()).backup();
    return r.file();
  }

  /**
   * Backs up with parallel workers (each table in a gzip member of its own, located by the
   * manifest) and serially (no member offsets), restores in parallel (members inflated by the
   * workers; the serial file read in one pass), in one transaction and through psql, and compares
   * every result with the source.
   */
  private void roundTrip(TestDatabase source) throws Exception {
    Path file = backup(source, 2);
    Path serialFile = backup(source, 1);
    record Way(String name, Path file, RestoreOptions options) {}
    List<Way> ways = List.of(
        new Way("parallel", file, RestoreOptions.DEFAULTS.withJobs(3)),
        new Way("parallel_serial_file", serialFile, RestoreOptions.DEFAULTS.withJobs(2)),
        new Way("one_tx", file, RestoreOptions.DEFAULTS.withJobs(2).withSingleTransaction(true)));
    for (Way w : ways) {
      TestDatabase target = source.sibling("rt_" + w.name());
      try {
        RestoreResult r = new RestoreService(target.dataSource()).restore(w.file(), w.options(), RestoreListener.NONE);
        assertEquals("paperclip-db", r.format().label());
        assertEquals(w.options().oneTransaction(), r.singleTransaction(), w.name());
        DatabaseComparator.assertSameSchemaAndData(source, target);
        try (java.sql.Connection c = target.connect()) {
          assertTrue(RestoreService.interruptedRestore(c).isEmpty(), "marker dropped");
        }
      } finally {
        target.dropInBackground();
      }
    }
    TestDatabase viaPsql = source.sibling("rt_psql");
    try {
      ItSupport.psqlRestore(file, viaPsql);
      DatabaseComparator.assertSameSchemaAndData(source, viaPsql);
    } finally {
      viaPsql.dropInBackground();
    }
  }

  @Test
  void aFailureDuringAParallelRestoreLeavesTheTargetEmpty(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("pfail_src");
    TestDatabase target = db.sibling("pfail_target");
    try {
      // An index whose expression fails on the target only (a database setting the restore's
      // connections inherit), after the rows are in: the failure comes mid-restore.
      src.execute(FailOnPurpose.guard("index build refused on purpose") + """
          CREATE TABLE app.big (id int PRIMARY KEY, payload text);
          INSERT INTO app.big SELECT g, md5(g::text) FROM generate_series(1, 20000) g;
          CREATE TABLE app.other (id int PRIMARY KEY, big_id int REFERENCES app.big (id));
          INSERT INTO app.other SELECT g, g FROM generate_series(1, 5000) g;
          CREATE INDEX big_guard ON app.big (app.guard(id));
          """);
      Path file = backup(src);
      FailOnPurpose.arm(target);
      Map<String, String> before = DatabaseComparator.fingerprints(target);
      PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(target.dataSource())
          .restore(file, RestoreOptions.DEFAULTS.withJobs(2), RestoreListener.NONE));
      assertEquals(ErrorCode.RESTORE, e.code());
      assertTrue(e.getMessage().contains("index build refused on purpose"), e.getMessage());
      assertTrue(e.getMessage().contains("undone") && e.getMessage().contains("empty again"), e.getMessage());
      assertEquals(before, DatabaseComparator.fingerprints(target));
      try (java.sql.Connection c = target.connect()) {
        assertEquals(0, countUserObjects(c), "nothing left behind");
        assertTrue(RestoreService.interruptedRestore(c).isEmpty());
      }
      FailOnPurpose.disarm(target);
      new RestoreService(target.dataSource()).restore(file, RestoreOptions.DEFAULTS.withJobs(2), RestoreListener.NONE);
      DatabaseComparator.assertSameSchemaAndData(src, target);
    } finally {
      src.dropInBackground();
      target.dropInBackground();
    }
  }

  /**
   * {@code DROP EXTENSION ltree CASCADE} fails in PostgreSQL itself ("cache lookup failed for
   * function") while an index uses an ltree operator class with {@code siglen}: an undo or a
   * {@code --clean} that dropped extensions first got stuck on it. A parallel restore that fails
   * after that index is built (a materialized view whose refresh fails on the target only) is
   * undone completely, and {@code --clean} replaces such a database.
   */
  @Test
  void undoAndCleanDropAnLtreeIndexWithSiglen(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("ltree_src");
    TestDatabase target = db.sibling("ltree_target");
    try {
      src.execute(FailOnPurpose.guard("refresh refused on purpose") + """
          CREATE EXTENSION ltree;
          CREATE TABLE app.tree (id int PRIMARY KEY, p ltree NOT NULL);
          INSERT INTO app.tree SELECT g, ('top.n' || g)::ltree FROM generate_series(1, 2000) g;
          CREATE INDEX tree_p ON app.tree USING gist (p gist_ltree_ops(siglen=100));
          CREATE MATERIALIZED VIEW app.guarded AS SELECT app.guard(id) AS id FROM app.tree;
          """);
      Path file = backup(src);
      FailOnPurpose.arm(target);
      PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(target.dataSource())
          .restore(file, RestoreOptions.DEFAULTS.withJobs(2), RestoreListener.NONE));
      assertTrue(e.getMessage().contains("refresh refused on purpose"), e.getMessage());
      assertTrue(e.getMessage().contains("undone") && e.getMessage().contains("empty again"), e.getMessage());
      try (java.sql.Connection c = target.connect()) {
        assertEquals(0, countUserObjects(c), "nothing left behind");
        assertTrue(RestoreService.interruptedRestore(c).isEmpty());
      }
      FailOnPurpose.disarm(target);
      new RestoreService(target.dataSource()).restore(file, RestoreOptions.DEFAULTS.withJobs(2), RestoreListener.NONE);
      DatabaseComparator.assertSameSchemaAndData(src, target);
      // in parallel through a scratch database swapped in (a data source runs it in one transaction)
      RestoreResult again = new RestoreService(target.spec()).restore(file,
          RestoreOptions.DEFAULTS.withClean(true), RestoreListener.NONE);
      assertTrue(again.cleaned() && again.swapped());
      assertFalse(again.singleTransaction(), "--clean runs in parallel");
      assertEquals(1, again.warnings().size(), again.warnings().toString());
      assertTrue(again.warnings().get(0).startsWith("--clean restored in parallel into scratch database"),
          again.warnings().toString());
      DatabaseComparator.assertSameSchemaAndData(src, target);
    } finally {
      src.dropInBackground();
      target.dropInBackground();
    }
  }

  @Test
  void anInterruptedParallelRestoreIsReportedAndCleanRestoresOverIt(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("pint_src");
    TestDatabase target = db.sibling("pint_target");
    try {
      src.execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100)");
      Path file = backup(src);
      // What a killed parallel restore leaves: its marker and part of the data.
      target.execute("""
          CREATE SCHEMA paperclip_restore_0123456789abcdef;
          CREATE TABLE paperclip_restore_0123456789abcdef.started (started_at timestamptz NOT NULL DEFAULT now(),
            file text NOT NULL, jobs int NOT NULL);
          INSERT INTO paperclip_restore_0123456789abcdef.started (file, jobs) VALUES ('/backups/x.sql.gz', 2);
          CREATE TABLE t (id int);
          """ + "COMMENT ON SCHEMA paperclip_restore_0123456789abcdef IS '" + ing.paperclip.db.backup.restore.RestoreTarget.MARKER_COMMENT + "';");
      try (java.sql.Connection c = target.connect()) {
        assertTrue(RestoreService.interruptedRestore(c).orElseThrow().contains("/backups/x.sql.gz"));
      }
      PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(target.dataSource())
          .restore(file, RestoreOptions.DEFAULTS, RestoreListener.NONE));
      assertTrue(e.getMessage().contains("partial restore") && e.getMessage().contains("--clean"), e.getMessage());
      new RestoreService(target.dataSource()).restore(file, RestoreOptions.DEFAULTS.withClean(true), RestoreListener.NONE);
      DatabaseComparator.assertSameSchemaAndData(src, target);
      try (java.sql.Connection c = target.connect()) {
        assertTrue(RestoreService.interruptedRestore(c).isEmpty());
      }
    } finally {
      src.dropInBackground();
      target.dropInBackground();
    }
  }

  private static int countUserObjects(java.sql.Connection c) throws java.sql.SQLException {
    try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(
        "SELECT (SELECT count(*) FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace"
            + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%')"
            + " + (SELECT count(*) FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public')"
            + " AND nspname NOT LIKE 'pg\\_%')"
            + " + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema'))")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * A user schema with the name the marker schema once had (and a marker-like table in it) is
   * the user's: it is neither taken for an interrupted restore nor in the way of the parallel
   * restore's own marker.
   */
  @Test
  void aUserSchemaNamedLikeTheMarkerRestoresInParallel(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("marker_src");
    try {
      src.execute("""
          CREATE SCHEMA paperclip_restore_in_progress;
          CREATE TABLE paperclip_restore_in_progress.started (started_at timestamptz NOT NULL DEFAULT now(),
            file text NOT NULL, jobs int NOT NULL);
          INSERT INTO paperclip_restore_in_progress.started (file, jobs) VALUES ('mine', 7);
          CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10);
          """);
      try (java.sql.Connection c = src.connect()) {
        assertTrue(RestoreService.interruptedRestore(c).isEmpty(), "a user schema is no marker");
      }
      roundTrip(src);
    } finally {
      src.dropInBackground();
    }
  }

  @Test
  void hostileCorpus(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("hostile");
    try {
      Corpora.load(src, "corpora/hostile.sql");
      Corpora.load(src, "corpora/atomic.sql");
      roundTrip(src);
    } finally {
      src.dropInBackground();
    }
  }

  @Test
  void pagila(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("pagila");
    try {
      Corpora.loadPagila(src);
      roundTrip(src);
    } finally {
      src.dropInBackground();
    }
  }

  @Test
  void coreSchemaWithDataPluginSchemaAndJournals(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("core");
    try {
      new Migrator(src.dataSource()).migrate();
      src.execute("""
          INSERT INTO companies (id, name, issue_prefix) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme', 'PAP');
          INSERT INTO agents (id, company_id, name, adapter_config) VALUES ('00000000-0000-0000-0000-0000000000a1',
            '00000000-0000-0000-0000-000000000001', 'CEO', '{"env": {"OPENAI_API_KEY": {"type": "secret_ref", "secretId": "x"}}}');
          INSERT INTO issues (company_id, title, description, identifier, issue_number)
            SELECT '00000000-0000-0000-0000-000000000001', 'Issue ' || g, repeat('text ', g), 'PAP-' || g, g
            FROM generate_series(1, 200) g;
          INSERT INTO issue_comments (company_id, issue_id, body)
            SELECT company_id, id, 'see PAP-1' FROM issues WHERE issue_number <= 20;
          CREATE SCHEMA plugin_crm_0123456789;
          CREATE TYPE plugin_crm_0123456789.stage AS ENUM ('lead', 'won', 'lost');
          CREATE TABLE plugin_crm_0123456789.deals (id bigserial PRIMARY KEY, stage plugin_crm_0123456789.stage NOT NULL,
            company_id uuid REFERENCES public.companies(id), amount numeric(12,2));
          INSERT INTO plugin_crm_0123456789.deals (stage, company_id, amount)
            VALUES ('lead', '00000000-0000-0000-0000-000000000001', 10.5), ('won', NULL, 0);
          CREATE SCHEMA drizzle;
          CREATE TABLE drizzle.__drizzle_migrations (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint);
          INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('abc', 1711111111111), ('def', 1712222222222);
          CREATE TABLE public.flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL,
            type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL,
            installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL);
          INSERT INTO public.flyway_schema_history VALUES (1, '1', 'init', 'SQL', 'V1__init.sql', -12345, 'me', '2026-01-01', 5, true);
          """);
      roundTrip(src);
    } finally {
      src.dropInBackground();
    }
  }

  @Test
  void badFilesAreRefusedBeforeTheTargetIsTouched(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("bad_src");
    TestDatabase target = db.sibling("bad_target");
    try {
      Corpora.load(src, "corpora/hostile.sql");
      Path good = backup(src);
      target.execute("CREATE TABLE keep_me (x int); INSERT INTO keep_me VALUES (1), (2)");
      Map<String, String> before = DatabaseComparator.fingerprints(target);
      RestoreService restore = new RestoreService(target.dataSource());

      byte[] bytes = Files.readAllBytes(good);
      Path truncated = dir.resolve("truncated.sql.gz");
      Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
      Path flipped = dir.resolve("flipped.sql.gz");
      byte[] f = bytes.clone();
      f[f.length / 2] ^= 0x10;
      Files.write(flipped, f);
      Path foreign = dir.resolve("foreign.sql.gz");
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(foreign))) {
        out.write("just some text\n".getBytes());
      }
      Path tamperedText = dir.resolve("tampered.sql.gz");
      String text;
      try (InputStream in = new GZIPInputStream(Files.newInputStream(good))) {
        text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tamperedText))) {
        out.write(text.replace("ünïcödé", "unicode").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      for (Path bad : new Path[] {truncated, flipped, foreign, tamperedText}) {
        PaperclipException e = assertThrows(PaperclipException.class,
            () -> restore.restore(bad, RestoreOptions.DEFAULTS.withClean(true), RestoreListener.NONE), bad.toString());
        assertEquals(ErrorCode.CORRUPT_FILE, e.code(), e.getMessage());
        assertEquals(before, DatabaseComparator.fingerprints(target), "target unchanged after " + bad);
      }
      PaperclipException nonEmpty = assertThrows(PaperclipException.class,
          () -> restore.restore(good, RestoreOptions.DEFAULTS, RestoreListener.NONE));
      assertEquals(ErrorCode.RESTORE, nonEmpty.code());
      assertTrue(nonEmpty.getMessage().contains("--clean"), nonEmpty.getMessage());
      assertEquals(before, DatabaseComparator.fingerprints(target));

      restore.restore(good, RestoreOptions.DEFAULTS.withClean(true), RestoreListener.NONE);
      DatabaseComparator.assertSameSchemaAndData(src, target);
    } finally {
      src.dropInBackground();
      target.dropInBackground();
    }
  }

  @Test
  void aFailingStatementLeavesTheTargetUnchanged(TestDatabase db) throws Exception {
    TestDatabase target = db.sibling("fail_target");
    try {
      target.execute("CREATE TABLE existing (x int); INSERT INTO existing VALUES (42)");
      Map<String, String> before = DatabaseComparator.fingerprints(target);
      Path script = dir.resolve("broken-dump.sql");
      Files.writeString(script, """
          --
          -- PostgreSQL database dump
          --
          SET client_encoding = 'UTF8';
          CREATE TABLE public.t (id integer);
          COPY public.t (id) FROM stdin;
          1
          2
          \\.
          ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (no_such_column);
          --
          -- PostgreSQL database dump complete
          --
          """);
      PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(target.dataSource())
          .restore(script, RestoreOptions.DEFAULTS.withClean(true), RestoreListener.NONE));
      assertEquals(ErrorCode.RESTORE, e.code());
      assertTrue(e.getMessage().contains("line 10") && e.getMessage().contains("no_such_column"), e.getMessage());
      assertEquals(before, DatabaseComparator.fingerprints(target), "clean and load were rolled back");
    } finally {
      target.dropInBackground();
    }
  }

  /**
   * The original's backups restore to what the script itself gives: loaded by the harness's JDBC
   * loader, then (where psql is installed) by {@code gunzip -c | psql} as the original documents.
   */
  @Test
  void originalPaperclipBackupsRestore(TestDatabase db) throws Exception {
    List<String> corpora = List.of("corpora/paperclip-legacy/paperclip-20260331-120000.sql",
        "corpora/paperclip-legacy/paperclip-20260331-120000.sql.gz");
    for (boolean psql : new boolean[] {false, true}) {
      for (String corpus : corpora) {
        TestDatabase target = db.sibling("legacy");
        TestDatabase reference = db.sibling(psql ? "legacy_psql" : "legacy_loader");
        try {
          RestoreResult r = new RestoreService(target.dataSource()).restore(
              Corpora.file(corpus), RestoreOptions.DEFAULTS, RestoreListener.NONE);
          assertEquals(Format.LEGACY, r.format());
          assertTrue(r.singleTransaction());
          assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("restored in one transaction instead of in"
              + " parallel: a paperclip-legacy file is restored statement by statement")), r.warnings().toString());
          if (psql) {
            ItSupport.psqlRestore(Corpora.file(corpus), reference);
          } else {
            Corpora.load(reference, corpus);
          }
          assertEquals(DatabaseComparator.fingerprints(reference), DatabaseComparator.fingerprints(target));
          assertTrue(DatabaseComparator.fingerprints(target).size() >= 3);
        } finally {
          target.dropInBackground();
          reference.dropInBackground();
        }
      }
    }
  }
}
