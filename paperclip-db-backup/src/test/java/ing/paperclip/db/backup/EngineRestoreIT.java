package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.pgdump.PgDumpLocator;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreResult;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.core.testing.Corpora;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.Oracles;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups by both engines restore by the default command (a parallel restore, no option) into
 * an empty database equal to the source: a one-table database and the pagila corpus.
 */
@WithPostgres
class EngineRestoreIT {
  @TempDir
  Path dir;

  private void bothEnginesRestoreInParallel(TestDatabase source) throws Exception {
    PgDumpLocator path = new PgDumpLocator(Map.of("PATH", Oracles.requirePgDump(source).getParent().toString()));
    for (BackupEngine engine : new BackupEngine[] {BackupEngine.JAVA, BackupEngine.PG_DUMP}) {
      BackupResult b = new BackupService(source.spec(), dir.resolve(engine.name()), new CatalogSchemaScripter(),
          BackupOptions.builder().engine(engine).build(), path, Clock.systemUTC()).backup();
      TestDatabase target = source.sibling("er_" + engine.name().toLowerCase(java.util.Locale.ROOT));
      try {
        RestoreResult r = new RestoreService(target.dataSource())
            .restore(b.file(), RestoreOptions.DEFAULTS.withJobs(3), RestoreListener.NONE);
        assertFalse(r.singleTransaction(), engine + ": restored in parallel");
        assertEquals(3, r.jobs(), engine + ": with the jobs asked for");
        DatabaseComparator.assertSameSchemaAndData(source, target);
        try (Connection c = target.connect()) {
          assertTrue(RestoreService.interruptedRestore(c).isEmpty(), "marker dropped");
        }
      } finally {
        target.dropInBackground();
      }
    }
  }

  @Test
  void oneTable(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("er_one");
    try {
      src.execute("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b');");
      bothEnginesRestoreInParallel(src);
    } finally {
      src.dropInBackground();
    }
  }

  @Test
  void pagila(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("er_pagila");
    try {
      Corpora.loadPagila(src);
      bothEnginesRestoreInParallel(src);
    } finally {
      src.dropInBackground();
    }
  }
}
