package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.PoolSettings;
import ing.paperclip.db.core.testing.Oracles;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migrated Paperclip core schema: its Liquibase journal must survive backup and restore row
 * for row. The schema text comes from pg_dump sections until the catalog scripter lands.
 */
@WithPostgres
class CoreSchemaRoundTripIT {
  @BeforeAll
  static void migrate(TestDatabase db) {
    try (HikariDataSource ds = ConnectionPools.openMigration(db.spec(), PoolSettings.DEFAULTS)) {
      new Migrator(ds).migrate();
    }
  }

  private static String section(TestDatabase db, String section) throws Exception {
    String out = ItSupport.pgDump(db, "--section=" + section, "--no-owner");
    return Arrays.stream(out.split("\n"))
        .filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
        .collect(Collectors.joining("\n")) + "\n";
  }

  @Test
  void liquibaseJournalSurvivesRowForRow(TestDatabase db, @TempDir Path dir) throws Exception {
    Oracles.requirePgDump(db);
    long journal = ItSupport.count(db, "SELECT count(*) FROM public.databasechangelog");
    assertTrue(journal >= 10, "migrated: " + journal + " changesets");
    BackupResult r = new BackupService(db.spec(), dir, new TestScripter(List.of("public"),
        List.of(section(db, "pre-data")), List.of(section(db, "post-data")), List.of()),
        BackupOptions.defaults()).backup();
    VerificationReport v = new BackupVerifier().verifyOrThrow(r.file());
    assertEquals(journal, v.tables().stream()
        .filter(t -> t.qualifiedName().equals("public.databasechangelog")).findFirst().orElseThrow()
        .actualRows());
    TestDatabase target = db.sibling("core_restore");
    try {
      ItSupport.psqlRestore(r.file(), target);
      ItSupport.assertSameRows(db, target, List.of("public"));
    } finally {
      target.dropInBackground();
    }
  }
}
