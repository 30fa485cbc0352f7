package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreResult;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.testing.Corpora;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hosted-style restore: a NOSUPERUSER, NOCREATEDB, NOCREATEROLE role that owns a fresh database
 * restores our files (pagila: triggers, rules, views, domains, sequences) without superuser, in
 * parallel and in one transaction, and the result equals the source; its {@code --clean} in
 * parallel runs in one transaction without CREATEDB (saying why) and swaps a scratch database in
 * with it.
 */
@WithPostgres
class NonSuperuserRestoreIT {
  @TempDir
  Path dir;

  @Test
  void aDatabaseOwnerWithoutSuperuserRestoresOurFilesEqualToTheSource(TestDatabase db) throws Exception {
    TestDatabase source = db.sibling("ns_src");
    String role = "ns_owner_" + Long.toHexString(System.nanoTime());
    db.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'ns-pass'");
    try {
      Corpora.loadPagila(source);
      BackupResult b = new BackupService(source.spec(), dir, new CatalogSchemaScripter(),
          BackupOptions.builder().build()).backup();
      for (boolean oneTransaction : new boolean[] {false, true}) {
        TestDatabase target = source.sibling("ns_dst");
        try {
          target.execute("ALTER DATABASE \"" + target.name() + "\" OWNER TO " + role);
          ConnectionSpec asOwner = new ConnectionSpec(target.spec().host(), target.spec().port(),
              target.spec().database(), role, "ns-pass", target.spec().parameters());
          try (Connection c = DriverManager.getConnection(asOwner.jdbcUrl(), asOwner.driverProperties());
               Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                   "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            assertFalse(rs.getBoolean(1), "the restoring role is no superuser");
          }
          RestoreOptions options = oneTransaction ? RestoreOptions.DEFAULTS.withJobs(1) : RestoreOptions.DEFAULTS.withJobs(3);
          RestoreResult r = new RestoreService(asOwner).restore(b.file(), options, RestoreListener.NONE);
          assertEquals(oneTransaction, r.singleTransaction());
          // the source's objects are the superuser's, which this role cannot become: a warning
          // naming it, and the objects stay the restoring role's (no failure)
          assertTrue(r.warnings().stream().anyMatch(w -> w.contains("cannot be taken by the restoring role")),
              r.warnings().toString());
          DatabaseComparator.assertSameSchemaAndData(source, target);
          if (!oneTransaction) {
            // --clean in parallel needs CREATEDB for its scratch database: without it, one transaction, saying why
            RestoreResult clean = new RestoreService(asOwner).restore(b.file(), options.withClean(true),
                RestoreListener.NONE);
            assertTrue(clean.singleTransaction() && !clean.swapped(), clean.toString());
            assertTrue(clean.warnings().contains("restored in one transaction instead of in parallel: the role may not create databases "
                + "(CREATEDB), which a scratch database needs"), clean.warnings().toString());
            DatabaseComparator.assertSameSchemaAndData(source, target);
            // with CREATEDB the owner swaps a scratch database in, as no superuser
            db.execute("ALTER ROLE " + role + " CREATEDB");
            clean = new RestoreService(asOwner).restore(b.file(), options.withClean(true), RestoreListener.NONE);
            assertTrue(clean.swapped() && clean.jobs() == 3, clean.toString());
            DatabaseComparator.assertSameSchemaAndData(source, target);
            db.execute("ALTER ROLE " + role + " NOCREATEDB");
          }
        } finally {
          target.drop();
        }
      }
    } finally {
      source.drop();
      db.execute("DROP ROLE " + role);
    }
  }
}
