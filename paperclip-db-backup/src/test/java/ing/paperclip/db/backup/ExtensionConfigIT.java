package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.pgdump.PgDumpLocator;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.backup.restore.RestoreVerification;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.Oracles;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.TestExtensions;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rows of an extension's configuration tables that are the user's (pg_cron's jobs, PostGIS's
 * own spatial references) and its configuration sequences' values, which pg_dump dumps though the
 * tables are the extension's: both engines' backups carry them, and both restore modes bring them
 * back next to the rows the extension's script makes, equal to the source; the restore's own
 * row check counts them by the target's condition.
 */
@WithPostgres
class ExtensionConfigIT {
  @TempDir
  Path dir;

  private static final String SOURCE = """
      CREATE SCHEMA ptc;
      CREATE EXTENSION paperclip_test_config WITH SCHEMA ptc;
      INSERT INTO ptc.job (cmd) VALUES (E'mine\\twith a tab'), ('mine 2'), (E'\\\\.');
      SELECT nextval('ptc.job_id_seq') FROM generate_series(1, 5);
      INSERT INTO ptc."odd ""settings""\" VALUES ('a', E'line\\nbreak'), ('b', NULL);
      CREATE TABLE public.mine (id int PRIMARY KEY, job int);
      INSERT INTO public.mine VALUES (1, 3);
      """;

  @Test
  void configurationRowsAndSequencesSurviveBothEnginesAndBothRestoreModes(TestDatabase db) throws Exception {
    TestExtensions.install(db.server(), TestExtensions.CONFIG);
    TestDatabase src = db.sibling("extcfg_src");
    try {
      src.execute(SOURCE);
      List<String> jobs = src.strings("SELECT id || ' ' || cmd || ' ' || builtin || ' ' || cmd_length FROM ptc.job ORDER BY id");
      // the two builtin rows and the user's three (a builtin row the user deleted would come back, as
      // with pg_dump: the extension's script makes it again)
      assertEquals(5, jobs.size(), jobs.toString());
      List<Path> files = new ArrayList<>();
      for (int jobsN : new int[] {1, 2}) {
        files.add(new BackupService(src.spec(), dir.resolve("java" + jobsN), new CatalogSchemaScripter(),
            BackupOptions.builder().jobs(jobsN).build()).backup().file());
      }
      Optional<Path> pgDump = Oracles.pgDumpOrReport(src, "the pg_dump engine's backup of configuration tables");
      if (pgDump.isPresent()) {
        files.add(new BackupService(src.spec(), dir.resolve("pg_dump"), new CatalogSchemaScripter(),
            BackupOptions.builder().engine(BackupEngine.PG_DUMP).build(),
            new PgDumpLocator(Map.of("PATH", pgDump.get().getParent().toString())), Clock.systemUTC()).backup().file());
      }
      BackupManifest java = RestoreVerification.manifest(files.get(0)).orElseThrow();
      assertTrue(java.tables().stream().anyMatch(t -> t.table().equals("job") && t.rows() == 3),
          "the user's 3 rows of ptc.job, not the builtin one: " + java.tables());
      assertTrue(java.sequences().values().stream().anyMatch(s -> s.name().equals("job_id_seq")),
          java.sequences().toString());
      for (Path file : files) {
        for (boolean oneTransaction : new boolean[] {false, true}) {
          TestDatabase target = db.sibling("extcfg_target");
          try {
            new RestoreService(target.spec()).restore(file, RestoreOptions.DEFAULTS.withJobs(2)
                .withSingleTransaction(oneTransaction), RestoreListener.NONE);
            String what = file.getParent().getFileName() + (oneTransaction ? ", one transaction" : ", parallel");
            assertEquals(jobs, target.strings("SELECT id || ' ' || cmd || ' ' || builtin || ' ' || cmd_length"
                + " FROM ptc.job ORDER BY id"), what);
            assertEquals(src.strings("SELECT last_value || ' ' || is_called FROM ptc.job_id_seq"),
                target.strings("SELECT last_value || ' ' || is_called FROM ptc.job_id_seq"), what);
            assertEquals(List.of("1"), target.strings("SELECT count(*) FROM ptc.internal"), what + ": script's rows only");
            DatabaseComparator.assertSameSchemaAndData(src, target);
            Optional<BackupManifest> m = RestoreVerification.manifest(file);
            if (m.isPresent()) {
              try (Connection c = target.connect()) {
                RestoreVerification.Result r = RestoreVerification.verify(c, m.get());
                assertEquals(List.of(), r.problems(), what);
              }
            }
          } finally {
            target.dropInBackground();
          }
        }
      }
    } finally {
      src.dropInBackground();
    }
  }
}
