package ing.paperclip.db.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.FailOnPurpose;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.TestServer;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parallel {@code --clean} over a non-empty database restores into a scratch database and swaps
 * it in ({@link DatabaseSwap}): the result equals the source and the database keeps what belongs
 * to it (owner, grants, settings, comment, connection limit), also under a hostile 63-byte name; a
 * failure half-way leaves the target equal to its twin and no scratch database; what a killed one
 * left is dropped by the next; another session on the target makes it run in one transaction,
 * saying why. And the PostgreSQL fact the swap stands on: two renames in one transaction commit or
 * roll back together.
 */
@WithPostgres
class CleanSwapIT {
  @TempDir
  Path dir;

  /** A table, rows, an index, and a materialized view that fails where the database says so. */
  private static final String SOURCE = FailOnPurpose.guard() + """
      CREATE TABLE app.items (id int PRIMARY KEY, name text NOT NULL);
      INSERT INTO app.items SELECT g, 'item ' || g FROM generate_series(1, 2000) g;
      CREATE TABLE app.tags (item int REFERENCES app.items, tag text);
      INSERT INTO app.tags SELECT g % 2000 + 1, 'tag' || g FROM generate_series(1, 3000) g;
      CREATE INDEX tags_tag ON app.tags (tag);
      CREATE MATERIALIZED VIEW app.guarded AS SELECT app.guard(id) AS id FROM app.items;
      """;

  /** What the target holds before the restore: other content, to be replaced. */
  private static final String OLD = """
      CREATE SCHEMA old;
      CREATE TABLE old.keep (v text);
      INSERT INTO old.keep VALUES ('keep me'), ('and me');
      CREATE TABLE public.mine (id int PRIMARY KEY);
      INSERT INTO public.mine SELECT generate_series(1, 10);
      """;

  private Path backup(TestDatabase source) {
    return new BackupService(source.spec(), dir, new CatalogSchemaScripter(), BackupOptions.builder().jobs(2).build())
        .backup().file();
  }

  /** Creates a database of exactly this name on the test server. */
  private static TestDatabase named(TestServer server, String name) throws Exception {
    try (Connection c = server.connectAdmin(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + SqlIdentifiers.quote(name) + " TEMPLATE template0 ENCODING 'UTF8'"
          + " LC_COLLATE 'C' LC_CTYPE 'C'");
    }
    return new TestDatabase(server, server.admin().withDatabase(name));
  }

  /** A hostile database name of 63 bytes: quotes, spaces, unicode. */
  private static String hostileName() {
    StringBuilder b = new StringBuilder("it c18 \"q\" 'x' ü ✓ ").append(UUID.randomUUID().toString(), 0, 8).append(' ');
    while (b.toString().getBytes(StandardCharsets.UTF_8).length < 63) {
      b.append('z');
    }
    assertEquals(63, b.toString().getBytes(StandardCharsets.UTF_8).length);
    return b.toString();
  }

