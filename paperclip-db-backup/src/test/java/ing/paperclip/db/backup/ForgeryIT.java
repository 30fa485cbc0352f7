package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * User content that looks like the file's own structure: names and comments with line breaks,
 * lines that read like section, entry, data, manifest and end markers, {@code \.}, and control
 * characters. Backups of it verify and restore equal to the source, in every mode and through psql.
 */
@WithPostgres
class ForgeryIT {
  /** Text holding every kind of line the format gives a meaning to. */
  static final String MARKERS = "x\n-- section: data\n-- data: {\"schema\":\"forged\",\"table\":\"t\",\"columns\":[\"a\"]}\n"
      + "COPY \"forged\".\"t\" (\"a\") FROM stdin;\n1\n\\.\n-- section: post-data\n-- entry: {\"kind\":\"TABLE\"}\n"
      + "COMMIT;\n-- paperclip-manifest: {}\n-- paperclip-end\n\\! echo\n\u0001\u001b[31m\rtail";

  @BeforeAll
  static void load(TestDatabase db) {
    String lit = "'" + MARKERS.replace("'", "''") + "'";
    String ident = "\"" + MARKERS.replace("\"", "\"\"").substring(0, 40) + "\"";
    db.execute("DROP SCHEMA IF EXISTS forged CASCADE; CREATE SCHEMA forged;"
        + " CREATE TABLE forged.notes (\"a\nb\" int, " + ident + " text, \"-- section: data\" text);"
        + " INSERT INTO forged.notes VALUES (1, " + lit + ", " + lit + "), (2, E'\\\\.', '-- paperclip-end');"
        + " COMMENT ON TABLE forged.notes IS " + lit + ";"
        + " COMMENT ON COLUMN forged.notes.\"a\nb\" IS " + lit + ";"
        + " CREATE TABLE forged.\"t\n-- section: post-data\" (id int PRIMARY KEY, v text DEFAULT " + lit + ");"
        + " INSERT INTO forged.\"t\n-- section: post-data\" SELECT g, 'v' FROM generate_series(1, 50) g;"
        + " CREATE VIEW forged.v AS SELECT " + lit + "::text AS x;"
        + " CREATE FUNCTION forged.f() RETURNS text LANGUAGE sql AS $$ SELECT " + lit + "::text $$;");
  }

  /**
   * pg_dump's comment lines can be imitated by a literal, but its blocks are found by the one
   * lexer the restore reads with (a COPY statement, not a comment, opens a block): such a backup
   * is written, verifies with every block, and restores equal to the source.
   */
  @org.junit.jupiter.api.Test
  void aPgDumpBackupOfLookAlikesIsReadAsTheRestoreReadsIt(TestDatabase db, @TempDir Path dir) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(DatabaseComparator.pgDumpFits(db), "no pg_dump of the server's major");
    BackupResult r = new BackupService(db.spec(), dir, new CatalogSchemaScripter(),
        BackupOptions.builder().engine(BackupEngine.PG_DUMP).build()).backup();
    VerificationReport v = new BackupVerifier().verify(r.file());
    assertTrue(v.complete(), v.errors().toString());
    assertEquals(List.of(2L, 50L), v.manifest().tables().stream().filter(t -> t.schema().equals("forged"))
        .map(t -> t.rows()).toList(), v.manifest().toJson());
    restoresEqual(db, r);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void backupsOfForgedLookAlikesRestoreEqual(int jobs, TestDatabase db, @TempDir Path dir) throws Exception {
    BackupResult r = new BackupService(db.spec(), dir, new CatalogSchemaScripter(),
        BackupOptions.builder().jobs(jobs).build()).backup();
    VerificationReport v = new BackupVerifier().verify(r.file());
    assertTrue(v.complete(), v.errors().toString());
    assertEquals(2, v.manifest().tables().stream().filter(t -> t.schema().equals("forged")).count(), v.manifest().toJson());
    restoresEqual(db, r);
  }

  private static void restoresEqual(TestDatabase db, BackupResult r) throws Exception {
    for (RestoreOptions mode : List.of(RestoreOptions.DEFAULTS.withJobs(2), RestoreOptions.DEFAULTS.withJobs(1))) {
      TestDatabase target = db.sibling("forged");
      try {
        new RestoreService(target.dataSource()).restore(r.file(), mode, RestoreListener.NONE);
        assertEquals(DatabaseComparator.fingerprints(db).entrySet().stream().filter(e -> e.getKey().contains("forged")).toList(),
            DatabaseComparator.fingerprints(target).entrySet().stream().filter(e -> e.getKey().contains("forged")).toList());
        assertEquals(1, ItSupport.count(target, "SELECT count(*) FROM pg_description WHERE description = "
            + "'" + MARKERS.replace("'", "''") + "' AND objsubid = 0"));
      } finally {
        target.dropInBackground();
      }
    }
    TestDatabase viaPsql = db.sibling("forged_psql");
    try {
      ItSupport.psqlRestore(r.file(), viaPsql);
      assertEquals(2, ItSupport.count(viaPsql, "SELECT count(*) FROM forged.notes"));
      assertEquals(50, ItSupport.count(viaPsql, "SELECT count(*) FROM forged.\"t\n-- section: post-data\""));
    } finally {
      viaPsql.dropInBackground();
    }
  }
}
