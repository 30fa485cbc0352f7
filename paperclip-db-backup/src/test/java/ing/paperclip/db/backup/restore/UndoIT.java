package ing.paperclip.db.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.FailOnPurpose;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Undo and clean cannot get stuck on the ltree case ({@code DROP EXTENSION ltree CASCADE} fails in
 * PostgreSQL itself while an index uses {@code gist_ltree_ops(siglen=...)}): a {@code --clean}
 * restore that fails half-way over such a database leaves it exactly as it was, and what a killed
 * parallel restore leaves (its marker, an ltree table with such an index, part of the rows) is
 * refused by a plain restore and replaced by the next {@code --clean}, in one transaction and in
 * parallel.
 */
@WithPostgres
class UndoIT {
  @TempDir
  Path dir;

  /** An ltree table with a siglen index, and a materialized view that fails where asked to. */
  private static final String LTREE = FailOnPurpose.guard() + """
      CREATE EXTENSION ltree;
      CREATE TABLE app.tree (id int PRIMARY KEY, p ltree NOT NULL);
      INSERT INTO app.tree SELECT g, ('top.n' || g)::ltree FROM generate_series(1, 500) g;
      CREATE INDEX tree_p ON app.tree USING gist (p gist_ltree_ops(siglen=100));
      CREATE MATERIALIZED VIEW app.guarded AS SELECT app.guard(id) AS id FROM app.tree;
      """;

  private Path backup(TestDatabase source) {
    return new BackupService(source.spec(), dir, new CatalogSchemaScripter(), BackupOptions.builder().jobs(2).build())
        .backup().file();
  }

  @Test
  void aFailedCleanRestoreOverAnLtreeDatabaseLeavesItExactlyAsItWas(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("undo_src");
    TestDatabase target = db.sibling("undo_target");
    TestDatabase before = db.sibling("undo_before");
    try {
      src.execute(LTREE + "CREATE TABLE app.more (id int); INSERT INTO app.more VALUES (1), (2), (3);");
      Path file = backup(src);
      // the target holds another ltree database (different rows), a copy of it kept for comparison
      String other = LTREE.replace("generate_series(1, 500)", "generate_series(1, 50)")
          + "CREATE TABLE app.mine (v text); INSERT INTO app.mine VALUES ('keep me');";
      target.execute(other);
      before.execute(other);
      FailOnPurpose.arm(target, before);
      PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(target.dataSource())
          .restore(file, RestoreOptions.DEFAULTS.withClean(true).withJobs(1), RestoreListener.NONE));
      assertTrue(e.getMessage().contains("refused on purpose") && e.getMessage().contains("left unchanged"),
          e.getMessage());
      DatabaseComparator.assertSameSchemaAndData(before, target);
      FailOnPurpose.disarm(target);
      RestoreResult r = new RestoreService(target.dataSource())
          .restore(file, RestoreOptions.DEFAULTS.withClean(true).withJobs(1), RestoreListener.NONE);
      assertTrue(r.cleaned());
      DatabaseComparator.assertSameSchemaAndData(src, target);
    } finally {
      src.dropInBackground();
      target.dropInBackground();
      before.dropInBackground();
    }
  }

  @Test
  void whatAKilledRestoreLeftIsReplacedByTheNextClean(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("killed_src");
    try {
      src.execute(LTREE);
      Path file = backup(src);
      for (int jobs : new int[] {1, 2}) {
        TestDatabase target = db.sibling("killed_target");
        try {
          // what kill -9 of a parallel restore leaves: the marker, the pre-data, some rows, an index built
          target.execute("""
              CREATE SCHEMA paperclip_restore_00000000deadbeef;
              CREATE TABLE paperclip_restore_00000000deadbeef.started (started_at timestamptz NOT NULL DEFAULT now(),
                file text NOT NULL, jobs int NOT NULL);
              INSERT INTO paperclip_restore_00000000deadbeef.started (file, jobs) VALUES ('/backups/killed.sql.gz', 2);
              """ + "COMMENT ON SCHEMA paperclip_restore_00000000deadbeef IS '" + RestoreTarget.MARKER_COMMENT + "';"
              + LTREE.substring(0, LTREE.indexOf("CREATE MATERIALIZED VIEW")).replace("generate_series(1, 500)",
                  "generate_series(1, 120)"));
          try (Connection c = target.connect()) {
            assertTrue(RestoreTarget.interruptedRestore(c).orElseThrow().contains("/backups/killed.sql.gz"));
          }
          PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(target.dataSource())
              .restore(file, RestoreOptions.DEFAULTS, RestoreListener.NONE));
          assertTrue(e.getMessage().contains("partial restore") && e.getMessage().contains("--clean"), e.getMessage());
          // in parallel through a scratch database swapped in (a data source would run in one transaction)
          RestoreResult r = new RestoreService(target.spec())
              .restore(file, RestoreOptions.DEFAULTS.withClean(true).withJobs(jobs), RestoreListener.NONE);
          assertTrue(r.cleaned());
          assertEquals(jobs == 1, r.singleTransaction());
          assertEquals(jobs > 1, r.swapped());
          DatabaseComparator.assertSameSchemaAndData(src, target);
          try (Connection c = target.connect()) {
            assertFalse(RestoreTarget.interruptedRestore(c).isPresent(), "no marker left");
          }
        } finally {
          target.dropInBackground();
        }
      }
    } finally {
      src.dropInBackground();
    }
  }
}
