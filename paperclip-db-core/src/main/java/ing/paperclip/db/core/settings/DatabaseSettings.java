package ing.paperclip.db.core.settings;

import com.fasterxml.jackson.databind.JsonNode;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The resolved answer to "which database, and why": mode, the URL (external mode), the
 * migration URL, the embedded data directory and port, pool settings, and where each came from.
 *
 * <p>Resolution order (SPEC §1): the CLI's {@code --database-url}, the environment's
 * {@code DATABASE_URL}, the instance {@code .env}, {@code config.json}
 * ({@code database.mode}, {@code database.connectionString}), then libpq's {@code PGHOST} (with
 * {@code PGPORT}, {@code PGUSER}, {@code PGDATABASE}), else embedded. A URL without a password
 * takes it from {@code PGPASSWORD} or {@code ~/.pgpass}, and one without {@code sslmode} from
 * {@code PGSSLMODE} (see {@link LibpqEnvironment}); the source says so.
 * {@code DATABASE_MIGRATION_URL} (environment, then {@code .env}) names a separate connection for
 * schema checks and migrations. Immutable.
 *
 * @param mode embedded or external
 * @param source where the choice came from, e.g. {@code environment DATABASE_URL}
 * @param url the runtime connection, present in external mode
 * @param migrationUrl a separate migration connection, if configured
 * @param migrationSource where the migration URL came from, or {@code "same as runtime"}
 * @param embeddedDataDir the embedded server's data directory
 * @param embeddedPort the embedded server's preferred port
 * @param pool pool settings
 */
