package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreResult;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static Path shared(String relative) {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("shared/corpora"))) {
      p = p.getParent();
    }
    String env = System.getenv("PAPERCLIP_SHARED_DIR");
    return (env != null ? Path.of(env) : p.resolve("shared")).resolve(relative);
  }

  private Path resource(String name) throws IOException {
    Path out = dir.resolve(name.replace('/', '_'));
    try (InputStream in = RoundTripIT.class.getResourceAsStream("/" + name)) {
      Files.copy(in, out);
    }
    return out;
  }

  private Path backup(TestDatabase source) {
    BackupResult r = new BackupService(source.spec(), dir.resolve("backups"), new CatalogSchemaScripter(),
        BackupOptions.defaults()).backup();
    return r.file();
  }

  /** Backs up, restores twice (executor, psql) and compares both with the source. */
  private void roundTrip(TestDatabase source) throws Exception {
    Path file = backup(source);
    TestDatabase viaExecutor = source.sibling("rt_exec");
    TestDatabase viaPsql = source.sibling("rt_psql");
    try {
      RestoreResult r = new RestoreService(viaExecutor.dataSource()).restore(file, RestoreOptions.DEFAULTS,
          RestoreListener.NONE);
      assertEquals("paperclip-db", r.format());
      DatabaseComparator.assertSameSchemaAndData(source, viaExecutor);
      ItSupport.psqlRestore(file, viaPsql);
      DatabaseComparator.assertSameSchemaAndData(source, viaPsql);
    } finally {
      viaExecutor.drop();
      viaPsql.drop();
    }
  }

  @Test
  void hostileCorpus(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("hostile");
    try {
      ItSupport.psqlFile(resource("corpora/hostile.sql"), src);
      ItSupport.psqlFile(resource("corpora/atomic.sql"), src);
      roundTrip(src);
    } finally {
      src.drop();
    }
  }

  @Test
  void pagila(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("pagila");
    try {
      ItSupport.psqlCorpus(shared("corpora/pagila/pagila-schema.sql"), src);
      ItSupport.psqlCorpus(shared("corpora/pagila/pagila-data.sql"), src);
      roundTrip(src);
    } finally {
      src.drop();
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
      src.drop();
    }
  }

  @Test
  void badFilesAreRefusedBeforeTheTargetIsTouched(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("bad_src");
    TestDatabase target = db.sibling("bad_target");
    try {
      ItSupport.psqlFile(resource("corpora/hostile.sql"), src);
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
      src.drop();
      target.drop();
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
      target.drop();
    }
  }

  @Test
  void originalPaperclipBackupsRestore(TestDatabase db) throws Exception {
    for (String name : new String[] {"paperclip-20260331-120000.sql", "paperclip-20260331-120000.sql.gz"}) {
      TestDatabase target = db.sibling("legacy");
      try {
        RestoreResult r = new RestoreService(target.dataSource()).restore(
            shared("corpora/paperclip-legacy/" + name), RestoreOptions.DEFAULTS, RestoreListener.NONE);
        assertEquals("paperclip-legacy", r.format());
        TestDatabase viaPsql = db.sibling("legacy_psql");
        try {
          ItSupport.run(viaPsql, java.util.List.of("bash", "-o", "pipefail", "-c",
              (name.endsWith(".gz") ? "gunzip -c" : "cat") + " \"$1\" | psql -X -q -v ON_ERROR_STOP=1 >/dev/null",
              "restore", shared("corpora/paperclip-legacy/" + name).toString()));
          assertEquals(DatabaseComparator.fingerprints(viaPsql), DatabaseComparator.fingerprints(target));
          assertTrue(DatabaseComparator.fingerprints(target).size() >= 3);
        } finally {
          viaPsql.drop();
        }
      } finally {
        target.drop();
      }
    }
  }
}
