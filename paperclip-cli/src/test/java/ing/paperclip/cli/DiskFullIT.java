package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.restore.RestoreVerification;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.TestServer;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, on a real small file system (a tmpfs, see {@link SmallDisk}): the {@code db restore -}
 * spool and the {@code db backup} directory each refuse on one line naming the directory and the fix,
 * with nothing half-written left behind, no file published and the target database unchanged.
 */
@WithPostgres
class DiskFullIT {
  @TempDir
  Path home;

  record Run(int code, String out, String err) {}

  private Run run(TestDatabase db, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("PAPERCLIP_HOME", home.toString());
    env.put("DATABASE_URL", db.spec().libpqUri());
    env.put("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  /** Incompressible rows: {@code rows} of 64 KiB random bytes, so a backup is about as big as the table. */
  private static void randomRows(TestDatabase db, String table, int rows) {
    // the class shares one database: each test starts its table afresh
    db.execute("DROP TABLE IF EXISTS \"" + table + "\"; CREATE TABLE \"" + table + "\" (id int PRIMARY KEY, b bytea NOT NULL)");
    db.execute("INSERT INTO \"" + table + "\" SELECT g, (SELECT decode(string_agg(md5(random()::text || g || i), ''), "
        + "'hex') FROM generate_series(1, 4096) i) FROM generate_series(1, " + rows + ") g");
  }

  /** Objects in the database besides the catalogs, and the row count of {@code big} if it exists. */
  private static String state(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname "
            + "NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%') || '/' || "
            + "(SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace) || '/' || "
            + "(SELECT count(*) FROM pg_class WHERE relname = 'big')")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Every file in {@code dir} (hidden ones too) with its bytes. */
  private static Map<String, List<Byte>> contents(Path dir) throws Exception {
    Map<String, List<Byte>> all = new TreeMap<>();
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) {
        byte[] b = Files.readAllBytes(p);
        java.util.ArrayList<Byte> list = new java.util.ArrayList<>(b.length);
        for (byte x : b) {
          list.add(x);
        }
        all.put(p.getFileName().toString(), list);
      }
    }
    return all;
  }

