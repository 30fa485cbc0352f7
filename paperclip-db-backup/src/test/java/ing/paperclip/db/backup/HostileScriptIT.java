package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.SyntheticBackup;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestorePlanner;
import ing.paperclip.db.backup.restore.RestoreResult;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files whose checksums were recomputed after statements were slipped in (or files without
 * checksums): in our format, plain pg_dump and the original Paperclip's, every hostile statement
 * is refused before the target is touched, by the default (parallel) restore, the one-transaction
 * restore and the planner, leaving no role, setting, event trigger or file behind; --trust-file
 * runs what the user vouches for.
 */
@WithPostgres
class HostileScriptIT {
  private static final String BREAK = "-- paperclip statement breakpoint 69f6f3f1\n";
  private static Path mark;
  private static TestDatabase target;

  @BeforeAll
  static void target(TestDatabase db, @TempDir Path tmp) {
    mark = tmp.resolve("pwned");
    target = db.sibling("hostile");
  }

  @AfterAll
  static void drop() {
    target.drop();
  }

  /** Statements no backup holds; each must be refused. */
  private static List<String> hostile() {
    String touch = "touch " + mark;
    return List.of(
        "COPY (SELECT 1) TO PROGRAM '" + touch + "';",
        "COPY public.t FROM PROGRAM '" + touch + "';",
        "COPY public.t TO PROGRAM '" + touch + "' /* FROM stdin */;",
        "COPY public.t TO '" + mark + "';",
        "CREATE ROLE hostile_role SUPERUSER;",
        "create user hostile_role;",
        "ALTER ROLE CURRENT_USER SET application_name = 'hostile';",
        "ALTER DATABASE postgres SET work_mem = '1MB';",
        "ALTER SYSTEM SET work_mem = '1MB';",
        "GRANT pg_read_server_files TO PUBLIC;",
        "CREATE FUNCTION public.hostile_evt() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;\n"
            + "CREATE EVENT TRIGGER hostile_evt ON ddl_command_start EXECUTE FUNCTION public.hostile_evt();",
        "COMMIT;\nCREATE ROLE hostile_role;\nBEGIN;",
        "ROLLBACK;",
        "SAVEPOINT s;",
        "\\! " + touch,
        "SELECT 1 \\! " + touch + "\n;",
        "DO $$BEGIN EXECUTE 'CREATE ROLE hostile_role'; END$$;",
        "DO $acl$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'x') THEN GRANT ALL ON"
            + " TABLE public.t TO x; END IF; CREATE ROLE hostile_role; IF true THEN NULL; END IF; END $acl$;",
        "SET ROLE postgres;",
        "SET SESSION AUTHORIZATION DEFAULT;",
        "SELECT pg_catalog.set_config('role', 'postgres', false);",
        "SELECT pg_catalog.pg_reload_conf();",
        "SELECT pg_catalog.setval('public.s', (SELECT 1), true);",
        "CREATE TABLE public.h AS SELECT 1 AS a;",
        "CREATE SERVER hostile FOREIGN DATA WRAPPER postgres_fdw;",
        "/* a comment first */ CREATE ROLE hostile_role;",
        "COMMENT ON DATABASE postgres IS 'hostile';",
        "TRUNCATE public.t;");
  }

  private static String ours(String inject) {
    return new String(gunzip(new SyntheticBackup().table("public.t", "x", "y").ddl(inject + "\n").gzip()),
        StandardCharsets.UTF_8);
  }

  private static String pgDump(String inject) {
    return "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n"
        + "SET standard_conforming_strings = on;\nSELECT pg_catalog.set_config('search_path', '', false);\n"
        + "SET check_function_bodies = false;\nSET row_security = off;\n\n"
        + "CREATE TABLE public.t (\n    a text\n);\n\n" + inject + "\n\n"
        + "COPY public.t (a) FROM stdin;\nx\ny\n\\.\n\n--\n-- PostgreSQL database dump complete\n--\n\n";
  }

  private static String legacy(String inject) {
    return "-- Paperclip database backup\n-- Created: 2026-03-31T12:00:00.000Z\n\nBEGIN;\n" + BREAK
        + "SET LOCAL client_min_messages = warning;\n" + BREAK
        + "CREATE TABLE \"public\".\"t\" (\n  \"a\" text\n);\n" + BREAK + inject + "\n" + BREAK
        + "COPY \"public\".\"t\" (\"a\") FROM stdin;\nx\ny\n\\.\n" + BREAK + "COMMIT;\n" + BREAK;
  }

  private record Kind(String name, String suffix, java.util.function.Function<String, String> file) {}

  private static final List<Kind> KINDS = List.of(new Kind("paperclip-db", ".sql.gz", HostileScriptIT::ours),
      new Kind("pg_dump", ".sql", HostileScriptIT::pgDump), new Kind("paperclip-legacy", ".sql", HostileScriptIT::legacy));

  private static Path write(Path dir, Kind kind, String text) throws Exception {
    Path f = Files.createTempFile(dir, "hostile-", kind.suffix());
    Files.write(f, kind.suffix().endsWith(".gz") ? gzip(text) : text.getBytes(StandardCharsets.UTF_8));
    return f;
  }

