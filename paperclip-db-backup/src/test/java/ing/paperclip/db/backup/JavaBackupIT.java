package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.SchemaScripter;
import ing.paperclip.db.backup.file.BackupFile;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.backup.pgdump.PgDumpLocator;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithPostgres
class JavaBackupIT {
  static final List<String> SCHEMAS = List.of("app", "Odd \"Schema\"");
  static final List<String> DDL = List.of(
      "CREATE SCHEMA app;",
      "CREATE SCHEMA \"Odd \"\"Schema\"\"\";",
      "CREATE TABLE app.edge (id int, t text, b bytea, j jsonb, arr text[], f float8, ts timestamptz,"
          + " n numeric);",
      "CREATE TABLE app.nocols ();",
      "CREATE TABLE app.big (id bigint GENERATED ALWAYS AS IDENTITY, payload text,"
          + " doubled bigint GENERATED ALWAYS AS (id * 2) STORED);",
      "CREATE TABLE app.dropped (a int, gone int, c text);\nALTER TABLE app.dropped DROP COLUMN gone;",
      "CREATE TABLE \"Odd \"\"Schema\"\"\".\"Ta\"\"ble ü\" (\"Col \"\"1\"\"\" text, \"select\" int);");

  @BeforeAll
  static void load(TestDatabase db) {
    db.execute(String.join("\n", DDL));
    db.execute("""
        INSERT INTO app.edge VALUES
          (1, NULL, NULL, NULL, NULL, 'NaN', 'infinity', 'NaN'),
          (2, '', '\\x00ff5c0a'::bytea, '{"a": "x\\ny", "b": [1, 2.50, null]}', '{"a,b", NULL, "c\\"d"}',
           '-Infinity', '-infinity', 1e-30),
          (3, E'tab\\there\\nnewline\\\\backslash\\rcr', '\\x', '"str"', '{}', 1.1e300, '2026-01-01 12:00:00.123456+05', -0.0),
          (4, 'ü 中文 😀 \\. \\N -- paperclip-end', NULL, 'null', '{{1,2},{3,4}}', 'Infinity', now(), 123456789012345678901234567890.123);
        INSERT INTO app.nocols SELECT FROM generate_series(1, 3);
        INSERT INTO app.big (payload) SELECT repeat(md5(g::text), 3) FROM generate_series(1, 50000) g;
        INSERT INTO app.dropped VALUES (1, 'one'), (2, NULL);
        INSERT INTO "Odd ""Schema""\"."Ta""ble ü" VALUES (E'\\\\.', 1), (E'line\\nbreak', NULL);
        ANALYZE;
        """);
  }

  private static TestScripter scripter() {
    return new TestScripter(SCHEMAS, DDL, List.of("CREATE INDEX big_payload ON app.big (payload);"), List.of());
  }

  private void roundTrip(TestDatabase db, Path dir, int jobs) throws Exception {
    BackupService service = new BackupService(db.spec(), dir, scripter(),
        BackupOptions.builder().jobs(jobs).build());
    BackupResult r = service.backup();
    assertEquals("java", r.engine());
    assertTrue(Files.isRegularFile(r.file()));
    assertTrue(BackupFile.parse(r.file()).isPresent(), r.file().toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(r.file())));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals(List.of(r.file()), ItSupport.listDir(dir), "only the final file remains");
    assertEquals(Files.size(r.file()), r.bytes());
    assertEquals(5, r.tables());
    assertEquals(4 + 3 + 50000 + 2 + 2, r.rows());

    VerificationReport v = new BackupVerifier().verifyOrThrow(r.file());
    assertEquals(r.manifest(), v.manifest());
    assertEquals(5, v.tables().size());
    assertEquals(50000, v.tables().stream().filter(t -> t.table().equals("big")).findFirst()
        .orElseThrow().actualRows());
    assertEquals(db.name(), v.manifest().database());

