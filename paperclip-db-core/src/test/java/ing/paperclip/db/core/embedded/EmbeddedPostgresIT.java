package ing.paperclip.db.core.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ing.paperclip.db.core.embedded.internal.BinaryInstaller;
import ing.paperclip.db.core.embedded.internal.ProcessRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server on its own data directories (independent of the shared test server). */
class EmbeddedPostgresIT {
  @TempDir
  Path dir;

  private EmbeddedPostgres pg;

  private EmbeddedPostgres create(int port) {
    Path cache = Path.of(System.getProperty("user.home"), ".paperclip", "runtime");
    String home = System.getenv("PAPERCLIP_HOME");
    if (home != null && !home.isBlank()) {
      cache = Path.of(home, "runtime");
    }
    pg = new EmbeddedPostgres(EmbeddedPostgresConfig.builder(dir.resolve("db"), cache).port(port).build());
    return pg;
  }

  @AfterEach
  void stop() {
    if (pg != null) {
      pg.stop();
    }
  }

  private static long count(EmbeddedServer s, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(s.spec().jdbcUrl(), s.spec().driverProperties());
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void exec(EmbeddedServer s, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(s.spec().jdbcUrl(), s.spec().driverProperties());
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @Test
  void freshStartThenRestartKeepsDataAndLiveServerIsReused() throws Exception {
    EmbeddedPostgres p = create(55410);
    EmbeddedServer first = p.start();
    assertTrue(first.initialized());
    assertFalse(first.reused());
    assertEquals("paperclip", first.spec().database());
    assertEquals("UTF8", query(first, "SHOW server_encoding"));
    assertEquals("C", query(first, "SELECT datcollate FROM pg_database WHERE datname = current_database()"));
    exec(first, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (1), (2)");

    EmbeddedServer again = p.start();
    assertTrue(again.reused(), "a live server on the same data dir is reused");
    assertEquals(first.port(), again.port());

    assertTrue(p.stop());
    assertFalse(p.running().isPresent());
    EmbeddedServer restarted = p.start();
    assertFalse(restarted.initialized(), "no initdb on an existing data dir");
    assertFalse(restarted.reused());
    assertEquals(2, count(restarted, "SELECT count(*) FROM kept"));
    assertFalse(Files.readString(p.logFile()).contains("authentication failed"), "starts log in with the right password");
    assertEquals("set, inherit", query(restarted, "SHOW createrole_self_grant"), "plugin roles it creates are usable");
    System.out.printf("embedded start: cold %d ms (initdb), warm %d ms, reuse %d ms%n",
        first.startup().toMillis(), restarted.startup().toMillis(), again.startup().toMillis());
  }

  @Test
  void twoInstancesStartingAtOnceOnOnePreferredPortBothComeUp() throws Exception {
    int preferred;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      preferred = probe.getLocalPort();
    }
    Path cache = Path.of(System.getProperty("user.home"), ".paperclip", "runtime");
    String home = System.getenv("PAPERCLIP_HOME");
    if (home != null && !home.isBlank()) {
      cache = Path.of(home, "runtime");
    }
    EmbeddedPostgres a = new EmbeddedPostgres(
        EmbeddedPostgresConfig.builder(dir.resolve("a"), cache).port(preferred).build());
    EmbeddedPostgres b = new EmbeddedPostgres(
        EmbeddedPostgresConfig.builder(dir.resolve("b"), cache).port(preferred).build());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      // Both probe the same free port after their initdb; the loser must move on, not fail.
      java.util.concurrent.Future<EmbeddedServer> fa = pool.submit(a::start);
      java.util.concurrent.Future<EmbeddedServer> fb = pool.submit(b::start);
      EmbeddedServer sa = fa.get(180, TimeUnit.SECONDS);
      EmbeddedServer sb = fb.get(180, TimeUnit.SECONDS);
      assertNotEquals(sa.port(), sb.port());
      assertEquals(1, count(sa, "SELECT 1"));
      assertEquals(1, count(sb, "SELECT 1"));
    } finally {
      pool.shutdownNow();
      a.stop();
      b.stop();
    }
  }

  @Test
  void takenPortFallsBackAndReportsThePort() throws Exception {
    // take whatever free port the OS gives, so no fixed number can collide with another run
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      EmbeddedServer s = create(port).start();
      assertNotEquals(port, s.port());
      assertEquals(1, count(s, "SELECT 1"));
    }
  }

  @Test
  void killMinus9IsRecoveredByTheNextStart() throws Exception {
    EmbeddedPostgres p = create(55430);
    EmbeddedServer s = p.start();
    exec(s, "CREATE TABLE t AS SELECT 42 AS x");
    ProcessHandle.of(s.pid()).orElseThrow().destroyForcibly();
    ProcessHandle.of(s.pid()).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    assertTrue(Files.exists(dir.resolve("db/postmaster.pid")), "kill -9 leaves the pid file behind");
    Thread.sleep(300); // let orphaned backends notice the postmaster's death
    EmbeddedServer recovered = p.start();
    assertFalse(recovered.reused());
    assertEquals(42, count(recovered, "SELECT x FROM t"));
  }