public record DatabaseSettings(
    DatabaseMode mode, String source, Optional<ConnectionSpec> url,
    Optional<ConnectionSpec> migrationUrl, String migrationSource,
    Path embeddedDataDir, int embeddedPort, PoolSettings pool) {

  /** Environment variable: the runtime database URL. */
  public static final String ENV_DATABASE_URL = "DATABASE_URL";
  /** Environment variable: the migration database URL. */
  public static final String ENV_MIGRATION_URL = "DATABASE_MIGRATION_URL";
  /** The embedded server's default port. */
  public static final int DEFAULT_EMBEDDED_PORT = 54329;

  /** Validates. */
  public DatabaseSettings {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(migrationUrl, "migrationUrl");
    Objects.requireNonNull(migrationSource, "migrationSource");
    Objects.requireNonNull(embeddedDataDir, "embeddedDataDir");
    Objects.requireNonNull(pool, "pool");
    if (mode == DatabaseMode.EXTERNAL && url.isEmpty()) {
      throw new IllegalArgumentException("external mode needs a URL");
    }
    if (embeddedPort < 1 || embeddedPort > 65535) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "embedded PostgreSQL port "
          + embeddedPort + " is out of range: use 1..65535");
    }
  }

  /**
   * Resolves the settings of an instance.
   *
   * @param layout the instance's files
   * @param env the process environment
   * @param cliUrl a URL given on the command line, if any
   * @return the settings
   * @throws PaperclipException for a malformed URL, {@code .env} or {@code config.json}
   */
  public static DatabaseSettings resolve(InstanceLayout layout, Map<String, String> env,
      Optional<String> cliUrl) {
    String home = env.get("HOME");
    return resolve(layout, env, cliUrl, nonBlank(home) ? Path.of(home) : Path.of(System.getProperty("user.home")));
  }

  /**
   * Resolves the settings of an instance, looking for {@code .pgpass} in a given home directory.
   *
   * @param layout the instance's files
   * @param env the process environment
   * @param cliUrl a URL given on the command line, if any
   * @param userHome the user's home directory
   * @return the settings
   * @throws PaperclipException for a malformed URL, {@code .env}, {@code config.json} or
   *     {@code PG*} variable
   */
  public static DatabaseSettings resolve(InstanceLayout layout, Map<String, String> env,
      Optional<String> cliUrl, Path userHome) {
    LibpqEnvironment libpq = new LibpqEnvironment(env, userHome);
    Map<String, String> dotEnv = DotEnvFile.read(layout.envFile());
    ConfigFile config = ConfigFile.read(layout.configFile());

    Path dataDir = config.getText("database.embeddedPostgresDataDir")
        .map(p -> Path.of(InstanceLayout.expandTilde(p, Path.of(System.getProperty("user.home")))))
        .orElse(layout.embeddedDataDir());
    int port = config.getText("database.embeddedPostgresPort")
        .map(p -> parseInt(p, "database.embeddedPostgresPort in " + config.path()))
        .orElse(DEFAULT_EMBEDDED_PORT);
    PoolSettings pool = pool(env, config);

    DatabaseMode mode;
    String source;
    ConnectionSpec url = null;
    boolean completed = false; // the PG* server already took PGPASSWORD and PGSSLMODE
    if (cliUrl.isPresent()) {
      mode = DatabaseMode.EXTERNAL;
      source = "--database-url option";
      url = ConnectionSpec.parse(cliUrl.get());
    } else if (nonBlank(env.get(ENV_DATABASE_URL))) {
      mode = DatabaseMode.EXTERNAL;
      source = "environment DATABASE_URL";
      url = ConnectionSpec.parse(env.get(ENV_DATABASE_URL));
    } else if (nonBlank(dotEnv.get(ENV_DATABASE_URL))) {
      mode = DatabaseMode.EXTERNAL;
      source = "DATABASE_URL in " + layout.envFile();
      url = ConnectionSpec.parse(dotEnv.get(ENV_DATABASE_URL));
    } else {
      Optional<String> cfgMode = config.getText("database.mode");
      Optional<String> cfgUrl = config.getText("database.connectionString").filter(DatabaseSettings::nonBlank);
      boolean external = cfgMode.map(m -> switch (m) {
        case "postgres", "external" -> true;
        case "embedded-postgres", "embedded" -> false;
        default -> throw new PaperclipException(ErrorCode.CONFIGURATION, "database.mode '" + m
            + "' in " + config.path() + " is unknown: use \"embedded-postgres\" or \"postgres\"");
      }).orElse(cfgUrl.isPresent());
      Optional<LibpqEnvironment.Resolved> pg = cfgMode.isEmpty() && cfgUrl.isEmpty()
          ? libpq.server() : Optional.empty();
      if (pg.isPresent()) {
        mode = DatabaseMode.EXTERNAL;
        source = pg.get().source();
        url = pg.get().spec();
        completed = true;
      } else if (external) {
        if (cfgUrl.isEmpty()) {
          throw new PaperclipException(ErrorCode.CONFIGURATION, "database.mode is \"postgres\" in "
              + config.path() + " but database.connectionString is empty: set it, or set DATABASE_URL");
        }
        mode = DatabaseMode.EXTERNAL;
        source = "database.connectionString in " + config.path();
        url = ConnectionSpec.parse(cfgUrl.get());
      } else {
        mode = DatabaseMode.EMBEDDED;
        source = cfgMode.isPresent() ? "database.mode in " + config.path()
            : "default (no DATABASE_URL, no configured connection)";
      }
    }

    if (url != null && !completed) {
      LibpqEnvironment.Resolved done = libpq.complete(url, source);
      url = done.spec();
      source = done.source();
    }
    ConnectionSpec migration = null;
    String migrationSource = "same as runtime";
    if (nonBlank(env.get(ENV_MIGRATION_URL))) {
      migration = ConnectionSpec.parse(env.get(ENV_MIGRATION_URL));
      migrationSource = "environment DATABASE_MIGRATION_URL";
    } else if (nonBlank(dotEnv.get(ENV_MIGRATION_URL))) {
      migration = ConnectionSpec.parse(dotEnv.get(ENV_MIGRATION_URL));
      migrationSource = "DATABASE_MIGRATION_URL in " + layout.envFile();
    }
    if (migration != null) {
      LibpqEnvironment.Resolved done = libpq.complete(migration, migrationSource);
      migration = done.spec();
      migrationSource = done.source();
    }
    return new DatabaseSettings(mode, source, Optional.ofNullable(url), Optional.ofNullable(migration),
        migrationSource, dataDir, port, pool);
  }

  private static PoolSettings pool(Map<String, String> env, ConfigFile config) {
    PoolSettings d = PoolSettings.DEFAULTS;
    int max = setting(env, "PAPERCLIP_DB_POOL_MAX", config, "database.pool.max")
        .map(v -> parseInt(v, "pool max")).orElse(d.maxSize());
    long idle = setting(env, "PAPERCLIP_DB_POOL_IDLE_TIMEOUT_MS", config, "database.pool.idleTimeoutMs")
        .map(v -> (long) parseInt(v, "pool idle timeout")).orElse(d.idleTimeout().toMillis());
    long connect = setting(env, "PAPERCLIP_DB_CONNECT_TIMEOUT_MS", config, "database.pool.connectTimeoutMs")
        .map(v -> (long) parseInt(v, "connect timeout")).orElse(d.connectTimeout().toMillis());
    boolean prepared = setting(env, "PAPERCLIP_DB_PREPARED_STATEMENTS", config, "database.pool.preparedStatements")
        .map(v -> parseBoolean(v, "prepared statements")).orElse(d.preparedStatements());
    return new PoolSettings(max, Duration.ofMillis(idle), Duration.ofMillis(connect), prepared);
  }

  private static Optional<String> setting(Map<String, String> env, String var, ConfigFile config,
      String key) {
    String v = env.get(var);
    if (nonBlank(v)) {
      return Optional.of(v.strip());
    }
    return config.get(key).filter(JsonNode::isValueNode).map(JsonNode::asText);
  }

  private static int parseInt(String v, String what) {
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, what + " '" + v + "' is not a whole number");
    }
  }

  private static boolean parseBoolean(String v, String what) {
    return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new PaperclipException(ErrorCode.CONFIGURATION, what + " '" + v
          + "' is not a boolean: use true or false");
    };
  }

  private static boolean nonBlank(String s) {
    return s != null && !s.isBlank();
  }

  /** Returns the connection used for migrations: the migration URL, else the runtime URL. */
  public Optional<ConnectionSpec> effectiveMigrationUrl() {
    return migrationUrl.isPresent() ? migrationUrl : url;
  }
}