    TestDatabase target = db.sibling("restore_j" + jobs);
    try {
      ItSupport.psqlRestore(r.file(), target);
      ItSupport.assertSameRows(db, target, SCHEMAS);
      assertEquals(1, ItSupport.count(target,
          "SELECT count(*) FROM pg_indexes WHERE indexname = 'big_payload'"));
    } finally {
      target.dropInBackground();
    }
  }

  @Test
  void serialBackupVerifiesAndRestoresWithPsql(TestDatabase db, @TempDir Path tmp) throws Exception {
    roundTrip(db, tmp.resolve("backups"), 1);
  }

  @Test
  void parallelBackupVerifiesAndRestoresWithPsql(TestDatabase db, @TempDir Path tmp) throws Exception {
    roundTrip(db, tmp.resolve("a/b/backups"), 3);
  }

  @Test
  void excludesDataAndNullifiesColumns(TestDatabase db, @TempDir Path tmp) throws Exception {
    BackupService service = new BackupService(db.spec(), tmp, scripter(), BackupOptions.builder()
        .jobs(2).excludeTableData(List.of("app.big")).nullifyColumns(List.of("app.edge.t")).build());
    BackupResult r = service.backup();
    VerificationReport v = new BackupVerifier().verifyOrThrow(r.file());
    assertEquals(List.of("app.big"), v.manifest().transforms().excludedTableData());
    assertEquals(List.of("app.edge.t"), v.manifest().transforms().nullifiedColumns());
    assertFalse(v.tables().stream().anyMatch(t -> t.table().equals("big")));
    TestDatabase target = db.sibling("restore_tx");
    try {
      ItSupport.psqlRestore(r.file(), target);
      assertEquals(0, ItSupport.count(target, "SELECT count(*) FROM app.big"));
      assertEquals(0, ItSupport.count(target, "SELECT count(*) FROM app.edge WHERE t IS NOT NULL"));
      assertEquals(4, ItSupport.count(target, "SELECT count(*) FROM app.edge WHERE j IS NOT DISTINCT FROM"
          + " j"));
    } finally {
      target.dropInBackground();
    }
  }

  @Test
  void worksFromADataSourceAndAutoSaysWhyItRanJava(TestDatabase db, @TempDir Path tmp) throws Exception {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(db.spec().jdbcUrl());
    db.spec().userName().ifPresent(ds::setUser);
    ds.setPassword(db.spec().password());
    BackupResult r = new BackupService(ds, tmp, scripter(),
        BackupOptions.builder().engine(BackupEngine.AUTO).jobs(2).build()).backup();
    assertEquals("java", r.engine());
    assertTrue(r.engineReason().startsWith("auto: pg_dump needs a database URL"), r.engineReason());
    assertEquals(50011, new BackupVerifier().verifyOrThrow(r.file()).manifest().totalRows());
  }

  @Test
  void aPoolWithFewerConnectionsThanJobsStillBacksUp(TestDatabase db, @TempDir Path tmp) throws Exception {
    java.util.concurrent.atomic.AtomicInteger handedOut = new java.util.concurrent.atomic.AtomicInteger();
    PGSimpleDataSource ds = new PGSimpleDataSource() {
      private static final long serialVersionUID = 1L;

      @Override
      public java.sql.Connection getConnection() throws java.sql.SQLException {
        if (handedOut.incrementAndGet() > 2) {
          throw new java.sql.SQLException("pool exhausted");
        }
        return super.getConnection();
      }
    };
    ds.setURL(db.spec().jdbcUrl());
    db.spec().userName().ifPresent(ds::setUser);
    ds.setPassword(db.spec().password());
    BackupResult r = new BackupService(ds, tmp, scripter(), BackupOptions.builder().jobs(4).build()).backup();
    assertEquals(3, handedOut.get());
    assertEquals(50011, new BackupVerifier().verifyOrThrow(r.file()).manifest().totalRows());
  }

  @Test
  void aFailingScripterLeavesNoFile(TestDatabase db, @TempDir Path tmp) throws Exception {
    SchemaScripter broken = c -> {
      throw new IllegalStateException("catalog query exploded");
    };
    PaperclipException e = assertThrows(
        PaperclipException.class,
        () -> new BackupService(db.spec(), tmp.resolve("b"), broken, BackupOptions.defaults()).backup());
    assertEquals(ErrorCode.BACKUP, e.code());
    assertTrue(e.getMessage().contains("catalog query exploded"), e.getMessage());
    assertEquals(List.of(), ItSupport.listDir(tmp.resolve("b")));
  }

  @Test
  void neverOverwritesABackupOfTheSameSecond(TestDatabase db, @TempDir Path tmp) {
    Clock fixed = Clock.fixed(Instant.parse("2026-11-25T03:00:00Z"), ZoneOffset.UTC);
    BackupOptions opts = BackupOptions.builder().filenamePrefix("same").jobs(1)
        .excludeTableData(List.of("app.big")).build();
    BackupService s = new BackupService(db.spec(), tmp, scripter(), opts,
        new PgDumpLocator(Map.of()), fixed);
    Path first = s.backup().file();
    Path second = s.backup().file();
    assertEquals("same-20261125-030000.sql.gz", first.getFileName().toString());
    assertEquals("same-20261125-030000-1.sql.gz", second.getFileName().toString());
    new BackupVerifier().verifyOrThrow(first);
    new BackupVerifier().verifyOrThrow(second);
  }
}
