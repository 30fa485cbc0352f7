package ing.paperclip.db.core.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.embedded.internal.BinaryInstaller;
import ing.paperclip.db.core.embedded.internal.BinaryInstaller.Binaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinaryInstallerTest {
  @TempDir Path cache;

  @Test
  void theRepackedArchiveIsShippedAndExtractsToWorkingPrograms() throws Exception {
    assertNotNull(BinaryInstaller.class.getClassLoader().getResource("META-INF/paperclip-db/postgres-linux-x86_64-"
        + BinaryInstallerTestSupport.artifactVersion() + ".tar.gz"), "paperclip-db-embedded repacks zonky's .txz");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      // two installers at once: one extracts, the other waits for the lock and reuses it
      Future<Binaries> a = pool.submit(() -> BinaryInstaller.resolve(Optional.empty(), cache));
      Future<Binaries> b = pool.submit(() -> BinaryInstaller.resolve(Optional.empty(), cache));
      Binaries bin = a.get();
      assertEquals(bin.home(), b.get().home());
      assertTrue(Files.isRegularFile(bin.home().resolve(".complete")));
      for (String p : new String[] {"initdb", "pg_ctl", "postgres"}) {
        assertTrue(Files.isExecutable(bin.bin(p)), p);
      }
      Process v = new ProcessBuilder(bin.bin("postgres").toString(), "--version").redirectErrorStream(true).start();
      String out = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, v.waitFor(), out);
      assertTrue(out.contains(bin.version()), out + " vs " + bin.version());
      try (var s = Files.list(cache)) {
        assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary left");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
