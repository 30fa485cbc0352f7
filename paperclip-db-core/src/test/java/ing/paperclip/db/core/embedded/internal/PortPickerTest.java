package ing.paperclip.db.core.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortPickerTest {
  @Test
  void keepsThePreferredPortWhenFree() {
    assertEquals(54329, new PortPicker(p -> true).pick(54329));
  }

  @Test
  void takesTheNextFreePortInRange() {
    Set<Integer> taken = Set.of(54329, 54330, 54331);
    assertEquals(54332, new PortPicker(p -> !taken.contains(p)).pick(54329));
  }

  @Test
  void fallsBackToAnyPortWhenTheRangeIsTaken() {
    // Ports 1..21 are never handed out as ephemeral ports, so the OS's choice lies outside.
    int port = new PortPicker(p -> false).pick(1);
    assertTrue(port > 1 + PortPicker.RANGE && port <= 65535, "outside the probed range: " + port);
  }

  @Test
  void probesRealSockets() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int taken = s.getLocalPort();
      assertFalse(PortPicker.canBind(taken));
      assertNotEquals(taken, new PortPicker().pick(taken));
    }
  }
}
