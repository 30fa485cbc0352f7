package ing.paperclip.db.core.embedded;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run one embedded PostgreSQL server. Immutable and thread-safe; build it with
 * {@link #builder(Path)}. {@link #toString()} never prints the password.
 *
 * @param dataDir the PostgreSQL data directory (created by initdb when missing or empty)
 * @param logFile the server log file (default {@code <dataDir>/../logs/postgres.log})
 * @param preferredPort the port tried first, 1..65535 (default {@value #DEFAULT_PORT})
 * @param user the superuser created by initdb (default {@code paperclip})
 * @param password the superuser's password for TCP (scram-sha-256) logins
 * @param database the database created when missing (default {@code paperclip})
 * @param systemInstallation a directory holding {@code bin/initdb}, {@code bin/pg_ctl} and
 *     {@code bin/postgres} (e.g. {@code /usr/lib/postgresql/15}); empty = the bundled binaries
 * @param cacheDir where the bundled binaries are extracted (a versioned sub-directory is used)
 * @param startTimeout how long start and stop may take
 */
public record EmbeddedPostgresConfig(
    Path dataDir, Path logFile, int preferredPort, String user, String password, String database,
    Optional<Path> systemInstallation, Path cacheDir, Duration startTimeout) {

  /** The port tried first unless configured otherwise. */
  public static final int DEFAULT_PORT = 54329;
  /** Default user, password and database name. */
  public static final String DEFAULT_NAME = "paperclip";

  /** Validates. */
  public EmbeddedPostgresConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(logFile, "logFile");
    Objects.requireNonNull(systemInstallation, "systemInstallation");
    Objects.requireNonNull(cacheDir, "cacheDir");
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (preferredPort < 1 || preferredPort > 65535) {
      throw invalid("embedded port " + preferredPort + " is out of range: use 1..65535");
    }
    if (user == null || user.isBlank() || password == null || password.isEmpty()
        || database == null || database.isBlank()) {
      throw invalid("embedded user, password and database must not be empty");
    }
    if (startTimeout.isNegative() || startTimeout.toSeconds() < 1) {
      throw invalid("embedded start timeout " + startTimeout + " is too short: use at least 1s");
    }
    dataDir = dataDir.toAbsolutePath().normalize();
    logFile = logFile.toAbsolutePath().normalize();
    cacheDir = cacheDir.toAbsolutePath().normalize();
  }

  /**
   * Starts a builder with defaults for everything but the data directory.
   *
   * @param dataDir the data directory, not null
   * @return a new builder (not thread-safe)
   */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  @Override
  public String toString() {
    return "EmbeddedPostgresConfig[dataDir=" + dataDir + ", logFile=" + logFile
        + ", preferredPort=" + preferredPort + ", user=" + user + ", password=***, database="
        + database + ", systemInstallation=" + systemInstallation.map(Path::toString).orElse("bundled")
        + ", cacheDir=" + cacheDir + ", startTimeout=" + startTimeout + "]";
  }

  private static PaperclipException invalid(String message) {
    return new PaperclipException(ErrorCode.CONFIGURATION, message);
  }

  /** Builder of {@link EmbeddedPostgresConfig}; not thread-safe. */
  public static final class Builder {
    private final Path dataDir;
    private Path logFile;
    private int preferredPort = DEFAULT_PORT;
    private String user = DEFAULT_NAME;
    private String password = DEFAULT_NAME;
    private String database = DEFAULT_NAME;
    private Path systemInstallation;
    private Path cacheDir;
    private Duration startTimeout = Duration.ofSeconds(60);

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
    }

    /** Sets the server log file. */
    public Builder logFile(Path value) {
      this.logFile = value;
      return this;
    }

    /** Sets the port tried first. */
    public Builder preferredPort(int value) {
      this.preferredPort = value;
      return this;
    }

    /** Sets the superuser name. */
    public Builder user(String value) {
      this.user = value;
      return this;
    }

    /** Sets the superuser password. */
    public Builder password(String value) {
      this.password = value;
      return this;
    }

    /** Sets the database created when missing. */
    public Builder database(String value) {
      this.database = value;
      return this;
    }

    /** Uses a PostgreSQL installation directory instead of the bundled binaries; null = bundled. */
    public Builder systemInstallation(Path value) {
      this.systemInstallation = value;
      return this;
    }

    /** Sets where bundled binaries are extracted (default {@code ~/.paperclip/runtime}). */
    public Builder cacheDir(Path value) {
      this.cacheDir = value;
      return this;
    }

    /** Sets the start/stop timeout. */
    public Builder startTimeout(Duration value) {
      this.startTimeout = value;
      return this;
    }

    /** Builds and validates the config. */
    public EmbeddedPostgresConfig build() {
      Path log = logFile != null ? logFile : dataDir.resolveSibling("logs").resolve("postgres.log");
      Path cache = cacheDir != null ? cacheDir
          : Path.of(System.getProperty("user.home"), ".paperclip", "runtime");
      return new EmbeddedPostgresConfig(dataDir, log, preferredPort, user, password, database,
          Optional.ofNullable(systemInstallation), cache, startTimeout);
    }
  }
}
