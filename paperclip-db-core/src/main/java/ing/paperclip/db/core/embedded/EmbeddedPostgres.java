package ing.paperclip.db.core.embedded;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.embedded.internal.BinaryInstaller;
import ing.paperclip.db.core.embedded.internal.BinaryInstaller.Binaries;
import ing.paperclip.db.core.embedded.internal.Ports;
import ing.paperclip.db.core.embedded.internal.PostmasterPid;
import ing.paperclip.db.core.embedded.internal.ProcessRunner;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL server on a persistent data directory: initdb on first use (UTF8, C
 * locale, password authentication, the superuser {@code paperclip}), the server listening on
 * 127.0.0.1 only at port 54329 or the next free one, the database created when missing. A server
 * already running on the data directory is reused (so separate CLI runs share one server); a
 * stale {@code postmaster.pid} left by a killed server is cleared. The server outlives this
 * object: call {@link #stop()} to shut it down.
 *
 * <p>Runs as root too: PostgreSQL's programs then run in a user namespace (see
 * {@code ProcessRunner}). Start failures carry the last lines of the server log.
 *
 * <p>Thread-safe; concurrent {@link #start()} calls in different processes are serialized by a
 * lock file next to the data directory.
 */
public final class EmbeddedPostgres {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final int PORT_ATTEMPTS = 5;

  private final EmbeddedPostgresConfig config;
  private final ProcessRunner runner;

  /** Creates a manager for one data directory; nothing starts until {@link #start()}. */
  public EmbeddedPostgres(EmbeddedPostgresConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.runner = new ProcessRunner();
  }

  /** Returns the configuration. */
  public EmbeddedPostgresConfig config() {
    return config;
  }

  /** Returns the server log file, {@code <data dir parent>/logs/postgres-<data dir name>.log}. */
  public Path logFile() {
    Path dir = config.dataDir();
    return dir.getParent().resolve("logs").resolve("postgres-" + dir.getFileName() + ".log");
  }

  /**
   * Starts the server, or finds it running, and makes sure the database exists.
   *
   * @return how the server came up
   * @throws PaperclipException {@link ErrorCode#EMBEDDED_SERVER} with the last log lines when it
   *     cannot start
   */
  public synchronized EmbeddedServer start() {
    long t0 = System.nanoTime();
    Path dataDir = config.dataDir();
    try {
      Files.createDirectories(dataDir.getParent());
      Files.createDirectories(logFile().getParent());
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot create " + dataDir.getParent()
          + ": " + e.getMessage() + "; check permissions or choose another data directory", e);
    }
    try (FileChannel ch = FileChannel.open(dataDir.resolveSibling("." + dataDir.getFileName() + ".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = ch.lock();
      try {
        return startLocked(t0);
      } finally {
        lock.release();
      }
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot lock " + dataDir + ": "
          + e.getMessage(), e);
    }
  }

  private EmbeddedServer startLocked(long t0) {
    Path dataDir = config.dataDir();
    Binaries bin = BinaryInstaller.resolve(config.installDir(), config.cacheDir());
    boolean initialized = false;
    if (!Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
      if (Files.isDirectory(dataDir) && !isEmptyDir(dataDir)) {
        throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, dataDir + " exists but is not a "
            + "PostgreSQL data directory (no PG_VERSION); move it away or configure another "
            + "database.embeddedPostgresDataDir");
      }
      initdb(bin);
      initialized = true;
    } else {
      checkMajor(bin);
      Optional<PostmasterPid> pid = PostmasterPid.read(dataDir);
      if (pid.isPresent()) {
        if (pid.get().isLivePostgres()) {
          int port = pid.get().port();
          if (waitForConnections(port, config.startTimeout())) {
            ensureDatabase(port);
            LOG.info("reusing the embedded PostgreSQL already running on port {} (pid {})", port, pid.get().pid());
            return server(bin, port, pid.get().pid(), false, true, t0);
          }
          throw failure("a PostgreSQL server (pid " + pid.get().pid() + ") holds " + dataDir
              + " but does not accept connections on port " + port + "; stop it with "
              + "'paperclipai db stop' or kill it", null);
        }
        LOG.warn("removing stale {} of a server that is no longer running (pid {})",
            PostmasterPid.FILE, pid.get().pid());
        try {
          Files.deleteIfExists(dataDir.resolve(PostmasterPid.FILE));
        } catch (IOException e) {
          throw failure("cannot remove the stale " + dataDir.resolve(PostmasterPid.FILE) + ": "
              + e.getMessage(), e);
        }
      }
    }
    int port = Ports.choose(config.preferredPort());
    // Another process may take the port between the probe and the postmaster's bind (two
    // instances starting at once): then try the next free port, a few times.
    for (int attempt = 1; ; attempt++) {
      long logStart = logSize();
      List<String> cmd = List.of(bin.bin("pg_ctl").toString(), "start", "-D", dataDir.toString(),
          "-l", logFile().toString(), "-w", "-t", Long.toString(Math.max(5, config.startTimeout().toSeconds())),
          "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''");
      ProcessRunner.Result r = runner.run(cmd, config.startTimeout().toSeconds() + 15);
      if (r.exitCode() == 0) {
        break;
      }
      if (attempt < PORT_ATTEMPTS && logSince(logStart).contains("could not create any TCP/IP sockets")) {
        LOG.info("port {} was taken meanwhile; retrying on another port", port);
        port = Ports.choose(port + 1);
        continue;
      }
      throw failure("the embedded PostgreSQL did not start on port " + port + " (pg_ctl exit "
          + r.exitCode() + "); see " + logFile(), null);
    }
    if (port != config.preferredPort()) {
      LOG.info("port {} is taken; the embedded PostgreSQL uses port {}", config.preferredPort(), port);
    }
    long pid = PostmasterPid.read(dataDir).map(PostmasterPid::pid).orElse(-1L);
    ensureDatabase(port);
    return server(bin, port, pid, initialized, false, t0);
  }

  /**
   * Stops the server running on the data directory (fast shutdown: sessions are disconnected).
   *
   * @return whether a server was running
   */
  public synchronized boolean stop() {
    Optional<PostmasterPid> pid = PostmasterPid.read(config.dataDir());
    if (pid.isEmpty() || !pid.get().isLivePostgres()) {
      return false;
    }
    Binaries bin = BinaryInstaller.resolve(config.installDir(), config.cacheDir());
    ProcessRunner.Result r = runner.run(List.of(bin.bin("pg_ctl").toString(), "stop", "-D",
        config.dataDir().toString(), "-m", "fast", "-w", "-t", "60"), 75);
    if (r.exitCode() != 0) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "the embedded PostgreSQL (pid "
          + pid.get().pid() + ") did not stop: " + lastLine(r.output()) + "; try again or kill it");
    }
    LOG.info("stopped the embedded PostgreSQL (pid {})", pid.get().pid());
    return true;
  }

  /**
   * Tells whether a server runs on the data directory, and where.
   *
   * @return the live server's lock file contents, or empty
   */
  public Optional<PostmasterPid> running() {
    return PostmasterPid.read(config.dataDir()).filter(PostmasterPid::isLivePostgres);
  }

  private void initdb(Binaries bin) {
    Path dataDir = config.dataDir();
    Path tmp = dataDir.resolveSibling("." + dataDir.getFileName() + ".initdb-" + UUID.randomUUID());
    Path pwfile = null;
    try {
      pwfile = Files.createTempFile(dataDir.getParent(), ".pw-", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(pwfile, config.password() + "\n", StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      ProcessRunner.Result r = runner.run(List.of(bin.bin("initdb").toString(), "-D", tmp.toString(),
          "-U", config.user(), "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C",
          "-A", "scram-sha-256", "--no-instructions"), 180);
      if (r.exitCode() != 0) {
        throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "initdb failed for " + dataDir
            + ": " + lastLine(r.output()) + "; check free space and permissions\n" + tail(r.output(), 20));
      }
      if (Files.isDirectory(dataDir)) {
        Files.delete(dataDir);
      }
      Files.move(tmp, dataDir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      LOG.info("initialized embedded PostgreSQL data directory {} in {} ms", dataDir,
          (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot initialize " + dataDir + ": "
          + e.getMessage() + "; check free space and permissions", e);
    } finally {
      try {
        if (pwfile != null) {
          Files.deleteIfExists(pwfile);
        }
        deleteTree(tmp);
      } catch (IOException ignored) {
        // best effort cleanup of a failed initdb
      }
    }
  }

  private void checkMajor(Binaries bin) {
    try {
      String v = Files.readString(config.dataDir().resolve("PG_VERSION")).strip();
      if (Integer.parseInt(v) != bin.major()) {
        throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "the data directory " + config.dataDir()
            + " was created by PostgreSQL " + v + " but the embedded binaries are " + bin.version()
            + "; back it up with that version (pg_dump) and restore it into a new data directory");
      }
    } catch (IOException | NumberFormatException e) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot read PG_VERSION in "
          + config.dataDir() + ": " + e.getMessage(), e);
    }
  }

  private boolean waitForConnections(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (port > 0 && Ports.accepts(port, 500)) {
        try (Connection c = connect(port, "postgres")) {
          return c.isValid(5);
        } catch (SQLException e) {
          if (!"57P03".equals(e.getSQLState())) {
            return false;
          }
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private void ensureDatabase(int port) {
    try (Connection c = connect(port, "postgres");
        PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, config.database());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + SqlIdentifiers.quote(config.database())
                + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
          } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) {
              throw e;
            }
          }
          LOG.info("created database {}", config.database());
        }
      }
    } catch (SQLException e) {
      throw failure("cannot prepare database " + config.database() + " on the embedded server (port "
          + port + "): " + e.getMessage(), e);
    }
  }

  private Connection connect(int port, String db) throws SQLException {
    ConnectionSpec spec = spec(port).withDatabase(db);
    java.util.Properties p = spec.driverProperties();
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(spec.jdbcUrl(), p);
  }

  private ConnectionSpec spec(int port) {
    return new ConnectionSpec("127.0.0.1", port, config.database(), config.user(), config.password(), Map.of());
  }

  private EmbeddedServer server(Binaries bin, int port, long pid, boolean initialized, boolean reused, long t0) {
    return new EmbeddedServer(spec(port), config.dataDir(), port, pid, bin.version(), initialized,
        reused, Duration.ofNanos(System.nanoTime() - t0));
  }

  private long logSize() {
    try {
      return Files.isRegularFile(logFile()) ? Files.size(logFile()) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Returns the server log text written after byte {@code offset}; "" when unreadable. */
  private String logSince(long offset) {
    try (java.io.InputStream in = Files.newInputStream(logFile())) {
      in.skipNBytes(offset);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private PaperclipException failure(String message, Throwable cause) {
    String log = "";
    try {
      if (Files.isRegularFile(logFile())) {
        List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
        log = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      }
    } catch (IOException ignored) {
      log = "(server log unreadable)";
    }
    return new PaperclipException(ErrorCode.EMBEDDED_SERVER,
        log.isEmpty() ? message : message + "\nlast lines of " + logFile() + ":\n" + log, cause);
  }

  private static boolean isEmptyDir(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(s.toList());
      java.util.Collections.reverse(all);
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines.length == 0 ? "" : lines[lines.length - 1];
  }

  private static String tail(String output, int n) {
    String[] lines = output.strip().split("\n");
    return String.join("\n", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - n), lines.length));
  }
}
