package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.backup.restore.RestoreVerification;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Post-restore verification: row counts of the restored tables against the file's manifest. */
@WithPostgres
class RestoreVerificationIT {
  @TempDir
  Path dir;

  @Test
  void countsMatchAfterARestoreAndALostRowIsNamed(TestDatabase db) throws Exception {
    TestDatabase source = db.sibling("rv_src");
    TestDatabase target = db.sibling("rv_dst");
    try {
      source.execute("CREATE SCHEMA \"we.ird\"; CREATE TABLE \"we.ird\".\"T\" (id int PRIMARY KEY);"
          + "INSERT INTO \"we.ird\".\"T\" SELECT generate_series(1, 250);"
          + "CREATE TABLE public.u (id int, v text); INSERT INTO public.u VALUES (1, 'a'), (2, 'b'), (3, NULL);"
          + "CREATE TABLE public.empty (id int);");
      BackupResult b = new BackupService(source.spec(), dir, new CatalogSchemaScripter(), BackupOptions.builder().build()).backup();
      Optional<BackupManifest> m = RestoreVerification.manifest(b.file());
      assertTrue(m.isPresent(), "the trailer holds the manifest");
      assertEquals(3, m.get().tables().size());
      assertEquals(253, m.get().totalRows());
      new RestoreService(target.spec()).restore(b.file(), RestoreOptions.DEFAULTS, RestoreListener.NONE);
      try (Connection c = target.connect()) {
        RestoreVerification.Result ok = RestoreVerification.verify(c, m.get());
        assertEquals("verified 3 tables, 253 rows", ok.summary());
        assertTrue(ok.ok(), ok.problems().toString());
        target.execute("DELETE FROM \"we.ird\".\"T\" WHERE id = 7; INSERT INTO public.u VALUES (4, 'd')");
        RestoreVerification.Result bad = RestoreVerification.verify(c, m.get());
        assertEquals(List.of("public.u: 4 rows in the database, 3 in the backup",
            "we.ird.T: 249 rows in the database, 250 in the backup"), bad.problems().stream().sorted().toList());
        target.execute("DROP TABLE public.empty");
        assertTrue(RestoreVerification.verify(c, m.get()).problems().stream()
            .anyMatch(p -> p.startsWith("public.empty: cannot be counted")));
      }
    } finally {
      source.drop();
      target.drop();
    }
  }

  @Test
  void aFileWithoutAManifestHasNone() throws Exception {
    Path plain = dir.resolve("plain.sql.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(plain))) {
      out.write("CREATE TABLE t (id int);\n-- not a manifest\n".getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(RestoreVerification.manifest(plain).isEmpty());
  }
}
