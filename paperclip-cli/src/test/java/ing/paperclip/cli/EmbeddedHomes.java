package ing.paperclip.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Instance homes for ITs of the embedded server: each on a free port, all sharing the extracted binaries. */
final class EmbeddedHomes {
  private EmbeddedHomes() {}

  /**
   * Prepares {@code home} for a new embedded instance: its {@code runtime} links to the machine's
   * extracted server binaries (extracted once per machine, not once per test home), and its
   * default instance's config names a free port.
   *
   * @return {@code home}
   */
  static Path prepare(Path home) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Files.createDirectories(home);
    String shared = System.getenv("PAPERCLIP_HOME");
    Path cache = (shared != null && !shared.isBlank() ? Path.of(shared)
        : Path.of(System.getProperty("user.home"), ".paperclip")).resolve("runtime");
    Files.createDirectories(cache);
    Files.createSymbolicLink(home.resolve("runtime"), cache);
    Path instance = Files.createDirectories(home.resolve("instances/default"));
    Files.writeString(instance.resolve("config.json"), "{\"database\": {\"embeddedPostgresPort\": " + port + "}}");
    return home;
  }
}
