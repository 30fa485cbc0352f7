package ing.paperclip.db.core.embedded;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How to run an embedded PostgreSQL server. Build with {@link #builder(Path, Path)}.
 *
 * @param dataDir the server's data directory (created by initdb when missing)
 * @param preferredPort the port to use when free (default 54329); otherwise the next free one
 * @param user the superuser created by initdb (default {@code paperclip}), kept for role
 *     management and restores that need it; its random password is in the data directory
 * @param runtimeUser the login role applications, migrations and plugins use (default
 *     {@code paperclip_app}): not a superuser, owner of the database; random password as well
 * @param database the database created when missing (default {@code paperclip})
 * @param cacheDir where bundled binaries are extracted (e.g. {@code ~/.paperclip/runtime})
 * @param installDir a system PostgreSQL installation holding {@code bin/initdb},
 *     {@code bin/pg_ctl} and {@code bin/postgres}, used instead of the bundled binaries
 * @param startTimeout how long to wait for the server to accept connections (default 60 s)
 * @param postgresMajor the PostgreSQL major of the bundled binaries to run (16 needs
 *     {@code ing.paperclip:paperclip-db-embedded-16} on the classpath); empty: the newest bundled
 */
public record EmbeddedPostgresConfig(Path dataDir, int preferredPort, String user, String runtimeUser,
    String database, Path cacheDir, Optional<Path> installDir, Duration startTimeout, OptionalInt postgresMajor) {

  /** The default port. */
  public static final int DEFAULT_PORT = 54329;

  /** Validates. */
  public EmbeddedPostgresConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    dataDir = dataDir.toAbsolutePath().normalize();
    Objects.requireNonNull(cacheDir, "cacheDir");
    cacheDir = cacheDir.toAbsolutePath().normalize();
    Objects.requireNonNull(installDir, "installDir");
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(postgresMajor, "postgresMajor");
    if (postgresMajor.isPresent() && (postgresMajor.getAsInt() < 10 || postgresMajor.getAsInt() > 99)) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "embedded PostgreSQL major "
          + postgresMajor.getAsInt() + " is not a PostgreSQL major version: use e.g. 16 or 18");
    }
    if (preferredPort < 1 || preferredPort > 65535) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "embedded PostgreSQL port "
          + preferredPort + " is out of range: use 1..65535");
    }
    for (String[] v : new String[][] {{"user", user}, {"runtime user", runtimeUser}, {"database", database}}) {
      if (v[1] == null || !v[1].matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
        throw new PaperclipException(ErrorCode.CONFIGURATION, "embedded PostgreSQL " + v[0]
            + " must be a plain identifier of letters, digits and '_'");
      }
    }
    if (user.equals(runtimeUser)) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "embedded PostgreSQL runtime user '" + runtimeUser
          + "' must differ from the superuser");
    }
  }

  /** Returns a builder with the defaults. */
  public static Builder builder(Path dataDir, Path cacheDir) {
    return new Builder(dataDir, cacheDir);
  }

  @Override
  public String toString() {
    return "EmbeddedPostgresConfig[dataDir=" + dataDir + ", preferredPort=" + preferredPort
        + ", user=" + user + ", runtimeUser=" + runtimeUser + ", database=" + database
        + ", installDir=" + installDir + ", postgresMajor=" + postgresMajor + "]";
  }

  /** Builds an {@link EmbeddedPostgresConfig}. Not thread-safe. */
  public static final class Builder {
    private final Path dataDir;
    private final Path cacheDir;
    private int port = DEFAULT_PORT;
    private String user = "paperclip";
    private String runtimeUser = "paperclip_app";
    private String database = "paperclip";
    private Path installDir;
    private Duration startTimeout = Duration.ofSeconds(60);
    private OptionalInt postgresMajor = OptionalInt.empty();

    private Builder(Path dataDir, Path cacheDir) {
      this.dataDir = dataDir;
      this.cacheDir = cacheDir;
    }

    /** Sets the preferred port. */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    /** Sets the names of the superuser and of the runtime role (their passwords are random). */
    public Builder roles(String superuser, String runtime) {
      this.user = superuser;
      this.runtimeUser = runtime;
      return this;
    }

    /** Sets the database created when missing. */
    public Builder database(String value) {
      this.database = value;
      return this;
    }

    /** Uses a system PostgreSQL installation (a directory with {@code bin/postgres}). */
    public Builder installDir(Path value) {
      this.installDir = value;
      return this;
    }

    /** Sets the start timeout. */
    public Builder startTimeout(Duration value) {
      this.startTimeout = value;
      return this;
    }

    /** Runs the bundled binaries of this PostgreSQL major (their artifact must be on the classpath). */
    public Builder postgresMajor(int value) {
      this.postgresMajor = OptionalInt.of(value);
      return this;
    }

    /** Builds the config. */
    public EmbeddedPostgresConfig build() {
      return new EmbeddedPostgresConfig(dataDir, port, user, runtimeUser, database, cacheDir,
          Optional.ofNullable(installDir), startTimeout, postgresMajor);
    }
  }
}