  private static List<String> names(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The error lines of a run: what a user reads (log lines excluded). */
  private static List<String> errorLines(Run r) {
    return r.err().lines().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void aSpoolThatDoesNotFitIsRefusedOnOneLineWithTheTargetUnchanged(TestDatabase source) throws Exception {
    assertEquals(0, run(source, "db", "migrate").code());
    randomRows(source, "big", 40); // 2.5 MiB of random bytes
    Path dir = home.resolve("b");
    Run backup = run(source, "db", "backup", "--dir", dir.toString());
    assertEquals(0, backup.code(), backup.err());
    Path file;
    try (var s = Files.list(dir)) {
      file = s.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(file);
    assertTrue(bytes.length > 2 << 20, "the backup must not fit a 1 MiB spool: " + bytes.length);

    TestDatabase target = source.sibling("spoolfull");
    InputStream stdin = System.in;
    String tmp = System.getProperty("java.io.tmpdir");
    try (SmallDisk spool = SmallDisk.mount(home.resolve("spool"), "1m")) {
      String before = state(target);
      System.setProperty("java.io.tmpdir", spool.dir().toString());
      System.setIn(new ByteArrayInputStream(bytes));
      Run full = run(target, "db", "restore", "-");
      assertNotEquals(0, full.code(), full.err());
      List<String> lines = errorLines(full);
      assertEquals(1, lines.size(), full.err());
      String line = lines.get(0);
      assertTrue(line.contains("cannot spool standard input to " + spool.dir()), line);
      assertTrue(line.contains("No space left on device"), line);
      assertTrue(line.contains("nothing was sent to the database"), line);
      assertTrue(line.contains("-Djava.io.tmpdir="), line);
      assertEquals(List.of(), names(spool.dir()), "no partial spool file is left");
      assertEquals(before, state(target), "the target is unchanged");

      // the fix the line names: a spool directory with room, and the same bytes restore
      Path roomy = Files.createDirectories(home.resolve("roomy"));
      System.setProperty("java.io.tmpdir", roomy.toString());
      System.setIn(new ByteArrayInputStream(bytes));
      Run ok = run(target, "db", "restore", "-");
      assertEquals(0, ok.code(), ok.err());
      DatabaseComparator.assertSameSchemaAndData(source, target);
      assertEquals(List.of(), names(roomy), "the spool file is removed after the restore");
    } finally {
      System.setIn(stdin);
      System.setProperty("java.io.tmpdir", tmp);
      target.drop();
    }
  }

  @Test
  void aBackupDirectoryThatFillsUpKeepsItsEarlierBackupsAndGetsNoPartialFile(TestDatabase shared) throws Exception {
    // a database of its own: the sizes below must not depend on what other tests left in the shared one
    TestDatabase db = shared.sibling("full");
    try {
      fillTheBackupDirectory(db);
    } finally {
      db.drop();
    }
  }

  private void fillTheBackupDirectory(TestDatabase db) throws Exception {
    assertEquals(0, run(db, "db", "migrate").code());
    db.execute("INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme')");
    try (SmallDisk disk = SmallDisk.mount(home.resolve("disk"), "4m")) {
      Run first = run(db, "db", "backup", "--dir", disk.dir().toString());
      assertEquals(0, first.code(), first.err());
      Map<String, List<Byte>> earlier = contents(disk.dir());
      assertTrue(earlier.keySet().stream().anyMatch(n -> n.endsWith(".sql.gz")), earlier.keySet().toString());

      // 8 MiB of table: the up-front estimate (a quarter, plus 1 MiB) fits in 4 MiB, the file does not
      randomRows(db, "big", 128);
      for (List<String> engine : List.of(List.of("--engine", "java", "--jobs", "1"),
          List.of("--engine", "java", "--jobs", "2"), List.of("--engine", "auto"))) {
        List<String> args = new java.util.ArrayList<>(List.of("db", "backup", "--dir", disk.dir().toString()));
        args.addAll(engine);
        Run full = run(db, args.toArray(String[]::new));
        assertNotEquals(0, full.code(), engine + ": " + full.err());
        List<String> lines = errorLines(full);
        assertEquals(1, lines.size(), engine + ": " + full.err());
        String line = lines.get(0);
        assertTrue(line.contains("cannot write a backup in " + disk.dir()), engine + ": " + line);
        assertTrue(line.contains("No space left on device"), engine + ": " + line);
        assertTrue(line.contains("no file was written") && line.contains("free disk space there"), engine + ": " + line);
        assertEquals(earlier.keySet(), contents(disk.dir()).keySet(), engine + ": no temporary or published file");
        assertEquals(earlier, contents(disk.dir()), engine + ": the earlier backup is untouched");
      }
    }

    // a directory that clearly cannot hold it is refused before a byte is written, with the numbers
    try (SmallDisk tiny = SmallDisk.mount(home.resolve("tiny"), "2m")) {
      Run refused = run(db, "db", "backup", "--dir", tiny.dir().toString());
      assertNotEquals(0, refused.code(), refused.err());
      List<String> lines = errorLines(refused);
      assertEquals(1, lines.size(), refused.err());
      assertTrue(lines.get(0).contains("not enough free space for a backup in " + tiny.dir()), lines.get(0));
      assertEquals(List.of(), names(tiny.dir()), "nothing is written");
    }
  }

  private static Run runEmbedded(Path home, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, Map.of("PAPERCLIP_HOME", home.toString()), new PrintWriter(out), new PrintWriter(err),
        false, home);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void anEmbeddedDataDirectoryWithTooLittleRoomIsRefusedByThePreflight(TestDatabase source) throws Exception {
    assertEquals(0, run(source, "db", "migrate").code());
    randomRows(source, "big", 64); // 4 MiB on top of the core schema
    Path dir = home.resolve("b");
    Run backup = run(source, "db", "backup", "--dir", dir.toString());
    assertEquals(0, backup.code(), backup.err());
    Path file;
    try (var s = Files.list(dir)) {
      file = s.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
    }
    long sourceBytes = RestoreVerification.manifest(file).orElseThrow().source().databaseBytes();

    try (SmallDisk disk = SmallDisk.mount(home.resolve("instance"), "512m")) {
      Path instance = EmbeddedHomes.prepare(disk.dir());
      try {
        Run status = runEmbedded(instance, "db", "status");
        assertEquals(0, status.code(), status.err());
        Run url = runEmbedded(instance, "db", "url", "--admin", "--show-password");
        assertEquals(0, url.code(), url.err());
        ConnectionSpec spec = ConnectionSpec.parse(url.out().strip());
        TestDatabase target = new TestDatabase(new TestServer(spec, "embedded"), spec);
        String before = state(target);
        // room for half the source database: what the pre-flight must see and refuse
        disk.resize(disk.used() + sourceBytes / 2);
        try {
          long free = disk.usable();
          assertTrue(free < sourceBytes, free + " < " + sourceBytes);
          for (String mode : new String[] {"--check", "--jobs=2"}) {
            Run r = runEmbedded(instance, "db", "restore", mode, file.toString());
            assertEquals(8, r.code(), mode + ": " + r.err());
            List<String> lines = r.err().lines().filter(l -> l.startsWith("pre-flight: ")).toList();
            assertEquals(1, lines.size(), mode + ": " + r.err());
            assertTrue(lines.get(0).contains("the source database took " + sourceBytes + " bytes, only "), lines.get(0));
            assertTrue(lines.get(0).contains(" bytes are free at " + disk.dir().resolve("instances")), lines.get(0));
            assertTrue(lines.get(0).contains("free space there or restore elsewhere"), lines.get(0));
            assertTrue(r.err().contains("nothing was sent to the target"), r.err());
            assertEquals(before, state(target), mode + ": the target is unchanged");
          }
        } finally {
          disk.resize(512L << 20);
        }
      } finally {
        runEmbedded(instance, "db", "stop");
      }
    }
  }
}
