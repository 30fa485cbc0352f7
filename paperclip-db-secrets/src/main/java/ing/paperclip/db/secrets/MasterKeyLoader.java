package ing.paperclip.db.secrets;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the master key in SPEC order: {@code PAPERCLIP_SECRETS_MASTER_KEY} (64 hex, base64 of 32
 * bytes, or a 32-byte string), else the file named by {@code PAPERCLIP_SECRETS_MASTER_KEY_FILE},
 * else the configured {@code secrets.localEncrypted.keyFilePath}, else
 * {@code <instance>/secrets/master.key} — created on first use: 32 random bytes, base64, mode 0600
 * from the moment it exists, written once even when several processes start together.
 *
 * <p>A key file readable by group or others is reported, and tightened to 0600 when this process
 * owns it. Stateless apart from its inputs; thread-safe.
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

  /**
   * Loads the key, creating the default key file when nothing else is configured.
   *
   * @throws SecretsException for a malformed key, or a configured key file that is missing
   */
  public Loaded load() {
    String inline = env.get(ENV_KEY);
    if (inline != null && !inline.isBlank()) {
      return new Loaded(MasterKey.decode(inline, "environment " + ENV_KEY), "environment " + ENV_KEY, false, List.of());
    }
    String file = env.get(ENV_KEY_FILE);
    if (file != null && !file.isBlank()) {
      return readExisting(Path.of(file), "environment " + ENV_KEY_FILE);
    }
    if (configuredKeyFile.isPresent()) {
      return readExisting(configuredKeyFile.get(), "secrets.localEncrypted.keyFilePath");
    }
    return readOrCreate(defaultKeyFile);
  }

  private Loaded readExisting(Path file, String via) {
    if (!Files.exists(file)) {
      throw new SecretsException("the master key file " + file + " (from " + via + ") does not exist; "
          + "restore it from your key backup, or point " + via + " at the right file");
    }
    return read(file, false);
  }

  /** Reads the key file, or creates it exactly once if it does not exist. */
  public static Loaded readOrCreate(Path file) {
    if (Files.exists(file)) {
      return read(file, false);
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      byte[] raw = new byte[32];
      new SecureRandom().nextBytes(raw);
      MasterKey key = MasterKey.of(raw);
      Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
          out.write((key.toBase64() + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        // A hard link appears atomically and never replaces: the first process to link wins.
        Files.createLink(file, tmp);
        LOG.info("created master key file {} (fingerprint {})", file, key.fingerprint());
        return new Loaded(key, file.toString(), true, List.of());
      } catch (FileAlreadyExistsException lost) {
        return read(file, false);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new SecretsException("cannot create the master key file " + file + ": " + e.getMessage()
          + "; check the directory's permissions", e);
    }
  }

  private static Loaded read(Path file, boolean created) {
    List<String> warnings = new ArrayList<>();
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      boolean loose = perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
      if (loose) {
        String msg = "master key file " + file + " is readable by group or others ("
            + PosixFilePermissions.toString(perms) + ")";
        if (Files.getOwner(file).getName().equals(System.getProperty("user.name"))) {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
          msg += "; tightened to rw-------";
        } else {
          msg += "; run 'chmod 600 " + file + "'";
        }
        LOG.warn(msg);
        warnings.add(msg);
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return new Loaded(MasterKey.decode(text, "key file " + file), file.toString(), created, warnings);
    } catch (NoSuchFileException e) {
      throw new SecretsException("the master key file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new SecretsException("cannot read the master key file " + file + ": " + e.getMessage(), e);
    }
  }
}
