package ing.paperclip.db.secrets;

import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.PrivateFiles;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the master key in SPEC order: {@code PAPERCLIP_SECRETS_MASTER_KEY} (64 hex, base64 of 32
 * bytes, or a 32-byte string), else the file named by {@code PAPERCLIP_SECRETS_MASTER_KEY_FILE},
 * else the configured {@code secrets.localEncrypted.keyFilePath}, else
 * {@code <instance>/secrets/master.key} — created on first use: 32 random bytes, base64, mode 0600
 * from the moment it exists, written once even when several processes start together, and only
 * where nothing exists (not even a dangling symbolic link).
 *
 * <p>A variable that is set but blank is an error, never a reason to fall through to a new key.
 * Key files are read without following symbolic links (a link is refused, naming its target); a
 * directory is refused; a key file readable by group or others is reported, and tightened to
 * 0600 (on the file itself) when this process owns it. Callers about to write secrets should use
 * {@link #find()} and create a key only when the database holds no secrets yet (see
 * {@code KeyCheck}). Stateless apart from its inputs; thread-safe.
 */
public final class MasterKeyLoader {
  /** Environment variable holding the key itself. */
  public static final String ENV_KEY = "PAPERCLIP_SECRETS_MASTER_KEY";
  /** Environment variable naming a key file. */
  public static final String ENV_KEY_FILE = "PAPERCLIP_SECRETS_MASTER_KEY_FILE";

  private static final Logger LOG = LoggerFactory.getLogger(MasterKeyLoader.class);

  /**
   * A loaded key and where it came from.
   *
   * @param key the key
   * @param source e.g. {@code environment PAPERCLIP_SECRETS_MASTER_KEY} or a file path
   * @param created whether the key file was created now
   * @param warnings problems noticed (e.g. loose permissions), already logged
   */
  public record Loaded(MasterKey key, String source, boolean created, List<String> warnings) {
    /** Copies. */
    public Loaded {
      warnings = List.copyOf(warnings);
    }
  }

  private final Map<String, String> env;
  private final Optional<Path> configuredKeyFile;
  private final Path defaultKeyFile;

  /**
   * Creates a loader.
   *
   * @param env the process environment
   * @param configuredKeyFile {@code secrets.localEncrypted.keyFilePath} from config.json, if set
   * @param defaultKeyFile {@code <instance>/secrets/master.key}
   */
  public MasterKeyLoader(Map<String, String> env, Optional<Path> configuredKeyFile, Path defaultKeyFile) {
    this.env = Map.copyOf(env);
    this.configuredKeyFile = Objects.requireNonNull(configuredKeyFile, "configuredKeyFile");
    this.defaultKeyFile = Objects.requireNonNull(defaultKeyFile, "defaultKeyFile");
  }

  /** Returns the key file created when nothing else is configured. */
  public Path defaultKeyFile() {
    return defaultKeyFile;
  }

  /**
   * Loads the key, creating the default key file when nothing else is configured and it does not
   * exist. Prefer {@link #find()} before writing secrets into a database that may hold some.
   *
   * @throws SecretsException for a blank or malformed key, or a configured key file that is
   *     missing, a symbolic link or a directory
   */
  public Loaded load() {
    return find().orElseGet(() -> readOrCreate(defaultKeyFile));
  }

  /**
   * Loads the key if one is configured or the default key file exists; creates nothing.
   *
   * @return the key, or empty when the default key file would have to be created
   * @throws SecretsException as {@link #load()}
   */
  public Optional<Loaded> find() {
    String inline = env.get(ENV_KEY);
    if (inline != null) {
      requireNotBlank(inline, ENV_KEY, "64 hex digits, base64 of 32 bytes, or a 32-byte string");
      return Optional.of(new Loaded(MasterKey.decode(inline, "environment " + ENV_KEY), "environment " + ENV_KEY,
          false, List.of()));
    }
    String file = env.get(ENV_KEY_FILE);
    if (file != null) {
      requireNotBlank(file, ENV_KEY_FILE, "the path of a key file");
      return Optional.of(readExisting(Path.of(file), "environment " + ENV_KEY_FILE));
    }
    if (configuredKeyFile.isPresent()) {
      return Optional.of(readExisting(configuredKeyFile.get(), "secrets.localEncrypted.keyFilePath"));
    }
    return PrivateFiles.exists(defaultKeyFile) ? Optional.of(read(defaultKeyFile, false)) : Optional.empty();
  }

  private static void requireNotBlank(String value, String variable, String forms) {
    if (value.isBlank()) {
      throw new SecretsException(variable + " is set but " + (value.isEmpty() ? "empty" : "only whitespace")
          + "; set it to " + forms + " (e.g. 'openssl rand -base64 32'), or unset it to use the instance's key file");
    }
  }

  private Loaded readExisting(Path file, String via) {
    if (!PrivateFiles.exists(file)) {
      throw new SecretsException("the master key file " + file + " (from " + via + ") does not exist; "
          + "restore it from your key backup, or point " + via + " at the right file");
    }
    return read(file, false);
  }

  /**
   * Reads a key file that must exist (e.g. a rekey's new key), with the same checks as the
   * instance's key file: no symbolic link, no directory, loose permissions tightened.
   *
   * @param file the file
   * @param via names where the path came from, for the error message
   */
  public static MasterKey readExistingFile(Path file, String via) {
    if (!PrivateFiles.exists(file)) {
      throw new SecretsException("the master key file " + file + " (from " + via + ") does not exist");
    }
    return read(file, false).key();
  }

  /** Reads the key file, or creates it exactly once if nothing exists at the path. */
  public static Loaded readOrCreate(Path file) {
    if (PrivateFiles.exists(file)) {
      return read(file, false);
    }
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    MasterKey key = MasterKey.of(raw);
    boolean created;
    try {
      created = PrivateFiles.createNew(file, key.toBase64() + "\n", "the master key file");
    } catch (PaperclipException e) {
      throw new SecretsException(e.getMessage(), e);
    }
    if (!created) {
      return read(file, false);
    }
    LOG.info("created master key file {} (fingerprint {})", file, key.fingerprint());
    return new Loaded(key, file.toString(), true, List.of());
  }

  private static Loaded read(Path file, boolean created) {
    PrivateFiles.Contents c;
    try {
      c = PrivateFiles.read(file, "the master key file");
    } catch (PaperclipException e) {
      throw new SecretsException(e.getMessage(), e);
    }
    c.warning().ifPresent(LOG::warn);
    return new Loaded(MasterKey.decode(c.text(), "key file " + file), file.toString(), created,
        c.warning().map(List::of).orElse(List.of()));
  }
}