  /** Roles, role settings, event triggers of the server: nothing of it may change. */
  private static String outside() throws Exception {
    try (Connection c = target.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT (SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'hostile%'),"
            + " (SELECT string_agg(array_to_string(setconfig, ','), ';' ORDER BY setdatabase, setrole) FROM pg_db_role_setting),"
            + " (SELECT string_agg(evtname, ',') FROM pg_event_trigger), current_setting('work_mem')")) {
      rs.next();
      return rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4);
    }
  }

  @Test
  void everyHostileStatementIsRefusedInEveryFormatAndMode(@TempDir Path dir) throws Exception {
    Map<String, String> before = DatabaseComparator.fingerprints(target);
    String outsideBefore = outside();
    RestoreService service = new RestoreService(target.dataSource());
    List<RestoreOptions> modes = List.of(RestoreOptions.DEFAULTS, RestoreOptions.DEFAULTS.withSingleTransaction(true),
        RestoreOptions.DEFAULTS.withClean(true));
    int refused = 0;
    List<String> failures = new ArrayList<>();
    for (Kind kind : KINDS) {
      for (String h : hostile()) {
        Path f = write(dir, kind, kind.file().apply(h));
        for (RestoreOptions mode : modes) {
          try {
            service.restore(f, mode, RestoreListener.NONE);
            failures.add(kind.name() + " " + mode + " restored: " + h);
          } catch (PaperclipException e) {
            if (e.code() != ErrorCode.CORRUPT_FILE || !e.getMessage().contains("--trust-file")
                || !e.getMessage().matches("(?s).*line [0-9]+ holds '.*")) {
              failures.add(kind.name() + " " + h + ": " + e.code() + " " + e.getMessage());
            } else {
              refused++;
            }
          }
        }
        PaperclipException p = assertThrows(PaperclipException.class,
            () -> new RestorePlanner().plan(f, RestoreOptions.DEFAULTS), h);
        assertEquals(ErrorCode.CORRUPT_FILE, p.code(), p.getMessage());
        assertFalse(Files.exists(mark), kind.name() + " ran a program: " + h);
        assertEquals(outsideBefore, outside(), kind.name() + " changed the server: " + h);
        assertEquals(before, DatabaseComparator.fingerprints(target), kind.name() + " touched the target: " + h);
      }
    }
    assertEquals(List.of(), failures);
    assertEquals(KINDS.size() * hostile().size() * modes.size(), refused);
  }

  @Test
  void theSameFilesWithoutTheStatementRestore(@TempDir Path dir) throws Exception {
    for (Kind kind : KINDS) {
      Path f = write(dir, kind, kind.file().apply("COMMENT ON TABLE public.t IS 'fine -- section: data\n\\.';"));
      RestoreResult r = new RestoreService(target.dataSource()).restore(f, RestoreOptions.DEFAULTS.withClean(true),
          RestoreListener.NONE);
      assertEquals(kind.name(), r.format().label());
      assertEquals(2, ItSupport.count(target, "SELECT count(*) FROM public.t"), kind.name());
    }
  }

  @Test
  void trustFileRunsWhatTheUserVouchesFor(@TempDir Path dir) throws Exception {
    for (Kind kind : KINDS) {
      Path f = write(dir, kind, kind.file().apply("DO $$BEGIN CREATE TABLE public.vouched (a int); END$$;"));
      assertThrows(PaperclipException.class, () -> new RestoreService(target.dataSource())
          .restore(f, RestoreOptions.DEFAULTS.withClean(true), RestoreListener.NONE));
      new RestoreService(target.dataSource()).restore(f, RestoreOptions.DEFAULTS.withClean(true).withTrustFile(true),
          RestoreListener.NONE);
      assertEquals(1, ItSupport.count(target, "SELECT count(*) FROM pg_class WHERE relname = 'vouched'"), kind.name());
    }
  }

  @Test
  void anUndoneParallelRestoreSaysWhatItCouldNotUndo(@TempDir Path dir) throws Exception {
    Path f = write(dir, KINDS.get(0), ours("CREATE ROLE hostile_undo;\n"
        + "ALTER TABLE public.t ADD CONSTRAINT never CHECK (a = 'never');"));
    try {
      PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(target.dataSource())
          .restore(f, RestoreOptions.DEFAULTS.withJobs(2).withTrustFile(true), RestoreListener.NONE));
      assertFalse(e.getMessage().contains("is empty again"), e.getMessage());
      assertTrue(e.getMessage().contains("what dropping schemas cannot undo changed while it ran (roles"), e.getMessage());
      assertEquals(Map.of(), DatabaseComparator.fingerprints(target));
    } finally {
      target.execute("DROP ROLE IF EXISTS hostile_undo");
    }
    PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(target.dataSource())
        .restore(write(dir, KINDS.get(0), ours("ALTER TABLE public.t ADD CONSTRAINT never CHECK (a = 'never');")),
            RestoreOptions.DEFAULTS.withJobs(2), RestoreListener.NONE));
    assertTrue(e.getMessage().contains("the target is empty again"), e.getMessage());
  }

  @Test
  void anOriginalFileCutShortAfterAnEarlyCommitIsRefused(@TempDir Path dir) throws Exception {
    String text = legacy("COMMIT;");
    String cut = text.substring(0, text.indexOf("\\.\n") + 3) + BREAK;
    Kind legacy = KINDS.get(2);
    PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(target.dataSource())
        .restore(write(dir, legacy, cut), RestoreOptions.DEFAULTS.withClean(true), RestoreListener.NONE));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().contains("follows the file's final COMMIT"), e.getMessage());
  }

  private static byte[] gzip(String text) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] gz) {
    try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
