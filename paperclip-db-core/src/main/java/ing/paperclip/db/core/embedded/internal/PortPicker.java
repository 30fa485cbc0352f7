package ing.paperclip.db.core.embedded.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.IntPredicate;

/** Chooses a free TCP port on 127.0.0.1: the preferred one, the next few, then any. */
public final class PortPicker {
  /** How many ports after the preferred one are tried before asking the OS for any. */
  public static final int RANGE = 20;

  private final IntPredicate isFree;

  /** Creates a picker that probes ports by binding a server socket on 127.0.0.1. */
  public PortPicker() {
    this(PortPicker::canBind);
  }

  /** Creates a picker with a custom probe (for tests). */
  public PortPicker(IntPredicate isFree) {
    this.isFree = isFree;
  }

  /**
   * Returns the preferred port if free, else the first free one of the next {@link #RANGE}, else
   * an ephemeral port chosen by the OS.
   */
  public int pick(int preferred) {
    for (int p = preferred; p <= Math.min(65535, preferred + RANGE); p++) {
      if (isFree.test(p)) {
        return p;
      }
    }
    return anyFreePort();
  }

  /** Returns a port the OS reports free right now. */
  public static int anyFreePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free TCP port on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  /** Returns true when a socket can bind 127.0.0.1:port now. */
  public static boolean canBind(int port) {
    try (ServerSocket s = new ServerSocket()) {
      // Like the postmaster: TIME_WAIT leftovers of closed connections must not make a port "taken".
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
