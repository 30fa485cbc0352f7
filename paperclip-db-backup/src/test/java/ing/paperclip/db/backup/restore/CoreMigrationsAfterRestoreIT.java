package ing.paperclip.db.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.core.migrate.MigrationPolicy;
import ing.paperclip.db.core.migrate.MigrationState;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.PoolSettings;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup taken before this build's newest core changeset: after the load the changesets it
 * lacks are applied under the migration policy and the result names them; a policy that refuses
 * leaves them pending with a warning that says how to apply them; a backup without a core
 * journal is left alone.
 */
@WithPostgres
class CoreMigrationsAfterRestoreIT {
  @TempDir
  static Path dir;
  private static TestDatabase older;
  private static Path file;
  private static String newest;

  @BeforeAll
  static void olderBackup(TestDatabase db) throws Exception {
    older = db.sibling("cm_src");
    try (HikariDataSource ds = ConnectionPools.openMigration(older.spec(), PoolSettings.DEFAULTS)) {
      List<MigrationState.Changeset> all = new Migrator(ds).changesets();
      newest = all.get(all.size() - 1).id();
      new Migrator(ds).migrate();
    }
    // what an older build left: its journal without the newest changeset (which is idempotent:
    // DROP ... IF EXISTS, CREATE OR REPLACE), as if it had not been written yet
    older.execute("DELETE FROM public.databasechangelog WHERE id = '" + newest.replace("'", "''") + "'");
    file = new BackupService(older.spec(), dir, new CatalogSchemaScripter(), BackupOptions.defaults()).backup().file();
  }

  @AfterAll
  static void drop() {
    older.dropInBackground();
  }

  private static long journal(TestDatabase db, String id) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM public.databasechangelog WHERE id = '"
            + id.replace("'", "''") + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void pendingChangesetsAreAppliedWhenThePolicyAllows(TestDatabase db) throws Exception {
    TestDatabase target = db.sibling("cm_apply");
    try {
      RestoreService service = new RestoreService(target.dataSource());
      RestoreResult r = service.restore(file, RestoreOptions.DEFAULTS.withJobs(2), RestoreListener.NONE);
      assertEquals(0, journal(target, newest), "restored as the backup had it");
      assertTrue(r.coreMigrationsApplied().isEmpty());
      RestoreResult m = service.applyPendingCoreMigrations(r,
          new MigrationPolicy(Map.of(MigrationPolicy.ENV_AUTO_APPLY, "true")), null);
      assertEquals(List.of(newest), m.coreMigrationsApplied());
      assertEquals(1, journal(target, newest));
      RestoreResult again = service.applyPendingCoreMigrations(m, new MigrationPolicy(Map.of()), null);
      assertEquals(m, again, "nothing left to apply");
    } finally {
      target.dropInBackground();
    }
  }

  @Test
  void aRefusingPolicyLeavesThemPendingAndSaysHowToApplyThem(TestDatabase db) throws Exception {
    TestDatabase target = db.sibling("cm_refuse");
    try {
      RestoreService service = new RestoreService(target.dataSource());
      RestoreResult r = service.restore(file, RestoreOptions.DEFAULTS.withJobs(1), RestoreListener.NONE);
      boolean[] asked = new boolean[1];
      RestoreResult m = service.applyPendingCoreMigrations(r, new MigrationPolicy(Map.of()), q -> {
        asked[0] = true;
        return false;
      });
      assertTrue(asked[0], "a person at the terminal is asked");
      assertTrue(m.coreMigrationsApplied().isEmpty());
      assertTrue(m.warnings().stream().anyMatch(w -> w.contains("1 core schema migration(s) pending")
          && w.contains("paperclipai db migrate")), m.warnings().toString());
      assertEquals(0, journal(target, newest));
    } finally {
      target.dropInBackground();
    }
  }

  @Test
  void aBackupWithoutACoreJournalIsLeftAlone(TestDatabase db) {
    TestDatabase src = db.sibling("cm_plain");
    TestDatabase target = db.sibling("cm_plain_t");
    try {
      src.execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
      Path plain = new BackupService(src.spec(), dir.resolve("plain"), new CatalogSchemaScripter(),
          BackupOptions.defaults()).backup().file();
      RestoreService service = new RestoreService(target.dataSource());
      RestoreResult r = service.restore(plain, RestoreOptions.DEFAULTS, RestoreListener.NONE);
      RestoreResult m = service.applyPendingCoreMigrations(r,
          new MigrationPolicy(Map.of(MigrationPolicy.ENV_AUTO_APPLY, "true")), null);
      assertEquals(r, m);
    } finally {
      src.dropInBackground();
      target.dropInBackground();
    }
  }
}
