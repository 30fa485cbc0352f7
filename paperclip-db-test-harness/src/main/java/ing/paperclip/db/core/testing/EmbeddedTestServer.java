package ing.paperclip.db.core.testing;

import ing.paperclip.db.core.embedded.EmbeddedPostgres;
import ing.paperclip.db.core.embedded.EmbeddedPostgresConfig;
import ing.paperclip.db.core.embedded.EmbeddedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Starts the project's embedded PostgreSQL once per JVM for tests: a throw-away data directory
 * under the system temp dir, any free port, binaries cached in {@code ~/.paperclip/runtime} (or
 * {@code PAPERCLIP_HOME/runtime}), durability off ({@link TestServer#embedded}). Stopped and
 * deleted when the JVM exits. The PostgreSQL major is
 * the newest bundled one on the classpath, or the one named by the system property
 * {@value #MAJOR_PROPERTY} (else the environment variable {@value #MAJOR_ENV}), e.g. 16 with
 * {@code ing.paperclip:paperclip-db-embedded-16} on the test classpath.
 */
final class EmbeddedTestServer {
  /** The system property choosing the embedded server's PostgreSQL major. */
  static final String MAJOR_PROPERTY = "paperclip.test.postgres.major";
  /** The environment variable choosing it when the property is not set. */
  static final String MAJOR_ENV = "PAPERCLIP_TEST_POSTGRES_MAJOR";

  private EmbeddedTestServer() {}

  /** Returns the major asked for by {@value #MAJOR_PROPERTY} or {@value #MAJOR_ENV}, if any. */
  static OptionalInt requestedMajor() {
    String v = System.getProperty(MAJOR_PROPERTY);
    String from = MAJOR_PROPERTY;
    if (v == null || v.isBlank()) {
      v = System.getenv(MAJOR_ENV);
      from = MAJOR_ENV;
    }
    if (v == null || v.isBlank()) {
      return OptionalInt.empty();
    }
    if (!v.strip().matches("\\d{2}")) {
      throw new IllegalStateException(from + "=" + v + " is not a PostgreSQL major: use e.g. 16 or 18");
    }
    return OptionalInt.of(Integer.parseInt(v.strip()));
  }

  static TestServer start() {
    OptionalInt major = requestedMajor();
    try {
      Path root = Files.createTempDirectory("paperclip-it-pg-");
      String home = System.getenv("PAPERCLIP_HOME");
      Path cache = (home != null && !home.isBlank() ? Path.of(home)
          : Path.of(System.getProperty("user.home"), ".paperclip")).resolve("runtime");
      EmbeddedPostgresConfig.Builder config = EmbeddedPostgresConfig.builder(root.resolve("db"), cache).port(55400);
      major.ifPresent(config::postgresMajor);
      EmbeddedPostgres pg = new EmbeddedPostgres(config.build());
      EmbeddedServer server = pg.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.stop();
        } finally {
          deleteTree(root);
        }
      }, "paperclip-it-pg-stop"));
      return TestServer.embedded(server);
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare the embedded test server: " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp dir: best effort
    }
  }
}
