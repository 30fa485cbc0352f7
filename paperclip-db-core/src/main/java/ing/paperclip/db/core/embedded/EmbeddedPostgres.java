package ing.paperclip.db.core.embedded;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.embedded.internal.LogTail;
import ing.paperclip.db.core.embedded.internal.PidFile;
import ing.paperclip.db.core.embedded.internal.PortPicker;
import ing.paperclip.db.core.embedded.internal.PostgresBinaries;
import ing.paperclip.db.core.embedded.internal.ServerProcess;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manages one embedded PostgreSQL server on a data directory: initdb on first use, start on
 * 127.0.0.1 (TCP only, scram-sha-256 password auth), reuse of a server already running on the
 * data directory (so it persists across CLI invocations), clean stop and status.
 *
 * <p>Works as root by running the PostgreSQL programs in a user namespace (see
 * {@code ServerProcess}). Thread-safe: start and stop hold a file lock next to the data directory,
 * which also serializes concurrent processes.
 */
public final class EmbeddedPostgres {
  /** The host the embedded server listens on. */
  public static final String HOST = "127.0.0.1";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final int LOG_LINES = 20;
  private static final int START_ATTEMPTS = 6;

  private enum Retry { NONE, OTHER_PORT, LATER }

  private final EmbeddedPostgresConfig config;
  private final ServerProcess process;
  private final PortPicker ports;

  /**
   * Creates a manager; nothing is started or extracted yet.
   *
   * @param config the configuration, not null
   */
  public EmbeddedPostgres(EmbeddedPostgresConfig config) {
    this.config = java.util.Objects.requireNonNull(config, "config");
    this.process = new ServerProcess();
    this.ports = new PortPicker();
  }

  /** Returns the configuration. */
  public EmbeddedPostgresConfig config() {
    return config;
  }

