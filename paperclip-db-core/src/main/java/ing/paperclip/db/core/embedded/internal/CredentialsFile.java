package ing.paperclip.db.core.embedded.internal;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.PrivateFiles;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The passwords of an embedded cluster's roles, one random password per role, kept in the data
 * directory as {@code paperclip.pgpass} (mode 0600). The format is libpq's password file
 * ({@code host:port:database:user:password}), so {@code PGPASSFILE=<that file> psql -h 127.0.0.1
 * -p PORT -U paperclip_app paperclip} works without the password ever being typed or printed.
 *
 * <p>Immutable; {@link #toString()} never shows a password.
 */
public final class CredentialsFile {
  /** The file's name inside the data directory. */
  public static final String NAME = "paperclip.pgpass";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private final Map<String, String> passwords;

  private CredentialsFile(Path file, Map<String, String> passwords) {
    this.file = file;
    this.passwords = Map.copyOf(passwords);
  }

  /** Returns the file inside a data directory. */
  public static Path in(Path dataDir) {
    return dataDir.resolve(NAME);
  }

  /**
   * Writes a new file with a fresh random password for each role, unless one exists.
   *
   * @param file where
   * @param roles the role names
   * @return the file as it is now (the existing one when another process wrote it first)
   */
  public static CredentialsFile create(Path file, String... roles) {
    Map<String, String> pw = new LinkedHashMap<>();
    for (String r : roles) {
      pw.put(r, randomPassword());
    }
    StringBuilder sb = new StringBuilder("# Passwords of this embedded PostgreSQL cluster, written by paperclip-db.\n"
        + "# Keep this file private (mode 0600). It is a libpq password file: PGPASSFILE=<this file> psql ...\n");
    pw.forEach((role, p) -> sb.append("127.0.0.1:*:*:").append(role).append(':').append(p).append('\n'));
    if (!PrivateFiles.createNew(file, sb.toString(), "the embedded PostgreSQL credentials file")) {
      return read(file);
    }
    return new CredentialsFile(file, pw);
  }

  /**
   * Reads the file (not following a symbolic link; loose permissions are tightened).
   *
   * @throws PaperclipException {@link ErrorCode#EMBEDDED_SERVER} when it cannot be read or parsed
   */
  public static CredentialsFile read(Path file) {
    String text;
    try {
      text = PrivateFiles.read(file, "the embedded PostgreSQL credentials file").text();
    } catch (PaperclipException e) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, e.getMessage(), e);
    }
    Map<String, String> pw = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split(":", 5);
      if (f.length != 5 || f[3].isEmpty() || f[4].isEmpty()) {
        throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "the embedded PostgreSQL credentials file "
            + file + " has a malformed line (expected host:port:database:user:password); restore it from "
            + "a backup of the instance");
      }
      pw.put(f[3], f[4]);
    }
    return new CredentialsFile(file, pw);
  }

  /** Returns the file's path. */
  public Path file() {
    return file;
  }

  /**
   * Returns a role's password.
   *
   * @throws PaperclipException {@link ErrorCode#EMBEDDED_SERVER} when the file has no line for it
   */
  public String password(String role) {
    String p = passwords.get(Objects.requireNonNull(role, "role"));
    if (p == null) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "the embedded PostgreSQL credentials file "
          + file + " has no password for role " + role + "; restore the file from a backup of the instance");
    }
    return p;
  }

  /** Returns whether the file has a password for the role. */
  public boolean has(String role) {
    return passwords.containsKey(role);
  }

  private static String randomPassword() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @Override
  public String toString() {
    return "CredentialsFile[" + file + ", roles=" + passwords.keySet() + "]";
  }
}
