package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.core.testing.Corpora;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus and the writer ITs' edge-case schema, scripted by the real
 * {@link CatalogSchemaScripter}, backed up serially and with 4 parallel workers: both files verify,
 * carry the same table checksums, and restore through {@code gunzip -c | psql} into databases equal
 * to the source ({@link DatabaseComparator}).
 */
@WithPostgres
class ParallelRoundTripIT {
  @BeforeAll
  static void load(TestDatabase db) {
    Corpora.load(db, "corpora/hostile.sql");
    // The hostile corpus has its own "app" schema: ours is renamed.
    db.execute(String.join("\n", JavaBackupIT.DDL).replace("SCHEMA app", "SCHEMA wr")
        .replace("app.", "wr."));
    db.execute("""
        INSERT INTO wr.edge VALUES (1, E'tab\\tnl\\nbs\\\\', '\\x00ff'::bytea, '{"a": [1, null]}',
          '{"x,y", NULL}', 'NaN', 'infinity', 'NaN');
        INSERT INTO wr.nocols SELECT FROM generate_series(1, 3);
        INSERT INTO wr.big (payload) SELECT md5(g::text) FROM generate_series(1, 20000) g;
        INSERT INTO wr.dropped VALUES (1, 'one');
        """);
  }

  private static List<BackupManifest.TableEntry> sorted(BackupManifest m) {
    // member positions differ between serial and parallel files; rows and checksums must not
    return m.tables().stream().sorted(Comparator.comparing(BackupManifest.TableEntry::qualifiedName))
        .map(t -> new BackupManifest.TableEntry(t.schema(), t.table(), t.rows(), t.sha256())).toList();
  }

  @Test
  void serialAndParallelBackupsRestoreIdentically(TestDatabase db, @TempDir Path dir) throws Exception {
    BackupManifest serial = null;
    for (int jobs : new int[] {1, 4}) {
      BackupResult r = new BackupService(db.spec(), dir.resolve("j" + jobs), new CatalogSchemaScripter(),
          BackupOptions.builder().jobs(jobs).build()).backup();
      BackupManifest m = new BackupVerifier().verifyOrThrow(r.file()).manifest();
      if (serial == null) {
        serial = m;
      } else {
        assertEquals(sorted(serial), sorted(m), "same rows and checksums whatever the job count");
        assertEquals(serial.schemas(), m.schemas());
      }
      TestDatabase target = db.sibling("par_j" + jobs);
      try {
        ItSupport.psqlRestore(r.file(), target);
        DatabaseComparator.assertSameSchemaAndData(db, target);
      } finally {
        target.dropInBackground();
      }
    }
  }
}