  /**
   * Starts the server, or reuses one already running on the data directory. Runs initdb when the
   * data directory is missing or empty, and creates the configured database when missing.
   *
   * @return the running server
   * @throws PaperclipException EMBEDDED_SERVER when the binaries, initdb or the start fail; the
   *     message's first line says what failed, the last server log lines follow
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never referenced
  public EmbeddedServer start() {
    long t0 = System.nanoTime();
    Path dataDir = config.dataDir();
    try (FileChannel ch = lockChannel(); FileLock lock = ch.lock()) {
      Optional<PidFile> pid = PidFile.read(dataDir);
      if (pid.isPresent()) {
        if (pid.get().alive() && pid.get().port() > 0 && canConnect(spec(pid.get().port(), "postgres"))) {
          ensureDatabase(pid.get().port());
          LOG.info("reusing the embedded PostgreSQL running on {}:{} (pid {}, data {})", HOST,
              pid.get().port(), pid.get().pid(), dataDir);
          return new EmbeddedServer(HOST, pid.get().port(), spec(pid.get().port(), config.database()),
              false, true, elapsed(t0), pid.get().pid());
        }
        if (pid.get().alive()) {
          throw failure("a process (pid " + pid.get().pid() + ") holds " + dataDir
              + " but does not accept connections: stop it or remove the data directory's postmaster.pid");
        }
        LOG.info("removing the stale postmaster.pid of {} (pid {} is gone)", dataDir, pid.get().pid());
        Files.deleteIfExists(dataDir.resolve(PidFile.NAME));
      }
      PostgresBinaries bin = binaries();
      boolean initialized = false;
      if (!Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
        initdb(bin);
        initialized = true;
      }
      int port = ports.pick(config.preferredPort());
      // Another process may grab the port between the probe and the postmaster's bind: retry.
      // After a kill -9 the old backends may hold the shared memory a moment longer: wait, retry.
      for (int attempt = 1; ; attempt++) {
        Retry retry = pgCtlStart(bin, port, attempt < START_ATTEMPTS);
        if (retry == Retry.NONE) {
          break;
        } else if (retry == Retry.OTHER_PORT) {
          LOG.info("port {} was taken meanwhile; retrying on another port", port);
          port = ports.pick(port + 1);
        } else {
          LOG.info("the old server's processes still hold its shared memory; retrying in 1s");
          sleep();
        }
      }
      if (port != config.preferredPort()) {
        LOG.info("port {} is taken; the embedded PostgreSQL uses port {}", config.preferredPort(), port);
      }
      PidFile started = PidFile.read(dataDir).orElseThrow(() -> failure(
          "the embedded PostgreSQL started but wrote no postmaster.pid in " + dataDir));
      ensureDatabase(port);
      Duration took = elapsed(t0);
      LOG.info("embedded PostgreSQL {} listening on {}:{} (pid {}, data {}, {} ms{})",
          bin.home().getFileName(), HOST, port, started.pid(), dataDir, took.toMillis(),
          initialized ? ", new cluster" : "");
      return new EmbeddedServer(HOST, port, spec(port, config.database()), initialized, false, took,
          started.pid());
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot start the embedded PostgreSQL on "
          + dataDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops the server running on the data directory with {@code pg_ctl stop -m fast}.
   *
   * @return true when a server was running and stopped, false when none was running
   * @throws PaperclipException EMBEDDED_SERVER when the stop fails
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never referenced
  public boolean stop() {
    Path dataDir = config.dataDir();
    try (FileChannel ch = lockChannel(); FileLock lock = ch.lock()) {
      Optional<PidFile> pid = PidFile.read(dataDir);
      if (pid.isEmpty()) {
        return false;
      }
      if (!pid.get().alive()) {
        Files.deleteIfExists(dataDir.resolve(PidFile.NAME));
        return false;
      }
      Path out = config.logFile().resolveSibling("pg_ctl.out");
      int rc = process.run(List.of(binaries().bin("pg_ctl").toString(), "stop", "-D", dataDir.toString(),
          "-m", "fast", "-w", "-t", Long.toString(config.startTimeout().toSeconds())), out,
          config.startTimeout().toSeconds() + 10);
      if (rc != 0) {
        throw failure("pg_ctl stop failed (exit " + rc + ") on " + dataDir + ": "
            + oneLine(ServerProcess.readQuietly(out)));
      }
      LOG.info("stopped the embedded PostgreSQL (pid {}, data {})", pid.get().pid(), dataDir);
      return true;
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot stop the embedded PostgreSQL on "
          + dataDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reports whether a server runs on the data directory. Never starts anything.
   *
   * @return the status
   */
  public EmbeddedStatus status() {
    Path dataDir = config.dataDir();
    boolean initialized = Files.isRegularFile(dataDir.resolve("PG_VERSION"));
    try {
      Optional<PidFile> pid = PidFile.read(dataDir);
      if (pid.isPresent() && pid.get().alive() && pid.get().port() > 0
          && canConnect(spec(pid.get().port(), "postgres"))) {
        return new EmbeddedStatus(true, OptionalInt.of(pid.get().port()), OptionalLong.of(pid.get().pid()),
            initialized);
      }
    } catch (IOException e) {
      LOG.debug("cannot read postmaster.pid of {}: {}", dataDir, e.toString());
    }
    return new EmbeddedStatus(false, OptionalInt.empty(), OptionalLong.empty(), initialized);
  }

