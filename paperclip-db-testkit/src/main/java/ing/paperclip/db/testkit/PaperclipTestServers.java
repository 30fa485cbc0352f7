package ing.paperclip.db.testkit;

import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.testing.PostgresExtension;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide server and template databases behind {@link WithPaperclipDatabase}; usable directly
 * when a test needs a database outside the extension (e.g. in a {@code static} factory).
 *
 * <p>Server choice, made once per JVM and logged in one line: {@value #ENV_URL} when set (a
 * {@code postgres://} or {@code jdbc:postgresql://} URL of a role that may create databases);
 * else a Testcontainers PostgreSQL ({@link #CONTAINER_IMAGE}) when a Docker engine answers a ping
 * within a second (set {@value #ENV_DOCKER}{@code =never} to skip even that check); else
 * paperclip-db's embedded server. The core schema is migrated once into a template database;
 * every {@link #newDatabase} is a {@code CREATE DATABASE ... TEMPLATE} copy of it.
 *
 * <p>Thread-safe.
 */
public final class PaperclipTestServers {
  /** The PostgreSQL image used when Docker is available: the one place it is pinned. */
  public static final String CONTAINER_IMAGE = "postgres:17.6";
  /** Environment variable naming an external test server (wins over Docker and embedded). */
  public static final String ENV_URL = PostgresExtension.ENV_URL;
  /** Environment variable; {@code never} skips Docker detection and goes straight to embedded. */
  public static final String ENV_DOCKER = "PAPERCLIP_TESTKIT_DOCKER";

  private static final Logger LOG = LoggerFactory.getLogger(PaperclipTestServers.class);
  /** Template database per fixture key ("" = the bare migrated schema). */
  private static final Map<TemplateKey, String> TEMPLATES = new HashMap<>();

  /** What a template holds: the core schema, a fixture ("" for none), the project's changelogs. */
  private record TemplateKey(String fixture, List<String> changelogs) {}

  private PaperclipTestServers() {}

  /** Returns "external", "testcontainers" or "embedded", choosing the server if not yet chosen. */
  public static String serverKind() {
    return server().kind();
  }

  /** Returns the server's major version, e.g. 17. */
  public static int serverMajorVersion() {
    return server().majorVersion();
  }

  /**
   * Returns whether a Docker engine answers now (at most about a second per socket checked).
   * {@code false} when {@value #ENV_DOCKER} is {@code never}.
   */
  public static boolean dockerAvailable() {
    return !"never".equalsIgnoreCase(System.getenv(ENV_DOCKER)) && DockerProbe.engine().isPresent();
  }

  /**
   * Returns a new database holding the migrated Paperclip schema, named after {@code hint}.
   * The caller drops it with {@link PaperclipTestDatabase#drop()}.
   */
  public static PaperclipTestDatabase newDatabase(String hint) {
    return newDatabase(hint, "");
  }

  /**
   * Returns a new database holding the migrated Paperclip schema and, when {@code fixture} is not
   * empty, the contents of that backup (see {@link WithPaperclipDatabase#fixture()}).
   *
   * @throws IllegalStateException when the server cannot be reached, the migration fails or the
   *     fixture cannot be found or loaded
   */
  public static PaperclipTestDatabase newDatabase(String hint, String fixture) {
    return newDatabase(hint, fixture, List.of());
  }

  /**
   * Returns a new database as {@link #newDatabase(String, String)} does, with the test project's
   * own changelogs applied after the core schema and the fixture (see
   * {@link WithPaperclipDatabase#changelogs()}).
   *
   * @throws IllegalStateException as {@link #newDatabase(String, String)}; a template that failed
   *     to build is dropped, so a failing fixture or changelog leaves no database behind
   */
  public static PaperclipTestDatabase newDatabase(String hint, String fixture, List<String> changelogs) {
    TestServer s = server();
    String template = template(s, new TemplateKey(fixture == null ? "" : fixture.trim(), List.copyOf(changelogs)));
    long t0 = System.nanoTime();
    TestDatabase db = s.cloneDatabase(template, hint);
    LOG.debug("{} copied from {} in {} ms", db.name(), template, (System.nanoTime() - t0) / 1_000_000);
    return new PaperclipTestDatabase(db);
  }

  /**
   * Starts a Testcontainers server from {@link #CONTAINER_IMAGE} regardless of the JVM-wide
   * choice, for tests of the container path. Requires Docker.
   */
  public static PaperclipTestDatabase newContainerDatabase(String hint) {
    TestServer s = new TestServer(ContainerServer.start(CONTAINER_IMAGE), "testcontainers");
    TestDatabase db = s.createDatabase(hint);
    new Migrator(db.dataSource()).migrate();
    return new PaperclipTestDatabase(db);
  }

  static TestServer server() {
    return PostgresExtension.server(PaperclipTestServers::containerIfDocker);
  }

  private static TestServer containerIfDocker() {
    if ("never".equalsIgnoreCase(System.getenv(ENV_DOCKER))) {
      return null;
    }
    long t0 = System.nanoTime();
    Optional<String> engine = DockerProbe.engine();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (engine.isEmpty()) {
      LOG.debug("no Docker engine answered ({} checked in {} ms): using the embedded server",
          DockerProbe.candidates(), ms);
      return null;
    }
    LOG.debug("Docker engine at {} answered in {} ms: starting {}", engine.get(), ms, CONTAINER_IMAGE);
    return new TestServer(ContainerServer.start(CONTAINER_IMAGE), "testcontainers");
  }

  private static synchronized String template(TestServer s, TemplateKey key) {
    String name = TEMPLATES.get(key);
    if (name != null) {
      return name;
    }
    long t0 = System.nanoTime();
    TestDatabase db;
    if (!key.changelogs().isEmpty()) {
      db = s.cloneDatabase(template(s, new TemplateKey(key.fixture(), List.of())), "paperclip_app_template");
    } else if (key.fixture().isEmpty()) {
      db = s.createDatabase("paperclip_template");
    } else {
      db = s.cloneDatabase(template(s, new TemplateKey("", List.of())), fixtureHint(key.fixture()));
    }
    try {
      if (!key.changelogs().isEmpty()) {
        for (String changelog : key.changelogs()) {
          new Migrator(db.dataSource(), changelog.replaceFirst("^classpath:", "")).migrate();
        }
      } else if (key.fixture().isEmpty()) {
        new Migrator(db.dataSource()).migrate();
      } else {
        new PaperclipTestDatabase(db).loadBackup(resolveFixture(key.fixture()));
      }
      closeSessions(s, db.name());
    } catch (RuntimeException e) {
      // Without this every test method of a class with a broken fixture left one database behind.
      dropQuietly(s, db.name());
      throw e;
    }
    TEMPLATES.put(key, db.name());
    if (!"embedded".equals(s.kind())) {
      // the embedded server is deleted with the JVM; elsewhere do not leave templates behind
      Runtime.getRuntime().addShutdownHook(new Thread(() -> dropQuietly(s, db.name()),
          "paperclip-testkit-drop-template"));
    }
    LOG.debug("template {} ready in {} ms", db.name(), (System.nanoTime() - t0) / 1_000_000);
    return db.name();
  }

  /** The name part of a fixture's template: stable per fixture, so a test can find its databases. */
  static String fixtureHint(String fixture) {
    return "paperclip_fixture_" + Integer.toHexString(fixture.hashCode());
  }

  /** A template may have no sessions when it is copied; pools or drivers may linger briefly. */
  private static void closeSessions(TestServer s, String database) {
    try (Connection c = s.connectAdmin(); PreparedStatement ps = c.prepareStatement(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
      ps.setString(1, database);
      ps.execute();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close sessions on template " + database + ": "
          + e.getMessage(), e);
    }
  }

  private static void dropQuietly(TestServer s, String database) {
    try {
      s.dropDatabase(database);
    } catch (RuntimeException e) {
      // the server may already be gone at JVM exit
    }
  }

  static Path resolveFixture(String fixture) {
    if (fixture.toLowerCase(Locale.ROOT).startsWith("classpath:")) {
      String resource = fixture.substring("classpath:".length()).replaceFirst("^/", "");
      ClassLoader cl = Thread.currentThread().getContextClassLoader();
      try (InputStream in = cl == null ? null : cl.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("fixture " + fixture + " is not on the test classpath; "
              + "put the backup under src/test/resources/" + resource);
        }
        String suffix = resource.endsWith(".gz") ? ".sql.gz" : ".sql";
        Path tmp = Files.createTempFile("paperclip-fixture-", suffix);
        tmp.toFile().deleteOnExit();
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        return tmp;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read fixture " + fixture + ": " + e.getMessage(), e);
      }
    }
    Path p = Path.of(fixture);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("fixture " + p.toAbsolutePath() + " does not exist; make one "
          + "with `paperclipai db backup` or use classpath:<resource>");
    }
    return p;
  }
}
