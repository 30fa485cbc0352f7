package ing.paperclip.db.testkit;

import ing.paperclip.db.core.settings.ConnectionSpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts the pinned PostgreSQL image with Testcontainers. Kept in its own class so Testcontainers
 * is loaded only when a Docker engine answered. The container lives until the JVM exits
 * (Testcontainers' reaper removes it).
 */
final class ContainerServer {
  private ContainerServer() {}

  static ConnectionSpec start(String image) {
    @SuppressWarnings("resource") // lives for the JVM; the reaper removes it
    PostgreSQLContainer<?> pg = new PostgreSQLContainer<>(DockerImageName.parse(image))
        .withDatabaseName("postgres")
        .withUsername("paperclip")
        .withPassword("paperclip");
    pg.start();
    return ConnectionSpec.parse("postgres://" + enc(pg.getUsername()) + ":" + enc(pg.getPassword())
        + "@" + pg.getHost() + ":" + pg.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT)
        + "/postgres");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