  private FileChannel lockChannel() throws IOException {
    Path dataDir = config.dataDir();
    Files.createDirectories(dataDir.getParent());
    return FileChannel.open(dataDir.resolveSibling("." + dataDir.getFileName() + ".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private PostgresBinaries binaries() {
    return config.systemInstallation().map(PostgresBinaries::system)
        .orElseGet(() -> PostgresBinaries.bundled(config.cacheDir()));
  }

  private void initdb(PostgresBinaries bin) throws IOException {
    Path dataDir = config.dataDir();
    if (Files.isDirectory(dataDir)) {
      try (Stream<Path> s = Files.list(dataDir)) {
        if (s.findAny().isPresent()) {
          throw failure(dataDir + " is not empty and is not a PostgreSQL data directory (no PG_VERSION):"
              + " point the data directory elsewhere or empty it");
        }
      }
    }
    Path out = config.logFile().resolveSibling("initdb.out");
    Path pwFile = Files.createTempFile(dataDir.getParent(), ".pw", ".tmp");
    try {
      Files.writeString(pwFile, config.password() + "\n", StandardCharsets.UTF_8);
      int rc = process.run(List.of(bin.bin("initdb").toString(), "-D", dataDir.toString(),
          "-U", config.user(), "--pwfile=" + pwFile, "-E", "UTF8", "--locale=C",
          "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--no-instructions"), out,
          Math.max(120, config.startTimeout().toSeconds()));
      if (rc != 0) {
        throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "initdb failed (exit " + rc + ") on "
            + dataDir + ": check the lines below, free space and permissions\n"
            + LogTail.of(out, LOG_LINES));
      }
    } finally {
      Files.deleteIfExists(pwFile);
    }
    LOG.info("initialized a new PostgreSQL cluster in {}", dataDir);
  }

  /**
   * Runs {@code pg_ctl start}. When {@code mayRetry}, returns what to retry if the postmaster could
   * not bind the port or found the old shared memory still in use; throws on any other failure.
   */
  private Retry pgCtlStart(PostgresBinaries bin, int port, boolean mayRetry) throws IOException {
    Path dataDir = config.dataDir();
    Files.createDirectories(config.logFile().getParent());
    long logStart = Files.isRegularFile(config.logFile()) ? Files.size(config.logFile()) : 0;
    Path out = config.logFile().resolveSibling("pg_ctl.out");
    String opts = "-p " + port + " -c listen_addresses=" + HOST + " -c unix_socket_directories=''";
    long timeout = config.startTimeout().toSeconds();
    int rc = process.run(List.of(bin.bin("pg_ctl").toString(), "start", "-D", dataDir.toString(),
        "-l", config.logFile().toString(), "-w", "-t", Long.toString(timeout), "-o", opts), out,
        timeout + 10);
    if (rc == 0) {
      return Retry.NONE;
    }
    String log = LogTail.since(config.logFile(), logStart);
    if (mayRetry && log.contains("could not create any TCP/IP sockets")) {
      return Retry.OTHER_PORT;
    }
    if (mayRetry && log.contains("pre-existing shared memory block")) {
      return Retry.LATER;
    }
    String tail = LogTail.of(config.logFile(), LOG_LINES);
    throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "the embedded PostgreSQL did not start on "
        + dataDir + " (port " + port + ", pg_ctl exit " + rc + "): see the server log "
        + config.logFile() + ", last lines below\n"
        + (tail.isEmpty() ? ServerProcess.readQuietly(out) : tail));
  }

  private void ensureDatabase(int port) {
    try (Connection c = connect(spec(port, "postgres"));
        PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, config.database());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + SqlIdentifiers.quote(config.database()));
      }
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot create database "
          + config.database() + " on the embedded PostgreSQL at port " + port + ": " + e.getMessage()
          + "\n" + LogTail.of(config.logFile(), LOG_LINES), e);
    }
  }

  private ConnectionSpec spec(int port, String database) {
    return new ConnectionSpec(HOST, port, database, config.user(), config.password(), Map.of());
  }

  private static Connection connect(ConnectionSpec spec) throws SQLException {
    return DriverManager.getConnection(spec.jdbcUrl(), spec.driverProperties());
  }

  private static boolean canConnect(ConnectionSpec spec) {
    try (Connection c = connect(spec)) {
      return c.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  private PaperclipException failure(String firstLine) {
    String tail = LogTail.of(config.logFile(), LOG_LINES);
    return new PaperclipException(ErrorCode.EMBEDDED_SERVER, tail.isEmpty() ? firstLine : firstLine + "\n" + tail);
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').strip();
  }

  private static void sleep() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "interrupted while starting the embedded PostgreSQL", e);
    }
  }

  private static Duration elapsed(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }
}