  /** What belongs to a database itself: owner, locale, limit, grants, settings, comment, flags. */
  private static String databaseLevel(TestDatabase db) throws Exception {
    try (Connection c = db.server().connectAdmin(); PreparedStatement ps = c.prepareStatement("""
        SELECT pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding), d.datcollate, d.datctype,
          d.datconnlimit, d.datallowconn, d.datistemplate, shobj_description(d.oid, 'pg_database'),
          (SELECT string_agg(coalesce(r.rolname, 'PUBLIC') || ':' || a.privilege_type || ':' || a.is_grantable
             || ' by ' || pg_get_userbyid(a.grantor), ',' ORDER BY 1)
             FROM aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
             LEFT JOIN pg_roles r ON r.oid = a.grantee),
          (SELECT string_agg(coalesce(r.rolname, '*') || '=' || array_to_string(s.setconfig, '|'), ';' ORDER BY 1)
             FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole WHERE s.setdatabase = d.oid)
        FROM pg_database d WHERE d.datname = ?""")) {
      ps.setString(1, db.name());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), db.name());
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
          out.add(rs.getString(i));
        }
        return String.join(" | ", out);
      }
    }
  }

  /** The databases named like ours whose comment names {@code target}. */
  private static List<String> leftovers(TestServer server, String target) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = server.connectAdmin(); PreparedStatement ps = c.prepareStatement(
        "SELECT datname FROM pg_database WHERE datname LIKE 'paperclip\\_restore\\_%'"
            + " AND shobj_description(oid, 'pg_database') IN (?, ?)")) {
      ps.setString(1, DatabaseSwap.scratchComment(target));
      ps.setString(2, DatabaseSwap.oldComment(target));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  @Test
  void aParallelCleanReplacesTheDatabaseAndKeepsItsOwnSettings(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("swap_src");
    TestDatabase target = named(db.server(), hostileName());
    String role = "it_c18_reader_" + UUID.randomUUID().toString().substring(0, 8);
    String role2 = "it_c18_granted_" + UUID.randomUUID().toString().substring(0, 8);
    try {
      src.execute(SOURCE);
      Path file = backup(src);
      target.execute(OLD);
      String q = SqlIdentifiers.quote(target.name());
      target.execute("CREATE ROLE " + SqlIdentifiers.quote(role) + " NOLOGIN;"
          + "REVOKE ALL ON DATABASE " + q + " FROM PUBLIC;"
          + "GRANT CONNECT, TEMPORARY ON DATABASE " + q + " TO " + SqlIdentifiers.quote(role) + " WITH GRANT OPTION;"
          + "CREATE ROLE " + SqlIdentifiers.quote(role2) + " NOLOGIN;"
          // a grant made by the role holding the grant option, not by the owner: it keeps its grantor
          + "SET ROLE " + SqlIdentifiers.quote(role) + ";"
          + "GRANT CONNECT ON DATABASE " + q + " TO " + SqlIdentifiers.quote(role2) + ";"
          + "RESET ROLE;"
          + "ALTER DATABASE " + q + " SET work_mem = '12MB';"
          + "ALTER DATABASE " + q + " SET search_path = '\"$user\"', 'public', 'we''ird, x';"
          + "ALTER ROLE " + SqlIdentifiers.quote(role) + " IN DATABASE " + q + " SET statement_timeout = '7s';"
          + "ALTER DATABASE " + q + " CONNECTION LIMIT 40;"
          + "COMMENT ON DATABASE " + q + " IS 'the team''s \"main\" database ✓'");
      String before = databaseLevel(target);
      assertTrue(before.contains("12MB") && before.contains("we'ird, x") && before.contains("7s"), before);
      assertTrue(before.contains(role2 + ":CONNECT:false by " + role), before);

      RestoreResult r = new RestoreService(target.spec()).restore(file,
          RestoreOptions.DEFAULTS.withClean(true).withJobs(2), RestoreListener.NONE);
      assertTrue(r.swapped() && r.cleaned(), r.toString());
      assertEquals(2, r.jobs());
      assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith(DatabaseSwap.REPLACED)), r.warnings().toString());
      assertFalse(r.warnings().stream().anyMatch(w -> w.startsWith(RestoreService.ONE_TRANSACTION)),
          r.warnings().toString());
      DatabaseComparator.assertSameSchemaAndData(src, target);
      assertEquals(before, databaseLevel(target));
      assertEquals(List.of(), leftovers(db.server(), target.name()));
    } finally {
      src.drop();
      target.drop();
      try (Connection c = db.server().connectAdmin(); Statement s = c.createStatement()) {
        s.execute("DROP ROLE IF EXISTS " + SqlIdentifiers.quote(role2));
        s.execute("DROP ROLE IF EXISTS " + SqlIdentifiers.quote(role));
      }
    }
  }

  /**
   * A non-superuser owner with CREATEDB swaps too; a database grant made by a role it may not act
   * as is made by the owner instead, and the result says so.
   */
  @Test
  void aNonSuperuserOwnerSwapsAndSaysWhichGrantLostItsGrantor(TestDatabase db) throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String owner = "it_c18_owner_" + id;
    String granting = "it_c18_granting_" + id;
    String granted = "it_c18_granted_" + id;
    TestDatabase src = db.sibling("swapns_src");
    TestDatabase target = db.sibling("swapns_target");
    String q = SqlIdentifiers.quote(target.name());
    try {
      src.execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100);");
      Path file = backup(src);
      target.execute(OLD); // old content, so that --clean swaps
      target.execute("CREATE ROLE " + owner + " LOGIN CREATEDB NOSUPERUSER NOCREATEROLE PASSWORD 'swap-ns-pass';"
          + "CREATE ROLE " + granting + " NOLOGIN; CREATE ROLE " + granted + " NOLOGIN;"
          + "ALTER DATABASE " + q + " OWNER TO " + owner + ";"
          + "GRANT CONNECT ON DATABASE " + q + " TO " + granting + " WITH GRANT OPTION;"
          + "SET ROLE " + granting + "; GRANT CONNECT ON DATABASE " + q + " TO " + granted + "; RESET ROLE;");
      assertTrue(databaseLevel(target).contains(granted + ":CONNECT:false by " + granting), databaseLevel(target));
      ing.paperclip.db.core.settings.ConnectionSpec asOwner = new ing.paperclip.db.core.settings.ConnectionSpec(
          target.spec().host(), target.spec().port(), target.spec().database(), owner, "swap-ns-pass",
          target.spec().parameters());
      RestoreResult r = new RestoreService(asOwner).restore(file,
          RestoreOptions.DEFAULTS.withClean(true).withJobs(2), RestoreListener.NONE);
      assertTrue(r.swapped(), r.warnings().toString());
      assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("the grant of CONNECT on the database to " + granted
          + " was made by role " + granting + ", which the restoring role may not act as")), r.warnings().toString());
      String after = databaseLevel(target);
      assertTrue(after.startsWith(owner + " |"), after);
      assertTrue(after.contains(granting + ":CONNECT:true by " + owner) && after.contains(granted + ":CONNECT:false by "
          + owner), after);
      DatabaseComparator.assertSameData(src, target);
    } finally {
      src.drop();
      target.drop();
      try (Connection c = db.server().connectAdmin(); Statement s = c.createStatement()) {
        for (String role : new String[] {granted, granting, owner}) {
          s.execute("DROP ROLE IF EXISTS " + role);
        }
      }
    }
  }

  /** An ICU database (where the server has ICU) keeps its provider and locale through the swap. */
  @Test
  void anIcuDatabaseKeepsItsLocaleProvider(TestDatabase db) throws Exception {
    int major = db.server().majorVersion();
    try (Connection c = db.server().connectAdmin(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_collation WHERE collprovider = 'i'")) {
      rs.next();
      org.junit.jupiter.api.Assumptions.assumeTrue(rs.getInt(1) > 0, "the server is built without ICU");
    }
    TestDatabase src = db.sibling("swapicu_src");
    String name = "it_swapicu_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection c = db.server().connectAdmin(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
          + " LOCALE_PROVIDER icu ICU_LOCALE 'de-DE'");
    }
    TestDatabase target = new TestDatabase(db.server(), db.server().admin().withDatabase(name));
    String locale = "SELECT datlocprovider::text || ':' || " + (major >= 17 ? "datlocale" : "daticulocale")
        + " FROM pg_database WHERE datname = current_database()";
    try {
      src.execute(SOURCE);
      Path file = backup(src);
      target.execute(OLD);
      String before;
      try (Connection c = target.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(locale)) {
        rs.next();
        before = rs.getString(1);
      }
      assertEquals("i:de-DE", before);
      RestoreResult r = new RestoreService(target.spec()).restore(file,
          RestoreOptions.DEFAULTS.withClean(true).withJobs(2), RestoreListener.NONE);
      assertTrue(r.swapped(), r.toString());
      try (Connection c = target.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(locale)) {
        rs.next();
        assertEquals(before, rs.getString(1));
      }
      DatabaseComparator.assertSameData(src, target);
    } finally {
      src.drop();
      target.drop();
    }
  }

  @Test
  void aParallelCleanThatFailsHalfWayLeavesTheTargetAsItWas(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("swapfail_src");
    TestDatabase target = db.sibling("swapfail_target");
    TestDatabase twin = db.sibling("swapfail_twin");
    try {
      src.execute(SOURCE);
      Path file = backup(src);
      for (TestDatabase t : new TestDatabase[] {target, twin}) {
        t.execute(OLD);
        // the restore runs under the target's database settings: the materialized view's refresh, late in
        // post-data, fails
        FailOnPurpose.arm(t);
      }
      PaperclipException e = assertThrows(PaperclipException.class, () -> new RestoreService(target.spec())
          .restore(file, RestoreOptions.DEFAULTS.withClean(true).withJobs(2), RestoreListener.NONE));
      assertTrue(e.getMessage().contains("refused on purpose") && e.getMessage().contains("left unchanged")
          && e.getMessage().contains("dropped again"), e.getMessage());
      DatabaseComparator.assertSameSchemaAndData(twin, target);
      assertEquals(List.of(), leftovers(db.server(), target.name()));
      try (Connection c = db.server().connectAdmin(); PreparedStatement ps = c.prepareStatement(
          "SELECT count(*) FROM pg_database WHERE datname ~ '^paperclip_restore_[0-9a-f]{16}$'"
              + " AND shobj_description(oid, 'pg_database') LIKE '%' || ? || '%'")) {
        ps.setString(1, target.name());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertEquals(0, rs.getInt(1), "no scratch database is left");
        }
      }
    } finally {
      src.drop();
      target.drop();
      twin.drop();
    }
  }

  @Test
  void whatAKilledCleanLeftIsDroppedByTheNextOneButNothingElse(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("swapleft_src");
    TestDatabase target = db.sibling("swapleft_target");
    String scratch = DatabaseSwap.SCRATCH_PREFIX + "00000000deadbeef";
    String old = DatabaseSwap.OLD_PREFIX + "00000000deadbeef";
    String other = DatabaseSwap.SCRATCH_PREFIX + "00000000cafef00d";
    String unmarked = DatabaseSwap.SCRATCH_PREFIX + "00000000facade00";
    List<String> made = List.of(scratch, old, other, unmarked);
    try {
      src.execute(SOURCE);
      Path file = backup(src);
      target.execute(OLD);
      // what kill -9 leaves: a half-filled scratch database; between the swap and the drop: the old one
      try (Connection c = db.server().connectAdmin(); Statement s = c.createStatement()) {
        for (String d : made) {
          s.execute("CREATE DATABASE " + SqlIdentifiers.quote(d) + " TEMPLATE template0");
        }
        s.execute("COMMENT ON DATABASE " + SqlIdentifiers.quote(scratch) + " IS "
            + SqlIdentifiers.literal(DatabaseSwap.scratchComment(target.name())));
        s.execute("COMMENT ON DATABASE " + SqlIdentifiers.quote(old) + " IS "
            + SqlIdentifiers.literal(DatabaseSwap.oldComment(target.name())));
        // another target's scratch database, and one without our comment: not ours to drop
        s.execute("COMMENT ON DATABASE " + SqlIdentifiers.quote(other) + " IS "
            + SqlIdentifiers.literal(DatabaseSwap.scratchComment(target.name() + "_other")));
      }
      TestDatabase half = new TestDatabase(db.server(), db.server().admin().withDatabase(scratch));
      half.execute("CREATE TABLE half (id int); INSERT INTO half VALUES (1)");
      assertEquals(List.of(scratch, old), leftovers(db.server(), target.name()).stream().sorted().toList());
      try (Connection c = target.connect()) {
        assertEquals(List.of(scratch, old), RestoreService.leftoverDatabases(c), "what db status reports");
      }

      RestoreResult r = new RestoreService(target.spec()).restore(file,
          RestoreOptions.DEFAULTS.withClean(true).withJobs(2), RestoreListener.NONE);
      assertTrue(r.swapped(), r.toString());
      assertTrue(r.warnings().stream().anyMatch(w -> w.contains("interrupted --clean") && w.contains(scratch)
          && w.contains(old)), r.warnings().toString());
      assertEquals(List.of(), leftovers(db.server(), target.name()));
      try (Connection c = target.connect()) {
        assertEquals(List.of(), RestoreService.leftoverDatabases(c));
      }
      DatabaseComparator.assertSameSchemaAndData(src, target);
      try (Connection c = db.server().connectAdmin(); PreparedStatement ps = c.prepareStatement(
          "SELECT count(*) FROM pg_database WHERE datname IN (?, ?)")) {
        ps.setString(1, other);
        ps.setString(2, unmarked);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertEquals(2, rs.getInt(1), "databases without this target's marker are kept");
        }
      }
    } finally {
      src.drop();
      target.drop();
      made.forEach(db.server()::dropDatabase);
    }
  }

  @Test
  void aSecondSessionOnTheTargetMakesItRunInOneTransactionSayingWhy(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("swapbusy_src");
    TestDatabase target = db.sibling("swapbusy_target");
    try {
      src.execute(SOURCE);
      Path file = backup(src);
      target.execute(OLD);
      RestoreResult r;
      try (Connection other = target.connect()) {
        other.createStatement().execute("SELECT 1");
        r = new RestoreService(target.spec()).restore(file, RestoreOptions.DEFAULTS.withClean(true).withJobs(2),
            RestoreListener.NONE);
      }
      assertTrue(r.singleTransaction() && !r.swapped() && r.cleaned(), r.toString());
      assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith(RestoreService.ONE_TRANSACTION)
          && w.contains("1 other session(s) are connected to the target database")), r.warnings().toString());
      DatabaseComparator.assertSameSchemaAndData(src, target);
      assertEquals(List.of(), leftovers(db.server(), target.name()));
    } finally {
      src.drop();
      target.drop();
    }
  }

  /**
   * A session that connects to the scratch database while the restore fills it makes the swap's
   * second rename fail after the first succeeded: the transaction rolls back (the target keeps its
   * name, or the restore in one transaction that follows could not reach it), the scratch database
   * is dropped, and the restore runs again in one transaction, saying why.
   */
  @Test
  void aSwapThatFailsHalfWayRollsBackAndRunsInOneTransaction(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("swaprace_src");
    TestDatabase target = db.sibling("swaprace_target");
    List<Connection> intruders = new ArrayList<>();
    try {
      src.execute(SOURCE);
      Path file = backup(src);
      target.execute(OLD);
      RestoreListener intrude = new RestoreListener() {
        @Override
        public void tableDone(String qualifiedName, long rows, int tablesDone, int tablesTotal, long bytes) {
          synchronized (intruders) {
            if (!intruders.isEmpty()) {
              return;
            }
            try {
              List<String> scratch = leftovers(db.server(), target.name());
              assertEquals(1, scratch.size(), scratch.toString());
              intruders.add(new TestDatabase(db.server(), db.server().admin().withDatabase(scratch.get(0))).connect());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        }
      };
      RestoreResult r = new RestoreService(target.spec()).restore(file,
          RestoreOptions.DEFAULTS.withClean(true).withJobs(2), intrude);
      assertEquals(1, intruders.size(), "the listener connected to the scratch database");
      assertTrue(r.singleTransaction() && !r.swapped() && r.cleaned(), r.toString());
      assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith(RestoreService.ONE_TRANSACTION + "a session "
          + "connected to the target or the scratch database") && w.contains("is being accessed by other users")), r.warnings().toString());
      DatabaseComparator.assertSameSchemaAndData(src, target);
      assertEquals(List.of(), leftovers(db.server(), target.name()));
    } finally {
      for (Connection c : intruders) {
        c.close();
      }
      src.drop();
      target.drop();
    }
  }

  @Test
  void aDataSourceTargetRunsInOneTransactionSayingWhy(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("swapds_src");
    TestDatabase target = db.sibling("swapds_target");
    try {
      src.execute(SOURCE);
      Path file = backup(src);
      target.execute(OLD);
      RestoreResult r = new RestoreService(target.dataSource()).restore(file,
          RestoreOptions.DEFAULTS.withClean(true).withJobs(2), RestoreListener.NONE);
      assertTrue(r.singleTransaction() && !r.swapped(), r.toString());
      assertTrue(r.warnings().contains(RestoreService.ONE_TRANSACTION + DatabaseSwap.NO_SPEC), r.warnings().toString());
      DatabaseComparator.assertSameSchemaAndData(src, target);
    } finally {
      src.drop();
      target.drop();
    }
  }

  /** The fact the swap stands on, on this server: renames in a transaction block commit or roll back together. */
  @Test
  void twoRenamesInOneTransactionCommitOrRollBackTogether(TestDatabase db) throws Exception {
    TestDatabase a = db.sibling("swapfact_a");
    TestDatabase b = db.sibling("swapfact_b");
    String moved = a.name() + "_moved";
    try (Connection c = db.server().connectAdmin(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("ALTER DATABASE " + SqlIdentifiers.quote(a.name()) + " RENAME TO " + SqlIdentifiers.quote(moved));
      s.execute("ALTER DATABASE " + SqlIdentifiers.quote(b.name()) + " RENAME TO " + SqlIdentifiers.quote(a.name()));
      c.rollback();
      assertEquals(List.of(a.name(), b.name()), names(c, a.name(), b.name(), moved));
      s.execute("ALTER DATABASE " + SqlIdentifiers.quote(a.name()) + " RENAME TO " + SqlIdentifiers.quote(moved));
      s.execute("ALTER DATABASE " + SqlIdentifiers.quote(b.name()) + " RENAME TO " + SqlIdentifiers.quote(a.name()));
      c.commit();
      assertEquals(List.of(a.name(), moved), names(c, a.name(), b.name(), moved));
    } finally {
      db.server().dropDatabase(moved);
      a.drop();
      b.drop();
    }
  }

  private static List<String> names(Connection c, String... of) throws Exception {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT datname FROM pg_database WHERE datname = ANY (?) ORDER BY 1")) {
      ps.setArray(1, c.createArrayOf("text", of));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    c.commit();
    return out;
  }
}
