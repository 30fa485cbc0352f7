package ing.paperclip.db.core.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.embedded.internal.PortPicker;
import ing.paperclip.db.core.settings.ConnectionSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts, reuses, stops and recovers real embedded PostgreSQL servers on temporary data dirs. */
class EmbeddedPostgresIT {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresIT.class);

  @TempDir
  Path tmp;

  private final List<EmbeddedPostgres> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    for (EmbeddedPostgres pg : started) {
      try {
        pg.stop();
      } catch (PaperclipException e) {
        LOG.warn("cleanup stop failed: {}", e.getMessage());
      }
    }
  }

  static Path cacheDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "paperclip-test-runtime");
  }

  private EmbeddedPostgres manager(Path dataDir, int preferredPort) {
    EmbeddedPostgres pg = new EmbeddedPostgres(EmbeddedPostgresConfig.builder(dataDir)
        .preferredPort(preferredPort).cacheDir(cacheDir()).build());
    started.add(pg);
    return pg;
  }

  private static Connection connect(ConnectionSpec spec) throws SQLException {
    return DriverManager.getConnection(spec.jdbcUrl(), spec.driverProperties());
  }

  @Test
  void freshStartRestartKeepsData() throws Exception {
    Path data = tmp.resolve("db");
    EmbeddedPostgres pg = manager(data, PortPicker.anyFreePort());
    EmbeddedServer first = pg.start();
    LOG.info("cold start (extraction if needed + initdb + start): {} ms", first.startup().toMillis());
    assertTrue(first.initialized());
    assertFalse(first.reused());
    assertEquals("127.0.0.1", first.host());
    assertEquals("paperclip", first.spec().database());
    try (Connection c = connect(first.spec()); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT current_user, current_database(), "
          + "pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()")) {
        assertTrue(rs.next());
        assertEquals("paperclip", rs.getString(1));
        assertEquals("paperclip", rs.getString(2));
        assertEquals("UTF8", rs.getString(3));
      }
      s.execute("CREATE TABLE kept (id int PRIMARY KEY)");
      s.execute("INSERT INTO kept VALUES (1), (2), (3)");
      s.execute("CREATE EXTENSION pg_trgm");
      s.execute("CREATE EXTENSION fuzzystrmatch");
    }
    EmbeddedStatus running = pg.status();
    assertTrue(running.running());
    assertEquals(first.port(), running.port().getAsInt());
    assertEquals(first.pid(), running.pid().getAsLong());

    assertTrue(pg.stop());
    assertFalse(pg.status().running());
    assertFalse(Files.exists(data.resolve("postmaster.pid")));
    assertFalse(pg.stop(), "a second stop finds nothing to stop");

    EmbeddedServer second = pg.start();
    LOG.info("warm start (existing data dir): {} ms", second.startup().toMillis());
    assertFalse(second.initialized());
    assertFalse(second.reused());
    try (Connection c = connect(second.spec()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM kept")) {
      assertTrue(rs.next());
      assertEquals(3, rs.getInt(1));
    }
  }

  @Test
  void wrongPasswordIsRejected() throws Exception {
    EmbeddedServer server = manager(tmp.resolve("db"), PortPicker.anyFreePort()).start();
    ConnectionSpec bad = new ConnectionSpec(server.host(), server.port(), "paperclip", "paperclip",
        "wrong", java.util.Map.of());
    SQLException e = assertThrows(SQLException.class, () -> connect(bad).close());
    assertEquals("28P01", e.getSQLState());
  }

  @Test
  void liveServerIsReused() throws Exception {
    Path data = tmp.resolve("db");
    EmbeddedServer first = manager(data, PortPicker.anyFreePort()).start();
    // A second manager, as a later CLI invocation would build it, with another preferred port.
    EmbeddedServer second = manager(data, PortPicker.anyFreePort()).start();
    assertTrue(second.reused());
    assertFalse(second.initialized());
    assertEquals(first.port(), second.port());
    assertEquals(first.pid(), second.pid());
    try (Connection c = connect(second.spec())) {
      assertTrue(c.isValid(5));
    }
  }

  @Test
  void takenPreferredPortFallsBack() throws Exception {
    try (ServerSocket blocker = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int taken = blocker.getLocalPort();
      EmbeddedServer server = manager(tmp.resolve("db"), taken).start();
      assertNotEquals(taken, server.port());
      try (Connection c = connect(server.spec())) {
        assertTrue(c.isValid(5));
      }
    }
  }

  @Test
  void concurrentStartsOnOnePreferredPortBothSucceed() throws Exception {
    int preferred = PortPicker.anyFreePort();
    EmbeddedPostgres a = manager(tmp.resolve("a"), preferred);
    EmbeddedPostgres b = manager(tmp.resolve("b"), preferred);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<EmbeddedServer> fa = pool.submit(a::start);
      java.util.concurrent.Future<EmbeddedServer> fb = pool.submit(b::start);
      EmbeddedServer sa = fa.get(120, TimeUnit.SECONDS);
      EmbeddedServer sb = fb.get(120, TimeUnit.SECONDS);
      assertNotEquals(sa.port(), sb.port());
      for (EmbeddedServer s : List.of(sa, sb)) {
        try (Connection c = connect(s.spec())) {
          assertTrue(c.isValid(5));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void killedPostmasterRecovers() throws Exception {
    Path data = tmp.resolve("db");
    EmbeddedPostgres pg = manager(data, PortPicker.anyFreePort());
    EmbeddedServer first = pg.start();
    try (Connection c = connect(first.spec()); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (v text)");
      s.execute("INSERT INTO t VALUES ('committed')");
    }
    ProcessHandle postmaster = ProcessHandle.of(first.pid()).orElseThrow();
    // Only the postmaster dies here; its children exit on their own, maybe after the next start
    // began (the manager must cope with their shared memory still attached).
    assertTrue(postmaster.destroyForcibly());
    postmaster.onExit().get(30, TimeUnit.SECONDS);
    assertTrue(Files.exists(data.resolve("postmaster.pid")), "kill -9 leaves a stale pid file");
    assertFalse(pg.status().running());

    EmbeddedServer second = pg.start();
    assertFalse(second.reused());
    assertFalse(second.initialized());
    assertNotEquals(first.pid(), second.pid());
    try (Connection c = connect(second.spec()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM t")) {
      assertTrue(rs.next());
      assertEquals("committed", rs.getString(1));
    }
  }

  @Test
  void foreignDirectoryIsRefused() throws IOException {
    Path data = tmp.resolve("db");
    Files.createDirectories(data);
    Files.writeString(data.resolve("notes.txt"), "not a cluster");
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> manager(data, PortPicker.anyFreePort()).start());
    assertEquals(ErrorCode.EMBEDDED_SERVER, e.code());
    assertTrue(e.getMessage().contains("not a PostgreSQL data directory"), e.getMessage());
    assertTrue(Files.exists(data.resolve("notes.txt")), "the foreign files are left alone");
  }

  @Test
  void corruptClusterFailsWithLogLines() throws IOException {
    Path data = tmp.resolve("db");
    EmbeddedPostgres pg = manager(data, PortPicker.anyFreePort());
    pg.start();
    pg.stop();
    // Pretend the cluster was made by another major version.
    Files.writeString(data.resolve("PG_VERSION"), "9\n");
    PaperclipException e = assertThrows(PaperclipException.class, pg::start);
    assertEquals(ErrorCode.EMBEDDED_SERVER, e.code());
    String[] lines = e.getMessage().split("\n");
    assertTrue(lines[0].startsWith("the embedded PostgreSQL did not start on " + data), lines[0]);
    assertTrue(lines.length > 1, "log lines follow the first line");
    assertTrue(e.getMessage().contains("incompatible"), e.getMessage());
  }
}
