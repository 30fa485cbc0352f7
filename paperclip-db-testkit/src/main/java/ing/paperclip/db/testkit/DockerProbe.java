package ing.paperclip.db.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells, within about a second and without Testcontainers' own (slow, noisy) discovery, whether a
 * Docker engine answers {@code GET /_ping}: at {@code DOCKER_HOST} when set ({@code unix://} or
 * {@code tcp://}), otherwise at the usual sockets ({@code /var/run/docker.sock}, the rootless
 * {@code $XDG_RUNTIME_DIR/docker.sock}, Docker Desktop's {@code ~/.docker/run/docker.sock}).
 */
final class DockerProbe {
  static final long TIMEOUT_MILLIS = 1_000;

  private DockerProbe() {}

  /** Returns where the engine answered, or empty when none did. */
  static Optional<String> engine() {
    return engine(candidates());
  }

  /** Returns the first of {@code candidates} ({@code unix://} or {@code tcp://}) that answers. */
  static Optional<String> engine(List<String> candidates) {
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "paperclip-testkit-docker-probe");
      t.setDaemon(true);
      return t;
    });
    try {
      for (String endpoint : candidates) {
        Future<Boolean> ping = ex.submit(() -> ping(endpoint));
        try {
          if (ping.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            return Optional.of(endpoint);
          }
        } catch (TimeoutException | ExecutionException e) {
          ping.cancel(true);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
      return Optional.empty();
    } finally {
      ex.shutdownNow();
    }
  }

  static List<String> candidates() {
    List<String> out = new ArrayList<>();
    String host = System.getenv("DOCKER_HOST");
    if (host != null && !host.isBlank()) {
      out.add(host.trim());
      return out;
    }
    List<Path> sockets = new ArrayList<>();
    sockets.add(Path.of("/var/run/docker.sock"));
    String xdg = System.getenv("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isBlank()) {
      sockets.add(Path.of(xdg, "docker.sock"));
    }
    sockets.add(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
    for (Path p : sockets) {
      if (Files.exists(p)) {
        out.add("unix://" + p);
      }
    }
    return out;
  }

  private static boolean ping(String endpoint) throws IOException {
    byte[] request = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    URI uri = URI.create(endpoint);
    String reply;
    if ("unix".equals(uri.getScheme())) {
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(Path.of(uri.getPath())));
        ch.write(ByteBuffer.wrap(request));
        ByteBuffer buf = ByteBuffer.allocate(256);
        ch.read(buf);
        reply = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
      }
    } else if ("tcp".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) TIMEOUT_MILLIS);
        s.setSoTimeout((int) TIMEOUT_MILLIS);
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
        InputStream in = s.getInputStream();
        byte[] b = in.readNBytes(256);
        reply = new String(b, StandardCharsets.US_ASCII);
      }
    } else {
      return false; // ssh:// or npipe:// contexts: let the user name a server instead
    }
    return reply.startsWith("HTTP/1.") && reply.contains(" 200 ");
  }
}
