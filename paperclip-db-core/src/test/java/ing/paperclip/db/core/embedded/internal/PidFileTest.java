package ing.paperclip.db.core.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {
  @Test
  void parsesAReadyServer() {
    String text = "3597\n/tmp/embx/data\n1795577045\n55999\n\n127.0.0.1\n  2215672    131106\nready   \n";
    PidFile f = PidFile.parse(text).orElseThrow();
    assertEquals(3597, f.pid());
    assertEquals(55999, f.port());
    assertEquals("ready", f.status());
  }

  @Test
  void toleratesAStartingServerWithoutPort() {
    PidFile f = PidFile.parse("42\n/data\n").orElseThrow();
    assertEquals(42, f.pid());
    assertEquals(0, f.port());
    assertEquals("", f.status());
  }

  @Test
  void rejectsGarbage() {
    assertTrue(PidFile.parse("").isEmpty());
    assertTrue(PidFile.parse("abc\n/data\n").isEmpty());
    assertTrue(PidFile.parse("-5\n").isEmpty());
  }

  @Test
  void readsFromDataDirAndKnowsLiveness(@TempDir Path dir) throws Exception {
    assertTrue(PidFile.read(dir).isEmpty());
    Files.writeString(dir.resolve(PidFile.NAME), ProcessHandle.current().pid() + "\n" + dir + "\n1\n5432\n");
    PidFile self = PidFile.read(dir).orElseThrow();
    assertTrue(self.alive());
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    assertFalse(new PidFile(p.pid(), 5432, "").alive());
  }
}
