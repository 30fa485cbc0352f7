package ing.paperclip.db.core.settings;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Where and how to connect to one PostgreSQL database: host, port, database, user, password and
 * driver parameters (for example {@code sslmode}). Parsed from a {@code postgres://} /
 * {@code postgresql://} URI or a {@code jdbc:postgresql://} URL.
 *
 * <p>Immutable and thread-safe. {@link #toString()} masks the password; use {@link #jdbcUrl()}
 * plus {@link #driverProperties()} to connect, so the password never travels inside a URL that
 * might be logged.
 *
 * @param host host name or address, not blank
 * @param port TCP port, 1..65535
 * @param database database name, not blank
 * @param user user name, may be null (driver default)
 * @param password password, may be null
 * @param parameters other driver parameters in their given order, never null
 */
public record ConnectionSpec(
    String host, int port, String database, String user, String password,
    Map<String, String> parameters) {

  /** The default PostgreSQL port. */
  public static final int DEFAULT_PORT = 5432;

  /** Validates and copies. */
  public ConnectionSpec {
    if (host == null || host.isBlank()) {
      throw invalid("the host is empty", "use the form postgres://user:password@host:5432/database");
    }
    if (port < 1 || port > 65535) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT,
          "database port " + port + " is out of range: use 1..65535");
    }
    if (database == null || database.isBlank()) {
      throw invalid("the database name is missing", "use the form postgres://user:password@host:5432/database");
    }
    parameters = Collections.unmodifiableMap(
        new LinkedHashMap<>(Objects.requireNonNull(parameters, "parameters")));
  }

  /**
   * Parses {@code postgres://user:pass@host:port/db?sslmode=require} or
   * {@code jdbc:postgresql://host:port/db?user=u&password=p}. Percent-escapes are decoded.
   *
   * @param url the URL, not null
   * @return the parsed spec
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} naming what is wrong (the password
   *     is never echoed)
   */
  public static ConnectionSpec parse(String url) {
    if (url == null || url.isBlank()) {
      throw invalid("it is empty", "use the form postgres://user:password@host:5432/database");
    }
    String trimmed = url.trim();
    String rest;
    if (trimmed.startsWith("jdbc:postgresql://")) {
      rest = trimmed.substring("jdbc:".length());
    } else if (trimmed.startsWith("postgres://") || trimmed.startsWith("postgresql://")) {
      rest = trimmed;
    } else {
      throw invalid("it does not start with postgres://, postgresql:// or jdbc:postgresql://",
          "use the form postgres://user:password@host:5432/database");
    }
    URI uri;
    try {
      uri = new URI(rest);
    } catch (URISyntaxException e) {
      throw invalid("it is not a valid URI (" + e.getReason() + ")",
          "percent-encode special characters in the password (@ as %40)");
    }
    String host = uri.getHost();
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    if (host == null && uri.getRawAuthority() != null) {
      // java.net.URI refuses host names with underscores; take the authority apart ourselves.
      String authority = uri.getRawAuthority();
      String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
      int colon = hostPort.lastIndexOf(':');
      if (colon >= 0 && !hostPort.endsWith("]")) {
        host = hostPort.substring(0, colon);
        try {
          port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw invalid("the port is not a number", "use the form postgres://user:password@host:5432/database");
        }
      } else {
        host = hostPort;
      }
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    Map<String, String> params = new LinkedHashMap<>();
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        switch (key) {
          case "user" -> user = value;
          case "password" -> password = value;
          default -> params.put(key, value);
        }
      }
    }
    if (host == null || host.isBlank()) {
      throw invalid("the host is missing", "use the form postgres://user:password@host:5432/database");
    }
    if (database.isBlank()) {
      throw invalid("the database name is missing", "use the form postgres://user:password@host:5432/database");
    }
    return new ConnectionSpec(host, port, database, user, password, params);
  }

  /** Returns a copy that connects to another database on the same server. */
  public ConnectionSpec withDatabase(String otherDatabase) {
    return new ConnectionSpec(host, port, otherDatabase, user, password, parameters);
  }

  /** Returns a copy with one more (or a replaced) driver parameter. */
  public ConnectionSpec withParameter(String key, String value) {
    Map<String, String> p = new LinkedHashMap<>(parameters);
    p.put(key, value);
    return new ConnectionSpec(host, port, database, user, password, p);
  }

  /** Returns the user, if one is set. */
  public Optional<String> userName() {
    return Optional.ofNullable(user);
  }

  /**
   * Returns {@code jdbc:postgresql://host:port/db?params} without user and password; pass
   * {@link #driverProperties()} alongside it.
   */
  public String jdbcUrl() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    StringBuilder sb = new StringBuilder("jdbc:postgresql://").append(h).append(':').append(port)
        .append('/').append(encode(database));
    if (!parameters.isEmpty()) {
      sb.append('?').append(parameters.entrySet().stream()
          .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
          .collect(Collectors.joining("&")));
    }
    return sb.toString();
  }

  /** Returns driver properties holding user and password (when set). A new object per call. */
  public Properties driverProperties() {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  /**
   * Returns a libpq-style URI {@code postgresql://user:pass@host:port/db?params}, password
   * included, for handing to external tools such as {@code pg_dump} through the environment.
   * Never log it.
   */
  public String libpqUri() {
    StringBuilder sb = new StringBuilder("postgresql://");
    if (user != null) {
      sb.append(encode(user));
      if (password != null) {
        sb.append(':').append(encode(password));
      }
      sb.append('@');
    }
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    sb.append(h).append(':').append(port).append('/').append(encode(database));
    if (!parameters.isEmpty()) {
      sb.append('?').append(parameters.entrySet().stream()
          .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
          .collect(Collectors.joining("&")));
    }
    return sb.toString();
  }

  /** Returns a URI that is safe to print: the password is replaced by {@code ****}. */
  public String redacted() {
    StringBuilder sb = new StringBuilder("postgres://");
    if (user != null) {
      sb.append(encode(user));
      if (password != null) {
        sb.append(":****");
      }
      sb.append('@');
    }
    sb.append(host).append(':').append(port).append('/').append(database);
    if (!parameters.isEmpty()) {
      sb.append('?').append(parameters.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&")));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return redacted();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid("it holds a broken percent-escape", "write a literal % as %25");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static PaperclipException invalid(String what, String fix) {
    return new PaperclipException(ErrorCode.INVALID_INPUT,
        "invalid database URL: " + what + "; " + fix);
  }
}