  @Test
  void aForeignNonEmptyDirectoryIsRefusedClearly() throws IOException {
    Files.createDirectories(dir.resolve("db"));
    Files.writeString(dir.resolve("db/notes.txt"), "not postgres");
    PaperclipException e = assertThrows(PaperclipException.class, () -> create(55440).start());
    assertEquals(ErrorCode.EMBEDDED_SERVER, e.code());
    assertTrue(e.getMessage().contains("not a PostgreSQL data directory"), e.getMessage());
    pg = null;
  }

  @Test
  void startFailureCarriesTheServerLog() throws Exception {
    EmbeddedPostgres p = create(55450);
    p.start();
    p.stop();
    // a setting the server rejects at start-up
    Files.writeString(dir.resolve("db/postgresql.auto.conf"), "shared_buffers = 'lots'\n");
    PaperclipException e = assertThrows(PaperclipException.class, p::start);
    assertTrue(e.getMessage().startsWith("the embedded PostgreSQL did not start"), e.getMessage());
    assertTrue(e.getMessage().contains("shared_buffers"), "log lines included: " + e.getMessage());
    pg = null;
  }

  @Test
  void noFixedPasswordAndTheRuntimeRoleIsNoSuperuser() throws Exception {
    EmbeddedServer s = create(55460).start();
    assertEquals("paperclip_app", s.spec().user());
    assertEquals("f", query(s, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
    assertEquals("paperclip_app", query(s, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"));
    // the core schema's extensions are trusted: the database owner creates them
    exec(s, "CREATE EXTENSION pg_trgm; CREATE EXTENSION fuzzystrmatch");
    java.sql.SQLException denied = assertThrows(java.sql.SQLException.class,
        () -> exec(s, "COPY (SELECT 1) TO PROGRAM 'id'"));
    assertEquals("42501", denied.getSQLState(), denied.getMessage());
    try (Connection c = DriverManager.getConnection(s.adminSpec().jdbcUrl(), s.adminSpec().driverProperties());
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
      rs.next();
      assertTrue(rs.getBoolean(1), "the admin spec is the superuser");
    }
    assertNotEquals(s.spec().password(), s.adminSpec().password());
    assertEquals(s.dataDir().resolve("paperclip.pgpass"), s.credentialsFile());
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(s.credentialsFile())));
    for (String user : new String[] {"paperclip", "paperclip_app", "postgres"}) {
      java.util.Properties p = new java.util.Properties();
      p.setProperty("user", user);
      p.setProperty("password", "paperclip");
      java.sql.SQLException e = assertThrows(java.sql.SQLException.class,
          () -> DriverManager.getConnection(s.spec().jdbcUrl(), p).close(), user);
      assertEquals("28P01", e.getSQLState(), user + ": " + e.getMessage());
    }
    assertFalse(Files.readString(pg.logFile()).contains(s.spec().password()), "no password in the server log");
    assertFalse(Files.readString(pg.logFile()).contains(s.adminSpec().password()), "no password in the server log");
  }

  @Test
  void anotherOsUserCannotGetIn() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(new ing.paperclip.db.core.embedded.internal.ProcessRunner().isRoot()
        && Files.isExecutable(Path.of("/usr/sbin/runuser")) && findOnPath("psql") != null, "needs root, runuser and psql");
    EmbeddedServer s = create(55470).start();
    for (String user : new String[] {"paperclip", "paperclip_app"}) {
      ProcessBuilder pb = new ProcessBuilder("/usr/sbin/runuser", "-u", "nobody", "--", findOnPath("psql").toString(),
          "-h", "127.0.0.1", "-p", Integer.toString(s.port()), "-U", user, "-d", "paperclip", "-w",
          "-c", "COPY (SELECT 1) TO PROGRAM 'id'").redirectErrorStream(true).directory(new java.io.File("/"));
      pb.environment().put("PGPASSWORD", "paperclip");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertNotEquals(0, p.exitValue(), out);
      assertTrue(out.contains("password authentication failed"), out);
    }
    Process cat = new ProcessBuilder("/usr/sbin/runuser", "-u", "nobody", "--", "cat", s.credentialsFile().toString())
        .redirectErrorStream(true).start();
    String out = new String(cat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(cat.waitFor(30, TimeUnit.SECONDS));
    assertNotEquals(0, cat.exitValue(), "the credentials file is private: " + out);
  }

  @Test
  void aDataDirectoryOfAnEarlierVersionIsMovedToTheRuntimeRole() throws Exception {
    EmbeddedPostgres p = create(55480);
    legacyCluster(p, "CREATE EXTENSION pg_trgm; CREATE EXTENSION fuzzystrmatch;"
        + "CREATE SCHEMA crm; CREATE TYPE crm.stage AS ENUM ('lead', 'won'); CREATE DOMAIN crm.pos AS int CHECK (VALUE > 0);"
        + "CREATE TABLE crm.deals (id bigserial PRIMARY KEY, stage crm.stage, n crm.pos, title text);"
        + "CREATE INDEX deals_trgm ON crm.deals USING gin (title gin_trgm_ops);"
        + "CREATE SEQUENCE crm.free; CREATE VIEW crm.v AS SELECT id FROM crm.deals;"
        + "CREATE MATERIALIZED VIEW crm.mv AS SELECT id FROM crm.deals;"
        + "CREATE FUNCTION crm.f() RETURNS int LANGUAGE sql AS 'SELECT 1';"
        + "INSERT INTO crm.deals (stage, n, title) VALUES ('won', 1, 'big deal');"
        + "CREATE ROLE plugin_x NOLOGIN NOINHERIT; CREATE SCHEMA plugin_x AUTHORIZATION plugin_x;"
        + "CREATE TABLE plugin_x.t AS SELECT 7 AS x; ALTER TABLE plugin_x.t OWNER TO plugin_x;");
    EmbeddedServer s = p.start();
    assertEquals(1, s.notes().size(), s.notes().toString());
    assertTrue(s.notes().get(0).contains("fixed superuser password"), s.notes().get(0));
    assertEquals("f", query(s, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
    java.util.Properties old = new java.util.Properties();
    old.setProperty("user", "paperclip");
    old.setProperty("password", "paperclip");
    assertEquals("28P01", assertThrows(java.sql.SQLException.class,
        () -> DriverManager.getConnection(s.spec().jdbcUrl(), old).close()).getSQLState(), "the old password is refused");
    assertEquals(0, count(s, "SELECT count(*) FROM ("
        + "SELECT nspowner o FROM pg_namespace WHERE nspname IN ('crm', 'public')"
        + " UNION ALL SELECT relowner FROM pg_class WHERE relnamespace = 'crm'::regnamespace"
        + " UNION ALL SELECT proowner FROM pg_proc WHERE pronamespace = 'crm'::regnamespace"
        + " UNION ALL SELECT typowner FROM pg_type WHERE typnamespace = 'crm'::regnamespace"
        + " UNION ALL SELECT extowner FROM pg_extension WHERE extname <> 'plpgsql') x"
        + " WHERE o NOT IN ('paperclip_app'::regrole, 'pg_database_owner'::regrole)"), "everything belongs to the runtime role");
    // the runtime role can now migrate, drop and restore what it owns
    exec(s, "ALTER TABLE crm.deals ADD COLUMN note text; ALTER TYPE crm.stage ADD VALUE 'lost';"
        + "REFRESH MATERIALIZED VIEW crm.mv; DROP EXTENSION fuzzystrmatch; CREATE EXTENSION fuzzystrmatch;"
        + "SET ROLE plugin_x; RESET ROLE");
    assertEquals(1, count(s, "SELECT count(*) FROM crm.deals WHERE title % 'big deal'"));
    assertEquals(7, count(s, "SELECT x FROM plugin_x.t"), "the runtime role reads plugin schemas (backups)");
    p.stop();
    EmbeddedServer again = p.start();
    assertTrue(again.notes().isEmpty(), again.notes().toString());
    assertEquals(1, count(again, "SELECT count(*) FROM crm.deals"));
  }

  /** Makes a data directory the way earlier versions did: superuser paperclip, password paperclip, owning all. */
  private void legacyCluster(EmbeddedPostgres p, String sql) throws Exception {
    BinaryInstaller.Binaries bin = BinaryInstaller.resolve(p.config().installDir(), p.config().cacheDir());
    ProcessRunner runner = new ProcessRunner();
    Path data = p.config().dataDir();
    Path pw = Files.writeString(dir.resolve("pw"), "paperclip\n");
    ProcessRunner.Result r = runner.run(List.of(bin.bin("initdb").toString(), "-D", data.toString(), "-U", "paperclip",
        "--pwfile=" + pw, "-E", "UTF8", "--locale=C", "-A", "scram-sha-256", "--no-instructions"), 180);
    assertEquals(0, r.exitCode(), r.output());
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    r = runner.run(List.of(bin.bin("pg_ctl").toString(), "start", "-D", data.toString(), "-l", dir.resolve("legacy.log").toString(),
        "-w", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"), 120);
    assertEquals(0, r.exitCode(), r.output());
    try {
      java.util.Properties props = new java.util.Properties();
      props.setProperty("user", "paperclip");
      props.setProperty("password", "paperclip");
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
          Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE paperclip TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
      }
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/paperclip", props);
          Statement st = c.createStatement()) {
        st.execute(sql);
      }
    } finally {
      runner.run(List.of(bin.bin("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "fast", "-w"), 60);
    }
  }

  private static Path findOnPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d, program);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static String query(EmbeddedServer s, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(s.spec().jdbcUrl(), s.spec().driverProperties());
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
