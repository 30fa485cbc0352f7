package ing.paperclip.db.core.embedded;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.embedded.internal.BinaryInstaller;
import ing.paperclip.db.core.embedded.internal.BinaryInstaller.Binaries;
import ing.paperclip.db.core.embedded.internal.CredentialsFile;
import ing.paperclip.db.core.embedded.internal.Ports;
import ing.paperclip.db.core.embedded.internal.PostmasterPid;
import ing.paperclip.db.core.embedded.internal.ProcessRunner;
import ing.paperclip.db.core.embedded.internal.RoleSetup;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.settings.PrivateFiles;
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
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL server on a persistent data directory: initdb on first use (UTF8, C
 * locale, SCRAM password authentication), the server listening on 127.0.0.1 only (no Unix socket)
 * at port 54329 or the next free one, the database created when missing. A server
 * already running on the data directory is reused (so separate CLI runs share one server); a
 * stale {@code postmaster.pid} left by a killed server is cleared. The server outlives this
 * object: call {@link #stop()} to shut it down.
 *
 * <p>Two roles, each with a random password made with the data directory and kept in its
 * {@code paperclip.pgpass} (mode 0600, never printed): the superuser {@code paperclip}, used only
 * here and for {@link EmbeddedServer#adminSpec()}, and the runtime role {@code paperclip_app},
 * which is not a superuser and owns the database ({@link EmbeddedServer#spec()}). The server runs
 * as the calling OS user, so a superuser login would be a shell as that user for anyone who can
 * reach the port: no password is fixed or guessable. Data directories made by earlier versions
 * (superuser {@code paperclip} with the password {@code paperclip}, owning everything) are moved
 * over on their next start: new passwords, the runtime role, the database and its objects handed
 * to it (see {@code RoleSetup}).
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
  /** The superuser password of data directories made before passwords were random. */
  private static final String LEGACY_PASSWORD = "paperclip";

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
   * Returns the PostgreSQL majors this process can run from bundled binaries: one per
   * {@code paperclip-db-embedded} artifact on the classpath ({@code paperclip-db-embedded} for 18,
   * {@code paperclip-db-embedded-15}, {@code -16}, {@code -17}), ascending. Without
   * {@link EmbeddedPostgresConfig.Builder#postgresMajor} a server runs the last (newest).
   *
   * @throws PaperclipException {@link ErrorCode#CONFIGURATION} when two builds of one major are
   *     on the classpath
   */
  public static SortedSet<Integer> bundledMajors() {
    return BinaryInstaller.bundledMajors();
  }

  /**
   * Starts the server, or finds it running, and makes sure the database exists.
   *
   * @return how the server came up
   * @throws PaperclipException {@link ErrorCode#EMBEDDED_SERVER} with the last log lines when it
   *     cannot start; {@link ErrorCode#CONFIGURATION} naming {@code paperclip-db-embedded}, before
   *     anything is written, when no installation is configured and that artifact is missing
   */
  public synchronized EmbeddedServer start() {
    long t0 = System.nanoTime();
    if (config.installDir().isEmpty()) {
      BinaryInstaller.requireBundled(config.postgresMajor());
    }
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
    Binaries bin = BinaryInstaller.resolve(config.installDir(), config.cacheDir(), config.postgresMajor());
    boolean initialized = false;
    int major = bin.major();
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
            Prepared ready = prepare(port, major);
            LOG.info("reusing the embedded PostgreSQL already running on port {} (pid {})", port, pid.get().pid());
            return server(bin, port, pid.get().pid(), false, true, t0, ready);
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
    Prepared ready = prepare(port, major);
    return server(bin, port, pid, initialized, false, t0, ready);
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
    Binaries bin = BinaryInstaller.resolve(config.installDir(), config.cacheDir(), config.postgresMajor());
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
   * @return the live server's pid and port, or empty
   */
  public Optional<RunningServer> running() {
    return PostmasterPid.read(config.dataDir()).filter(PostmasterPid::isLivePostgres)
        .map(p -> new RunningServer(p.pid(), p.port()));
  }

  private void initdb(Binaries bin) {
    Path dataDir = config.dataDir();
    Path tmp = dataDir.resolveSibling("." + dataDir.getFileName() + ".initdb-" + UUID.randomUUID());
    Path staged = dataDir.resolveSibling("." + dataDir.getFileName() + ".pgpass-" + UUID.randomUUID());
    Path pwfile = null;
    try {
      // The passwords exist before the cluster does and move into it with the data directory.
      CredentialsFile creds = CredentialsFile.create(staged, config.user(), config.runtimeUser());
      pwfile = Files.createTempFile(dataDir.getParent(), ".pw-", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(pwfile, creds.password(config.user()) + "\n", StandardCharsets.UTF_8);
      long t0 = System.nanoTime();
      ProcessRunner.Result r = runner.run(List.of(bin.bin("initdb").toString(), "-D", tmp.toString(),
          "-U", config.user(), "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C",
          "-A", "scram-sha-256", "--no-instructions"), 180);
      if (r.exitCode() != 0) {
        throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "initdb failed for " + dataDir
            + ": " + lastLine(r.output()) + "; check free space and permissions\n" + tail(r.output(), 20));
      }
      Files.move(staged, CredentialsFile.in(tmp));
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
        Files.deleteIfExists(staged);
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
        // the file's password when there is one, so a healthy start leaves no failed login in the log
        Path file = CredentialsFile.in(config.dataDir());
        String password = PrivateFiles.exists(file) ? CredentialsFile.read(file).password(config.user()) : LEGACY_PASSWORD;
        try (Connection c = connect(adminSpec(port, password).withDatabase("postgres"))) {
          return c.isValid(5);
        } catch (SQLException e) {
          String state = e.getSQLState();
          if (state != null && state.startsWith("28")) {
            return true; // it answers; which password is right is prepare()'s business
          }
          if (!"57P03".equals(state)) {
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

  /**
   * Makes the running cluster what this version expects: the credentials file, the superuser's
   * random password (replacing the fixed one of earlier versions), the non-superuser runtime role
   * owning the database and, for data directories of earlier versions, everything in it.
   *
   * @return the credentials and notes for the operator
   */
  private Prepared prepare(int port, int major) {
    Path file = CredentialsFile.in(config.dataDir());
    CredentialsFile creds = PrivateFiles.exists(file) ? CredentialsFile.read(file)
        : CredentialsFile.create(file, config.user(), config.runtimeUser());
    String admin = config.user();
    String runtime = config.runtimeUser();
    boolean legacy = false;
    String step = "log in as the superuser";
    try {
      Connection c;
      try {
        c = connect(adminSpec(port, creds.password(admin)).withDatabase("postgres"));
      } catch (SQLException e) {
        if (!"28P01".equals(e.getSQLState())) {
          throw e;
        }
        c = legacyLogin(port, file);
        legacy = true;
      }
      String database;
      try (Connection a = c) {
        if (legacy) {
          step = "replace the fixed superuser password";
          RoleSetup.setPassword(a, admin, creds.password(admin));
        }
        step = "create the runtime role " + runtime;
        RoleSetup.ensureRuntimeRole(a, runtime, creds.password(runtime), major);
        step = "prepare database " + config.database();
        database = RoleSetup.ensureDatabase(a, config.database(), runtime);
      }
      int moved = 0;
      if (legacy || "transferred".equals(database)) {
        step = "hand the objects of database " + config.database() + " to " + runtime;
        try (Connection a = connect(adminSpec(port, creds.password(admin)))) {
          a.setAutoCommit(false);
          moved = RoleSetup.transferOwnership(a, admin, runtime);
          RoleSetup.grantMemberships(a, admin, runtime, major);
          a.commit();
        }
      }
      step = "log in as " + runtime;
      checkRuntimeLogin(port, creds);
      if ("created".equals(database)) {
        LOG.info("created database {} owned by {}", config.database(), runtime);
      }
      String owned = "the database " + config.database() + (moved > 0 ? " and its " + moved + " objects" : "")
          + " now belong to " + runtime + ", which is not a superuser";
      if (legacy) {
        return new Prepared(creds, List.of("the embedded PostgreSQL in " + config.dataDir() + " was made by an "
            + "earlier version with a fixed superuser password: it now has random passwords (in " + file + "), and "
            + owned));
      }
      return new Prepared(creds, "transferred".equals(database) ? List.of(owned) : List.of());
    } catch (SQLException e) {
      throw failure("cannot " + step + " on the embedded server (port " + port + "): " + e.getMessage(), e);
    }
  }

  private Connection legacyLogin(int port, Path file) throws SQLException {
    try {
      return connect(adminSpec(port, LEGACY_PASSWORD).withDatabase("postgres"));
    } catch (SQLException e) {
      if ("28P01".equals(e.getSQLState())) {
        throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "the superuser " + config.user()
            + " of the embedded PostgreSQL in " + config.dataDir() + " does not accept the password in " + file
            + "; if that file was replaced or deleted, restore it from a backup of the instance", e);
      }
      throw e;
    }
  }

  /** Logs in as the runtime role; a password that does not match the file (a crash between the two) is set again. */
  private void checkRuntimeLogin(int port, CredentialsFile creds) throws SQLException {
    ConnectionSpec spec = runtimeSpec(port, creds.password(config.runtimeUser()));
    try {
      connect(spec).close();
      return;
    } catch (SQLException e) {
      if (!"28P01".equals(e.getSQLState())) {
        throw e;
      }
    }
    try (Connection a = connect(adminSpec(port, creds.password(config.user())).withDatabase("postgres"))) {
      RoleSetup.setPassword(a, config.runtimeUser(), creds.password(config.runtimeUser()));
    }
    connect(spec).close();
    LOG.info("reset the password of {} to the one in {}", config.runtimeUser(), creds.file());
  }

  private static Connection connect(ConnectionSpec spec) throws SQLException {
    java.util.Properties p = spec.driverProperties();
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(spec.jdbcUrl(), p);
  }

  private ConnectionSpec adminSpec(int port, String password) {
    return new ConnectionSpec("127.0.0.1", port, config.database(), config.user(), password, Map.of());
  }

  private ConnectionSpec runtimeSpec(int port, String password) {
    return new ConnectionSpec("127.0.0.1", port, config.database(), config.runtimeUser(), password, Map.of());
  }

  /** What {@link #prepare} leaves: the passwords and what to tell the operator. */
  private record Prepared(CredentialsFile creds, List<String> notes) {}

  private EmbeddedServer server(Binaries bin, int port, long pid, boolean initialized, boolean reused, long t0,
      Prepared ready) {
    CredentialsFile creds = ready.creds();
    return new EmbeddedServer(runtimeSpec(port, creds.password(config.runtimeUser())),
        adminSpec(port, creds.password(config.user())), creds.file(), config.dataDir(), port, pid, bin.version(),
        initialized, reused, Duration.ofNanos(System.nanoTime() - t0), ready.notes());
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
