package ing.paperclip.db.core.testing;

import ing.paperclip.db.core.embedded.EmbeddedPostgres;
import ing.paperclip.db.core.embedded.EmbeddedPostgresConfig;
import ing.paperclip.db.core.embedded.EmbeddedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Starts the project's embedded PostgreSQL once per JVM for tests: a throw-away data directory
 * under the system temp dir, any free port, binaries cached in {@code ~/.paperclip/runtime} (or
 * {@code PAPERCLIP_HOME/runtime}). Stopped and deleted when the JVM exits.
 */
final class EmbeddedTestServer {
  private EmbeddedTestServer() {}

  static TestServer start() {
    try {
      Path root = Files.createTempDirectory("paperclip-it-pg-");
      String home = System.getenv("PAPERCLIP_HOME");
      Path cache = (home != null && !home.isBlank() ? Path.of(home)
          : Path.of(System.getProperty("user.home"), ".paperclip")).resolve("runtime");
      EmbeddedPostgres pg = new EmbeddedPostgres(EmbeddedPostgresConfig
          .builder(root.resolve("db"), cache).port(55400).build());
      EmbeddedServer server = pg.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.stop();
        } finally {
          deleteTree(root);
        }
      }, "paperclip-it-pg-stop"));
      return new TestServer(server.adminSpec().withDatabase("postgres"), "embedded");
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
