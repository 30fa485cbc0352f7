package ing.paperclip.db.core.settings;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where one Paperclip instance keeps its files: {@code <home>/instances/<id>/}, with
 * {@code db/} (embedded PostgreSQL data), {@code data/backups/}, {@code secrets/},
 * {@code config.json} and {@code .env}. The home defaults to {@code ~/.paperclip}
 * ({@code PAPERCLIP_HOME}); the instance id to {@code default} ({@code PAPERCLIP_INSTANCE_ID}).
 *
 * <p>Immutable; nothing is created on disk by this type.
 *
 * @param home the Paperclip home, absolute
 * @param instanceId the instance id, matching {@code [A-Za-z0-9_-]+}
 */
public record InstanceLayout(Path home, String instanceId) {
  /** Environment variable overriding the home directory. */
  public static final String ENV_HOME = "PAPERCLIP_HOME";
  /** Environment variable selecting the instance. */
  public static final String ENV_INSTANCE_ID = "PAPERCLIP_INSTANCE_ID";
  /** The instance used when none is named. */
  public static final String DEFAULT_INSTANCE = "default";

  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** Validates. */
  public InstanceLayout {
    Objects.requireNonNull(home, "home");
    home = home.toAbsolutePath().normalize();
    validateInstanceId(instanceId);
  }

  /**
   * Resolves the layout: explicit overrides (CLI {@code -d}, {@code -i}) win over the
   * environment, which wins over the defaults.
   *
   * @param env the process environment (or a test map), not null
   * @param homeOverride an explicit home directory, may be empty
   * @param instanceOverride an explicit instance id, may be empty
   * @param userHome the user's home directory, used for the default {@code ~/.paperclip}
   * @return the layout
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} for a bad instance id
   */
  public static InstanceLayout resolve(Map<String, String> env, Optional<Path> homeOverride,
      Optional<String> instanceOverride, Path userHome) {
    Path home = homeOverride.orElseGet(() -> {
      String h = env.get(ENV_HOME);
      return h != null && !h.isBlank() ? Path.of(expandTilde(h, userHome)) : userHome.resolve(".paperclip");
    });
    String id = instanceOverride.orElseGet(() -> {
      String i = env.get(ENV_INSTANCE_ID);
      return i != null && !i.isBlank() ? i : DEFAULT_INSTANCE;
    });
    return new InstanceLayout(home, id);
  }

  /**
   * Checks an instance id.
   *
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} naming the bad id and the rule
   */
  public static void validateInstanceId(String id) {
    if (id == null || !INSTANCE_ID.matcher(id).matches()) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "invalid instance id "
          + (id == null ? "(none)" : "'" + printable(id) + "'")
          + ": use 1-64 characters from A-Z, a-z, 0-9, '_' and '-'");
    }
  }

  /** Returns {@code <home>/instances/<id>}. */
  public Path instanceDir() {
    return home.resolve("instances").resolve(instanceId);
  }

  /** Returns the default embedded PostgreSQL data directory, {@code <instance>/db}. */
  public Path embeddedDataDir() {
    return instanceDir().resolve("db");
  }

  /** Returns {@code <instance>/data}. */
  public Path dataDir() {
    return instanceDir().resolve("data");
  }

  /** Returns the default backup directory, {@code <instance>/data/backups}. */
  public Path backupDir() {
    return dataDir().resolve("backups");
  }

  /** Returns {@code <instance>/data/storage}, the instance's uploaded files. */
  public Path storageDir() {
    return dataDir().resolve("storage");
  }

  /** Returns {@code <instance>/secrets}. */
  public Path secretsDir() {
    return instanceDir().resolve("secrets");
  }

  /** Returns the default master key file, {@code <instance>/secrets/master.key}. */
  public Path defaultMasterKeyFile() {
    return secretsDir().resolve("master.key");
  }

  /** Returns {@code <instance>/config.json}. */
  public Path configFile() {
    return instanceDir().resolve("config.json");
  }

  /** Returns {@code <instance>/.env}. */
  public Path envFile() {
    return instanceDir().resolve(".env");
  }

  /** Returns {@code <instance>/logs}. */
  public Path logsDir() {
    return instanceDir().resolve("logs");
  }

  /** Returns {@code <home>/runtime}, where extracted PostgreSQL binaries are cached. */
  public Path runtimeDir() {
    return home.resolve("runtime");
  }

  static String expandTilde(String path, Path userHome) {
    if (path.equals("~")) {
      return userHome.toString();
    }
    if (path.startsWith("~/")) {
      return userHome.resolve(path.substring(2)).toString();
    }
    return path;
  }

  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
