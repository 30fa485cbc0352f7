package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.backup.pgdump.PgDumpLocator;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.Corpora;
import ing.paperclip.db.core.testing.Oracles;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pg_dump engine on the pagila corpus, against a server whose major matches PATH's pg_dump. */
@WithPostgres
class PgDumpEngineIT {
  private static final TestScripter UNUSED = new TestScripter(List.of(), List.of(), List.of(), List.of());

  @BeforeAll
  static void load(TestDatabase db) {
    Corpora.loadPagila(db);
  }

  private static int serverMajor(TestDatabase db) {
    return db.server().majorVersion();
  }

  /** A locator whose PATH holds the pg_dump the harness found for the server (else skips). */
  private static PgDumpLocator pathLocator(TestDatabase db) {
    return new PgDumpLocator(Map.of("PATH", Oracles.requirePgDump(db).getParent().toString()));
  }

  @Test
  void pgDumpEngineBackupVerifiesAndRestoresIdentically(TestDatabase db, @TempDir Path dir) throws Exception {
    BackupService s = new BackupService(db.spec(), dir, UNUSED,
        BackupOptions.builder().engine(BackupEngine.PG_DUMP).build(), pathLocator(db), Clock.systemUTC());
    BackupResult r = s.backup();
    assertTrue(r.engine().startsWith("pg_dump " + serverMajor(db) + "."), r.engine());
    assertTrue(r.engineReason().startsWith("engine pg_dump requested"), r.engineReason());
    VerificationReport v = new BackupVerifier().verifyOrThrow(r.file());
    assertEquals(r.engine(), v.manifest().engine());
    assertTrue(v.manifest().schemas().contains("public"));
    long actorRows = v.tables().stream().filter(t -> t.qualifiedName().equals("public.actor"))
        .findFirst().orElseThrow().actualRows();
    assertEquals(ItSupport.count(db, "SELECT count(*) FROM public.actor"), actorRows);
    assertEquals(ItSupport.count(db, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid ="
        + " c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'"), v.tables().size());
    assertEquals(List.of(r.file()), ItSupport.listDir(dir));

    TestDatabase target = db.sibling("pgdump_restore");
    try {
      ItSupport.psqlRestore(r.file(), target);
      ItSupport.assertSameRows(db, target, List.of("public"));
      assertEquals(schemaOnly(db), schemaOnly(target));
    } finally {
      target.dropInBackground();
    }
  }

  @Test
  void autoPicksAMatchingPgDumpAndSaysWhy(TestDatabase db, @TempDir Path dir) {
    BackupResult r = new BackupService(db.spec(), dir, UNUSED,
        BackupOptions.builder().engine(BackupEngine.AUTO).excludeTableData(List.of("public.rental"))
            .build(), pathLocator(db), Clock.systemUTC()).backup();
    assertTrue(r.engine().startsWith("pg_dump"), r.engine());
    assertTrue(r.engineReason().startsWith("auto: pg_dump"), r.engineReason());
    VerificationReport v = new BackupVerifier().verifyOrThrow(r.file());
    assertFalse(v.tables().stream().anyMatch(t -> t.qualifiedName().equals("public.rental")));
    assertEquals(List.of("public.rental"), v.manifest().transforms().excludedTableData());
  }

  @Test
  void aPgDumpOfAnotherMajorIsRefusedNamingVersionsAndTheFix(TestDatabase db, @TempDir Path tmp)
      throws Exception {
    Path fake = tmp.resolve("bin/pg_dump");
    Files.createDirectories(fake.getParent());
    Files.writeString(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    Path dir = tmp.resolve("backups");
    PgDumpLocator locator = new PgDumpLocator(Map.of(PgDumpLocator.ENV_PATH, fake.toString()));
    PaperclipException e = assertThrows(PaperclipException.class, () -> new BackupService(db.spec(),
        dir, UNUSED, BackupOptions.builder().engine(BackupEngine.PG_DUMP).build(), locator,
        Clock.systemUTC()).backup());
    assertEquals(ErrorCode.BACKUP, e.code());
    assertTrue(e.getMessage().contains("pg_dump 9.6.24 at " + fake), e.getMessage());
    assertTrue(e.getMessage().contains("server major " + serverMajor(db)), e.getMessage());
    assertTrue(e.getMessage().contains("PAPERCLIP_PG_DUMP_PATH"), e.getMessage());
    assertFalse(Files.exists(dir), "nothing was created");

    BackupResult auto = new BackupService(db.spec(), dir, new TestScripter(List.of(), List.of(),
        List.of(), List.of()), BackupOptions.builder().engine(BackupEngine.AUTO).build(), locator,
        Clock.systemUTC()).backup();
    assertEquals("java", auto.engine());
    assertTrue(auto.engineReason().contains("no pg_dump " + serverMajor(db) + " at PAPERCLIP_PG_DUMP_PATH"),
        auto.engineReason());
  }

  /** {@code pg_dump --schema-only} without comments, SET lines and blank lines. */
  private static String schemaOnly(TestDatabase db) throws Exception {
    String out = ItSupport.pgDump(db, "--schema-only", "--no-owner", "--no-privileges");
    return Arrays.stream(out.split("\n"))
        .filter(l -> !l.startsWith("--") && !l.startsWith("SET ") && !l.isBlank()
            && !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict")
            && !l.startsWith("SELECT pg_catalog.set_config"))
        .collect(Collectors.joining("\n"));
  }
}
