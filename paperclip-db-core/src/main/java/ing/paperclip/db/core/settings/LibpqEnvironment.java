package ing.paperclip.db.core.settings;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libpq's conventions, so a connection configured for {@code psql} works here too:
 * {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGDATABASE}, {@code PGSSLMODE} name a
 * server when no URL is configured, and a URL without a password takes it from
 * {@code PGPASSWORD}, else from the password file ({@code PGPASSFILE}, default
 * {@code ~/.pgpass}; lines {@code host:port:database:user:password}, {@code *} matches anything,
 * {@code \} escapes). Only TCP: a socket directory in {@code PGHOST} is refused with the fix.
 *
 * <p>Immutable and thread-safe; the password is never part of a description.
 */
public final class LibpqEnvironment {
  private static final Logger LOG = LoggerFactory.getLogger(LibpqEnvironment.class);

  /** A connection and a description of where its parts came from (no secret inside). */
  public record Resolved(ConnectionSpec spec, String source) {
    /** Validates. */
    public Resolved {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(source, "source");
    }
  }

  private final Map<String, String> env;
  private final Path userHome;

  /**
   * Creates the view of an environment.
   *
   * @param env the process environment
   * @param userHome the user's home directory, where {@code .pgpass} is looked for
   */
  public LibpqEnvironment(Map<String, String> env, Path userHome) {
    this.env = Map.copyOf(env);
    this.userHome = Objects.requireNonNull(userHome, "userHome");
  }

  /**
   * Returns the server the {@code PG*} variables name, when {@code PGHOST} is set.
   *
   * @throws PaperclipException {@link ErrorCode#CONFIGURATION} for a socket directory, a host
   *     list or a bad port
   */
  public Optional<Resolved> server() {
    String host = get("PGHOST");
    if (host == null) {
      return Optional.empty();
    }
    if (host.startsWith("/") || host.startsWith("@")) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "PGHOST '" + host + "' is a Unix socket "
          + "directory: paperclipai connects over TCP; set PGHOST to a host name such as 127.0.0.1");
    }
    if (host.contains(",")) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "PGHOST '" + host + "' lists several hosts: "
          + "set one, or use DATABASE_URL");
    }
    int port = ConnectionSpec.DEFAULT_PORT;
    String p = get("PGPORT");
    if (p != null) {
      try {
        port = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw new PaperclipException(ErrorCode.CONFIGURATION, "PGPORT '" + p + "' is not a port number: use 1..65535");
      }
    }
    List<String> used = new ArrayList<>(List.of("PGHOST"));
    String user = get("PGUSER");
    if (user != null) {
      used.add("PGUSER");
    } else {
      user = Optional.ofNullable(get("USER")).orElse(System.getProperty("user.name"));
    }
    String database = get("PGDATABASE");
    if (database != null) {
      used.add("PGDATABASE");
    } else {
      database = user;
    }
    if (p != null) {
      used.add(1, "PGPORT");
    }
    ConnectionSpec spec = new ConnectionSpec(host, port, database, user, null, Map.of());
    Resolved r = complete(spec, "environment " + String.join(", ", used) + " (libpq)");
    return Optional.of(r);
  }

  /**
   * Completes a connection as libpq would: a missing password from {@code PGPASSWORD} or the
   * password file, a missing {@code sslmode} from {@code PGSSLMODE}; the source says which.
   *
   * @param spec the connection, unchanged when it has both
   * @param source where it came from
   * @return the completed connection and source
   */
  public Resolved complete(ConnectionSpec spec, String source) {
    ConnectionSpec s = spec;
    StringBuilder src = new StringBuilder(source);
    String sslmode = get("PGSSLMODE");
    if (sslmode != null && !s.parameters().containsKey("sslmode")) {
      s = s.withParameter("sslmode", sslmode);
      src.append(", sslmode from PGSSLMODE");
    }
    if (s.password() == null) {
      String user = s.userName().orElse(null);
      Optional<String> fromEnv = Optional.ofNullable(env.get("PGPASSWORD")).filter(v -> !v.isEmpty());
      if (fromEnv.isPresent()) {
        s = withPassword(s, fromEnv.get());
        src.append(", password from PGPASSWORD");
      } else if (user != null) {
        Path file = passwordFile();
        Optional<String> found = lookUp(file, s.host(), s.port(), s.database(), user);
        if (found.isPresent()) {
          s = withPassword(s, found.get());
          src.append(", password from ").append(file);
        }
      }
    }
    return new Resolved(s, src.toString());
  }

  /** Returns the password file: {@code PGPASSFILE}, else {@code ~/.pgpass}. */
  public Path passwordFile() {
    String f = get("PGPASSFILE");
    return f != null ? Path.of(f) : userHome.resolve(".pgpass");
  }

  private static ConnectionSpec withPassword(ConnectionSpec s, String password) {
    Map<String, String> params = new LinkedHashMap<>(s.parameters());
    return new ConnectionSpec(s.host(), s.port(), s.database(), s.user(), password, params);
  }

  private static Optional<String> lookUp(Path file, String host, int port, String database, String user) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String text;
    try {
      PrivateFiles.Contents c = PrivateFiles.read(file, "the libpq password file");
      c.warning().ifPresent(LOG::warn);
      text = c.text();
    } catch (PaperclipException e) {
      LOG.warn("{}; not using it", e.getMessage());
      return Optional.empty();
    }
    String[] wanted = {host, Integer.toString(port), database, user};
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      List<String> f = fields(line.stripTrailing());
      if (f.size() != 5) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < 4 && match; i++) {
        match = f.get(i).equals("*") || f.get(i).equals(wanted[i]);
      }
      if (match) {
        return Optional.of(f.get(4));
      }
    }
    return Optional.empty();
  }

  /** Splits a password-file line on unescaped colons; {@code \:} and {@code \\} are literal. */
  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (ch == '\\' && i + 1 < line.length()) {
        cur.append(line.charAt(++i));
      } else if (ch == ':' && out.size() < 4) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    out.add(cur.toString());
    return out;
  }

  private String get(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }
}
