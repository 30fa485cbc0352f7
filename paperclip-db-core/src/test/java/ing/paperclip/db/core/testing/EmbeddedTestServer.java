package ing.paperclip.db.core.testing;

import ing.paperclip.db.core.embedded.EmbeddedPostgres;
import ing.paperclip.db.core.embedded.EmbeddedPostgresConfig;
import ing.paperclip.db.core.embedded.EmbeddedServer;
import ing.paperclip.db.core.embedded.internal.PortPicker;
import ing.paperclip.db.core.embedded.internal.PostgresBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the project's embedded PostgreSQL once per JVM for tests: a fresh data directory under
 * {@code java.io.tmpdir}, any free port, superuser {@code paperclip}. A shutdown hook stops the
 * server and deletes the directory. The binaries are extracted once into
 * {@code java.io.tmpdir/paperclip-test-runtime} and shared by all test JVMs.
 */
final class EmbeddedTestServer {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedTestServer.class);

  private EmbeddedTestServer() {}

  /** Called once per JVM by {@link PostgresExtension#server()} (which synchronizes). */
  static TestServer start() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path root;
    try {
      root = Files.createTempDirectory(tmp, "paperclip-it-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temp dir for the embedded test server in "
          + tmp + ": " + e.getMessage(), e);
    }
    EmbeddedPostgres pg = new EmbeddedPostgres(EmbeddedPostgresConfig.builder(root.resolve("data"))
        .preferredPort(PortPicker.anyFreePort())
        .cacheDir(tmp.resolve("paperclip-test-runtime"))
        .build());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        pg.stop();
      } catch (RuntimeException e) {
        LOG.warn("cannot stop the embedded test server: {}", e.getMessage());
      }
      PostgresBinaries.deleteTree(root);
    }, "paperclip-embedded-test-server-stop"));
    EmbeddedServer server = pg.start();
    LOG.info("embedded test server on port {} started in {} ms", server.port(),
        server.startup().toMillis());
    return new TestServer(server.spec().withDatabase("postgres"), "embedded");
  }
}
