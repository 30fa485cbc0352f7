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
import java.util.concurrent.TimeUnit;
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

  private static String query(EmbeddedServer s, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(s.spec().jdbcUrl(), s.spec().driverProperties());
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
