package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.catalog.CatalogReader;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The completeness guard: a kind the scripter does not write makes the backup refuse, naming the
 * object and the two ways forward, and leaves no file; {@code skipUnsupported} backs up without
 * it and lists the omission in the manifest.
 */
@WithPostgres
class CompletenessGuardIT {
  @TempDir
  Path dir;

  private static Set<String> without(String kind) {
    Set<String> kinds = new HashSet<>(CatalogSchemaScripter.SUPPORTED_KINDS);
    assertTrue(kinds.remove(kind), kind);
    return kinds;
  }

  private BackupService service(TestDatabase db, Set<String> kinds, boolean skip) {
    return new BackupService(db.spec(), dir, new CatalogSchemaScripter(new CatalogReader(), kinds),
        BackupOptions.builder().jobs(2).skipUnsupported(skip).build());
  }

  @Test
  void aKindRegisteredAsUnsupportedIsRefusedByName(TestDatabase db) throws Exception {
    db.execute("CREATE SCHEMA app; CREATE TABLE app.\"Odd\nName\" (id int);"
        + " CREATE VIEW app.v AS SELECT 1 AS one; CREATE SEQUENCE app.s");
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> service(db, without("view"), false).backup());
    assertEquals(ErrorCode.BACKUP, e.code());
    assertTrue(e.getMessage().contains("cannot back up view app.v;"), e.getMessage());
    assertTrue(e.getMessage().contains("--engine pg_dump"), e.getMessage());
    assertTrue(e.getMessage().contains("--skip-unsupported"), e.getMessage());
    assertTrue(ItSupport.listDir(dir).isEmpty(), "no file, not even a temporary one");

    PaperclipException t = assertThrows(PaperclipException.class,
        () -> service(db, without("table"), false).backup());
    assertFalse(t.getMessage().contains("\n"), "one line: " + t.getMessage());
    assertTrue(t.getMessage().contains("table app.\"Odd?Name\""), t.getMessage());

    BackupResult r = service(db, without("view"), true).backup();
    assertEquals(List.of("view app.v"), r.manifest().transforms().omittedObjects());
    assertTrue(new BackupVerifier().verify(r.file()).complete());
    BackupManifest m = r.manifest();
    assertTrue(BackupManifest.fromJson(m.toJson()).transforms().omittedObjects()
        .contains("view app.v"));
  }

  @Test
  void everyKindTheScripterWritesIsAccepted(TestDatabase db) throws Exception {
    BackupResult r = service(db, CatalogSchemaScripter.SUPPORTED_KINDS, false).backup();
    assertTrue(r.manifest().transforms().omittedObjects().isEmpty());
    assertFalse(r.manifest().toJson().contains("omittedObjects"),
        "no omission field in a complete backup's manifest");
  }
}
