package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.core.testing.Corpora;
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
 * The java engine's data path on the pagila corpus (bytea, arrays, tsvector, enums, domains,
 * partitions). Until the catalog scripter lands, the schema text comes from
 * {@code pg_dump --section=pre-data/post-data} through a test scripter; the rows are ours.
 */
@WithPostgres
class JavaEnginePagilaIT {
  @BeforeAll
  static void load(TestDatabase db) {
    Corpora.loadPagila(db);
  }

  private static String section(TestDatabase db, String section) throws Exception {
    String out = ItSupport.pgDump(db, "--section=" + section, "--no-owner");
    return Arrays.stream(out.split("\n"))
        .filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
        .collect(Collectors.joining("\n")) + "\n";
  }

  @Test
  void pagilaRowsRoundTripThroughGunzipAndPsql(TestDatabase db, @TempDir Path dir) throws Exception {
    Oracles.requirePgDump(db);
    TestScripter scripter = new TestScripter(List.of("public"), List.of(section(db, "pre-data")),
        List.of(section(db, "post-data")), List.of());
    BackupResult r = new BackupService(db.spec(), dir, scripter,
        BackupOptions.builder().jobs(2).build()).backup();
    VerificationReport v = new BackupVerifier().verifyOrThrow(r.file());
    assertEquals(ItSupport.count(db, "SELECT count(*) FROM public.rental"),
        v.tables().stream().filter(t -> t.qualifiedName().equals("public.rental")).findFirst()
            .orElseThrow().actualRows());
    TestDatabase target = db.sibling("pagila_java");
    try {
      ItSupport.psqlRestore(r.file(), target);
      ItSupport.assertSameRows(db, target, List.of("public"));
    } finally {
      target.dropInBackground();
    }
  }
}
