package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.pgdump.PgDumpLocator;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreResult;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.catalog.Catalog;
import ing.paperclip.db.core.catalog.CatalogReader;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.testing.Oracles;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owners like pg_dump and pg_restore: recorded by the java engine, set on restore where the
 * target has the role, one warning per missing role (its objects then belong to the restoring
 * role), none with {@code --no-owner}, and a SECURITY DEFINER function whose owner is missing is
 * refused unless {@code --no-owner}. For our files of both engines (the pg_dump engine's where a
 * pg_dump of the server's major is found), in parallel and in one transaction, and for plain
 * pg_dump files.
 */
@WithPostgres
class OwnershipIT {
  /** Objects of every common kind owned by {@code %1$s}, in a schema it owns. */
  private static final String OWNED = """
      CREATE SCHEMA "Own s" AUTHORIZATION %1$s;
      CREATE TYPE "Own s".mood AS ENUM ('a', 'b');
      CREATE DOMAIN "Own s".pos AS integer CHECK (VALUE > 0);
      CREATE TABLE "Own s"."T" (id serial PRIMARY KEY, m "Own s".mood, p "Own s".pos);
      CREATE SEQUENCE "Own s".free_seq;
      CREATE VIEW "Own s".v AS SELECT id FROM "Own s"."T";
      CREATE MATERIALIZED VIEW "Own s".mv AS SELECT id FROM "Own s"."T";
      CREATE FUNCTION "Own s".f(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x + 1';
      CREATE AGGREGATE "Own s".total(integer) (SFUNC = int4pl, STYPE = integer);
      CREATE TABLE public.also_owned (id integer);
      INSERT INTO "Own s"."T" (m, p) VALUES ('a', 1), ('b', 2);
      ALTER TYPE "Own s".mood OWNER TO %1$s;
      ALTER DOMAIN "Own s".pos OWNER TO %1$s;
      ALTER TABLE "Own s"."T" OWNER TO %1$s;
      ALTER SEQUENCE "Own s".free_seq OWNER TO %1$s;
      ALTER VIEW "Own s".v OWNER TO %1$s;
      ALTER MATERIALIZED VIEW "Own s".mv OWNER TO %1$s;
      ALTER FUNCTION "Own s".f(integer) OWNER TO %1$s;
      ALTER AGGREGATE "Own s".total(integer) OWNER TO %1$s;
      ALTER TABLE public.also_owned OWNER TO %1$s;
      GRANT SELECT ON "Own s"."T" TO PUBLIC;
      """;

  @TempDir
  Path dir;

  private static String role(String hint) {
    return hint + "_" + Long.toHexString(System.nanoTime());
  }

  private static BackupResult backup(TestDatabase src, Path dir) {
    return new BackupService(src.spec(), dir, new CatalogSchemaScripter(), BackupOptions.builder().build())
        .backup();
  }

  /**
   * Our file written by the java engine and, where a pg_dump of the server's major is found (else
   * reported as skipped), the one the pg_dump engine writes, each in a directory of its own.
   */
  private static List<Path> bothEngines(TestDatabase src, Path dir) throws Exception {
    List<Path> out = new ArrayList<>();
    out.add(backup(src, Files.createDirectories(dir.resolve("java"))).file());
    var pgDump = Oracles.pgDumpOrReport(src, "the pg_dump engine's owners");
    if (pgDump.isPresent()) {
      BackupResult b = new BackupService(src.spec(), Files.createDirectories(dir.resolve("pg_dump")),
          new CatalogSchemaScripter(), BackupOptions.builder().engine(BackupEngine.PG_DUMP).build(),
          new PgDumpLocator(Map.of("PATH", pgDump.get().getParent().toString())), Clock.systemUTC()).backup();
      assertTrue(b.engine().startsWith("pg_dump "), b.engine());
      out.add(b.file());
    }
    return out;
  }

  private static String body(Path file) throws Exception {
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Every inventoried object with its owner, as the catalog reader sees it. */
  private static List<Catalog.InventoryItem> owners(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try {
        return new CatalogReader().read(c).inventory().stream().filter(i -> i.owner() != null).toList();
      } finally {
        c.rollback();
      }
    }
  }

  private static String owner(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next(), sql);
      return rs.getString(1);
    }
  }

  /** {@code pg_dump --schema-only}, owners included, without its per-run restrict key. */
  private static String schemaDump(TestDatabase db) throws Exception {
    return ItSupport.pgDump(db, "--schema-only").lines()
        .filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  private static String currentUser(TestDatabase db) throws Exception {
    return owner(db, "SELECT current_user");
  }

  @Test
  void ownersRoundTripInBothRestoreModes(TestDatabase db) throws Exception {
    String r = role("own_keep");
    db.execute("CREATE ROLE " + r + " NOLOGIN");
    TestDatabase src = db.sibling("own_src");
    try {
      src.execute(OWNED.formatted(r));
      List<Catalog.InventoryItem> before = owners(src);
      assertTrue(before.stream().anyMatch(i -> i.kind().equals("function") && i.owner().equals(r)), before.toString());
      assertTrue(before.stream().anyMatch(i -> i.kind().equals("schema") && i.owner().equals(r)), before.toString());
      List<Path> files = bothEngines(src, dir);
      String body = body(files.get(0));
      assertTrue(body.contains("ALTER TABLE \"Own s\".\"T\" OWNER TO \"" + r + "\";"), "quoted identifiers");
      assertTrue(body.contains("ALTER AGGREGATE \"Own s\".total(integer) OWNER TO \"" + r + "\";"), "aggregates");
      if (files.size() > 1) {
        // pg_dump writes each owner right after its object, as pg_dump without --no-owner does
        assertTrue(body(files.get(1)).contains("ALTER TABLE \"Own s\".\"T\" OWNER TO " + r + ";"), "pg_dump engine");
      }
      for (Path file : files) {
        for (boolean oneTx : new boolean[] {false, true}) {
          TestDatabase dst = src.sibling("own_dst");
          try {
            RestoreResult res = new RestoreService(dst.dataSource()).restore(file,
                oneTx ? RestoreOptions.DEFAULTS.withSingleTransaction(true) : RestoreOptions.DEFAULTS.withJobs(3),
                RestoreListener.NONE);
            assertFalse(res.warnings().stream().anyMatch(w -> w.contains(r)), res.warnings().toString());
            assertEquals(before, owners(dst), file + ", one transaction: " + oneTx);
            assertEquals(r, owner(dst, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'T'"));
            if (Oracles.pgDumpOrReport(db, "the pg_dump comparison and plain pg_dump files").isPresent()) {
              String dump = schemaDump(src);
              assertTrue(dump.contains("OWNER TO " + r), "pg_dump prints the owners");
              assertEquals(dump, schemaDump(dst));
            }
          } finally {
            dst.drop();
          }
        }
      }
    } finally {
      src.drop();
      db.execute("DROP ROLE " + r);
    }
  }

  @Test
  void aMissingRoleWarnsOnceAndItsObjectsBelongToTheRestoringRole(TestDatabase db) throws Exception {
    String gone = role("own_gone");
    db.execute("CREATE ROLE " + gone + " NOLOGIN");
    TestDatabase src = db.sibling("own_src");
    Path file;
    List<Path> engines;
    Path pgDumpFile = dir.resolve("plain.sql");
    boolean plain = Oracles.pgDumpOrReport(db, "the pg_dump comparison and plain pg_dump files").isPresent();
    try {
      src.execute(OWNED.formatted(gone));
      engines = bothEngines(src, dir);
      file = engines.get(0);
      if (plain) {
        Files.writeString(pgDumpFile, ItSupport.pgDump(src), StandardCharsets.UTF_8);
        assertTrue(Files.readString(pgDumpFile).contains("OWNER TO " + gone), "pg_dump writes owners");
      }
    } finally {
      src.drop();
      db.execute("DROP ROLE " + gone);
    }
    List<Path> files = new ArrayList<>(engines);
    if (plain) {
      files.add(pgDumpFile);
    }
    for (Path f : files) {
      for (RestoreOptions o : List.of(RestoreOptions.DEFAULTS.withJobs(2), RestoreOptions.DEFAULTS.withSingleTransaction(true))) {
        TestDatabase dst = db.sibling("own_dst");
        try {
          RestoreResult res = new RestoreService(dst.dataSource()).restore(f, o, RestoreListener.NONE);
          List<String> about = res.warnings().stream().filter(w -> w.contains(gone)).toList();
          assertEquals(1, about.size(), f + ": " + res.warnings());
          assertTrue(about.get(0).contains("does not exist"), about.get(0));
          String me = currentUser(dst);
          assertEquals(me, owner(dst, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'T'"));
          assertEquals(me, owner(dst, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'Own s'"));
          assertEquals("2", owner(dst, "SELECT count(*) FROM \"Own s\".\"T\""));
        } finally {
          dst.drop();
        }
      }
    }
    // --no-owner: no warning at all
    for (Path f : files) {
      TestDatabase dst = db.sibling("own_dst");
      try {
        RestoreResult res = new RestoreService(dst.dataSource()).restore(f,
            new RestoreOptions(false, true, 2, false, false), RestoreListener.NONE);
        assertFalse(res.warnings().stream().anyMatch(w -> w.contains(gone)), res.warnings().toString());
        assertEquals(currentUser(dst), owner(dst, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'T'"));
      } finally {
        dst.drop();
      }
    }
  }

  @Test
  void aSecurityDefinerFunctionWhoseOwnerIsMissingIsRefusedUnlessNoOwner(TestDatabase db) throws Exception {
    String gone = role("own_definer");
    db.execute("CREATE ROLE " + gone + " NOLOGIN");
    TestDatabase src = db.sibling("own_src");
    List<Path> engines;
    Path pgDumpFile = dir.resolve("definer.sql");
    boolean plain = Oracles.pgDumpOrReport(db, "the pg_dump comparison and plain pg_dump files").isPresent();
    try {
      src.execute("CREATE TABLE public.secret (v text);"
          + " CREATE FUNCTION public.\"Peek\"() RETURNS bigint LANGUAGE sql SECURITY DEFINER"
          + " AS 'SELECT count(*) FROM public.secret';"
          + " ALTER FUNCTION public.\"Peek\"() OWNER TO " + gone + ";"
          + " CREATE FUNCTION public.harmless() RETURNS int LANGUAGE sql AS 'SELECT 1';"
          + " ALTER FUNCTION public.harmless() OWNER TO " + gone);
      engines = bothEngines(src, dir);
      if (plain) {
        Files.writeString(pgDumpFile, ItSupport.pgDump(src), StandardCharsets.UTF_8);
      }
    } finally {
      src.drop();
      db.execute("DROP ROLE " + gone);
    }
    List<Path> files = new ArrayList<>(engines);
    if (plain) {
      files.add(pgDumpFile);
    }
    for (Path f : files) {
      TestDatabase dst = db.sibling("own_dst");
      try {
        PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(dst.dataSource())
            .restore(f, RestoreOptions.DEFAULTS, RestoreListener.NONE));
        assertEquals(ErrorCode.RESTORE, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("public.\"Peek\"") && e.getMessage().contains(gone)
            && e.getMessage().contains("--no-owner") && !e.getMessage().contains("harmless"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals("0", owner(dst, "SELECT count(*) FROM pg_proc WHERE proname = 'Peek'"), "nothing restored");
        RestoreResult ok = new RestoreService(dst.dataSource()).restore(f,
            new RestoreOptions(false, true, 1, true, false), RestoreListener.NONE);
        assertFalse(ok.warnings().stream().anyMatch(w -> w.contains(gone)), ok.warnings().toString());
        assertEquals(currentUser(dst), owner(dst, "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'Peek'"));
      } finally {
        dst.drop();
      }
    }
  }

  /**
   * Overloads are told apart by their argument types: the SECURITY DEFINER {@code f(integer)} is
   * owned by a role the target has, the plain {@code f(text)} by one it lacks (a warning, no
   * refusal); and the other way round, the SECURITY DEFINER {@code g(text)} owned by the missing
   * role is refused by its signature while its overload {@code g(integer)} is not named.
   */
  @Test
  void aSecurityDefinerOverloadIsJudgedByItsOwnOwner(TestDatabase db) throws Exception {
    String keep = role("own_over_keep");
    String gone = role("own_over_gone");
    db.execute("CREATE ROLE " + keep + " NOLOGIN");
    db.execute("CREATE ROLE " + gone + " NOLOGIN");
    TestDatabase src = db.sibling("own_src");
    Path safeDir = Files.createDirectories(dir.resolve("safe"));
    Path unsafeDir = Files.createDirectories(dir.resolve("unsafe"));
    List<Path> safe;
    List<Path> unsafe;
    try {
      src.execute("CREATE FUNCTION public.f(x integer) RETURNS integer LANGUAGE sql SECURITY DEFINER AS 'SELECT x';"
          + " CREATE FUNCTION public.f(x text) RETURNS integer LANGUAGE sql AS 'SELECT 1';"
          + " ALTER FUNCTION public.f(integer) OWNER TO " + keep + ";"
          + " ALTER FUNCTION public.f(text) OWNER TO " + gone);
      safe = bothEngines(src, safeDir);
      src.execute("DROP FUNCTION public.f(integer); DROP FUNCTION public.f(text);"
          + " CREATE FUNCTION public.g(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x';"
          + " CREATE FUNCTION public.g(x text) RETURNS integer LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';"
          + " ALTER FUNCTION public.g(integer) OWNER TO " + keep + ";"
          + " ALTER FUNCTION public.g(text) OWNER TO " + gone);
      unsafe = bothEngines(src, unsafeDir);
    } finally {
      src.drop();
      db.execute("DROP ROLE " + gone);
    }
    try {
      for (Path f : safe) {
        TestDatabase dst = db.sibling("own_dst");
        try {
          RestoreResult res = new RestoreService(dst.dataSource()).restore(f, RestoreOptions.DEFAULTS,
              RestoreListener.NONE);
          assertEquals(1, res.warnings().stream().filter(w -> w.contains(gone)).count(), f + ": " + res.warnings());
          assertEquals(keep, owner(dst, "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE oid = 'public.f(integer)'::regprocedure"));
          assertEquals(currentUser(dst), owner(dst, "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE oid = 'public.f(text)'::regprocedure"));
        } finally {
          dst.drop();
        }
      }
      for (Path f : unsafe) {
        TestDatabase dst = db.sibling("own_dst");
        try {
          PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(dst.dataSource())
              .restore(f, RestoreOptions.DEFAULTS, RestoreListener.NONE));
          assertTrue(e.getMessage().startsWith("function public.g(text) is SECURITY DEFINER and owned by role \""
              + gone + "\""), f + ": " + e.getMessage());
        } finally {
          dst.drop();
        }
      }
    } finally {
      db.execute("DROP ROLE " + keep);
    }
  }

  /**
   * A non-superuser restore (the target database's owner, a member of the owning role): owners
   * are set where PostgreSQL lets it (the role's own schema, made the role's first), and left out
   * with one warning where they would fail half-way: objects in {@code public}, where the role has
   * no CREATE, and a role the restoring role is no member of. Files of both engines, both modes.
   */
  @Test
  void aNonSuperuserRestoreSetsTheOwnersItMayAndWarnsForTheRest(TestDatabase db) throws Exception {
    String r = role("own_ns_r");
    String other = role("own_ns_x");
    String u = role("own_ns_u");
    db.execute("CREATE ROLE " + r + " NOLOGIN");
    db.execute("CREATE ROLE " + other + " NOLOGIN");
    db.execute("CREATE ROLE " + u + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'own-ns-pass'");
    db.execute("GRANT " + r + " TO " + u);
    TestDatabase src = db.sibling("own_src");
    try {
      src.execute(OWNED.formatted(r) + "CREATE TABLE public.other_owned (id integer);"
          + " ALTER TABLE public.other_owned OWNER TO " + other + ";");
      List<Catalog.InventoryItem> before = owners(src);
      List<Path> files = bothEngines(src, dir);
      for (Path file : files) {
        for (boolean oneTx : new boolean[] {false, true}) {
          TestDatabase dst = src.sibling("own_dst");
          try {
            dst.execute("ALTER DATABASE \"" + dst.name() + "\" OWNER TO " + u);
            ConnectionSpec asOwner = new ConnectionSpec(dst.spec().host(), dst.spec().port(),
                dst.spec().database(), u, "own-ns-pass", dst.spec().parameters());
            RestoreResult res = new RestoreService(asOwner).restore(file,
                oneTx ? RestoreOptions.DEFAULTS.withJobs(1) : RestoreOptions.DEFAULTS.withJobs(3), RestoreListener.NONE);
            String where = file + ", one transaction: " + oneTx + ": " + res.warnings();
            List<String> aboutR = res.warnings().stream().filter(w -> w.contains(r)).toList();
            assertEquals(1, aboutR.size(), where);
            assertTrue(aboutR.get(0).startsWith("role \"" + r + "\" may not own objects in schema \"public\""), where);
            assertTrue(aboutR.get(0).contains("the 1 object(s)"), where);
            List<String> aboutOther = res.warnings().stream().filter(w -> w.contains(other)).toList();
            assertEquals(1, aboutOther.size(), where);
            assertTrue(aboutOther.get(0).contains("cannot be taken by the restoring role"), where);
            // everything in the role's own schema is the role's; what is in public is the restoring role's
            List<Catalog.InventoryItem> expected = before.stream().map(i -> i.identity().startsWith("public.")
                ? new Catalog.InventoryItem(i.kind(), i.identity(), u) : i).toList();
            assertEquals(expected, owners(dst), where);
            assertEquals(r, owner(dst, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'Own s'"));
            assertEquals("2", owner(dst, "SELECT count(*) FROM \"Own s\".\"T\""));
          } finally {
            dst.drop();
          }
        }
      }
    } finally {
      src.drop();
      db.execute("DROP ROLE " + u);
      db.execute("DROP ROLE " + other);
      db.execute("DROP ROLE " + r);
    }
  }
}
