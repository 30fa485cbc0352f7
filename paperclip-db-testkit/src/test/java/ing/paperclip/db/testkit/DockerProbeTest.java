package ing.paperclip.db.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerProbeTest {
  @TempDir Path tmp;

  @Test
  void anEngineThatAnswersThePingIsFound() throws Exception {
    Path sock = tmp.resolve("docker.sock");
    try (ServerSocketChannel server = fakeEngine(sock, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")) {
      assertTrue(server.isOpen());
      String endpoint = "unix://" + sock;
      assertEquals(Optional.of(endpoint), DockerProbe.engine(List.of("unix://" + tmp.resolve("none.sock"), endpoint)));
    }
  }

  @Test
  void anEngineThatErrsIsNotUsed() throws Exception {
    Path sock = tmp.resolve("docker.sock");
    try (ServerSocketChannel server = fakeEngine(sock, "HTTP/1.1 500 Internal Server Error\r\n\r\n")) {
      assertTrue(server.isOpen());
      assertEquals(Optional.empty(), DockerProbe.engine(List.of("unix://" + sock)));
    }
  }

  @Test
  void aSocketThatNeverAnswersIsGivenUpOn() throws Exception {
    Path sock = tmp.resolve("silent.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock)); // accepts into the backlog, never replies
      assertEquals(Optional.empty(), DockerProbe.engine(List.of("unix://" + sock)));
    }
  }

  @Test
  void noSocketsOrAClosedPortMeanNoDocker() throws IOException {
    assertEquals(Optional.empty(), DockerProbe.engine(List.of()));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertEquals(Optional.empty(), DockerProbe.engine(List.of("tcp://127.0.0.1:" + port)));
    assertEquals(Optional.empty(), DockerProbe.engine(List.of("ssh://user@host")));
  }

  @Test
  void theUsualSocketsAreOnlyCandidatesWhenTheyExist() {
    for (String c : DockerProbe.candidates()) {
      assertTrue(c.startsWith("unix://") || c.equals(System.getenv("DOCKER_HOST").trim()), c);
    }
  }

  private static ServerSocketChannel fakeEngine(Path sock, String reply) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(sock));
    Thread t = new Thread(() -> {
      try (SocketChannel ch = server.accept()) {
        ch.read(ByteBuffer.allocate(512));
        ch.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII)));
      } catch (IOException ignored) {
        // closed by the test
      }
    }, "fake-docker");
    t.setDaemon(true);
    t.start();
    return server;
  }
}
