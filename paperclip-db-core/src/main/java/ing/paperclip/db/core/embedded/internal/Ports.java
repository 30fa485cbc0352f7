package ing.paperclip.db.core.embedded.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Port probing on 127.0.0.1. */
public final class Ports {
  private Ports() {}

  /** Returns whether nothing listens on the port and it can be bound. */
  public static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      // like the postmaster: a port whose old connections linger in TIME_WAIT is still usable
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Returns the preferred port if free, else the next free one of the following 100, else any. */
  public static int choose(int preferred) {
    for (int p = preferred; p < Math.min(65536, preferred + 100); p++) {
      if (isFree(p)) {
        return p;
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free TCP port on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  /** Returns whether something accepts TCP connections on the port within the timeout. */
  public static boolean accepts(int port, int timeoutMillis) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
