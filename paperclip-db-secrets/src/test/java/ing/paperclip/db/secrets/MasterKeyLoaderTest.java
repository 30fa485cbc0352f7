package ing.paperclip.db.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyLoaderTest {
  @TempDir
  Path dir;

  @Test
  void orderEnvThenFileThenConfigThenDefault() throws Exception {
    Path file = dir.resolve("k1");
    Files.writeString(file, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Path def = dir.resolve("secrets/master.key");
    String hex = "ff".repeat(32);
    assertEquals("environment PAPERCLIP_SECRETS_MASTER_KEY", new MasterKeyLoader(Map.of(
        "PAPERCLIP_SECRETS_MASTER_KEY", hex, "PAPERCLIP_SECRETS_MASTER_KEY_FILE", file.toString()),
        Optional.of(file), def).load().source());
    assertEquals(file.toString(), new MasterKeyLoader(Map.of("PAPERCLIP_SECRETS_MASTER_KEY_FILE", file.toString()),
        Optional.empty(), def).load().source());
    assertEquals("630dcd2966c4", new MasterKeyLoader(Map.of(), Optional.of(file), def).load().key().fingerprint());
    MasterKeyLoader.Loaded created = new MasterKeyLoader(Map.of(), Optional.empty(), def).load();
    assertTrue(created.created());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(def)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(def.getParent())));
    assertEquals(created.key(), new MasterKeyLoader(Map.of(), Optional.empty(), def).load().key(), "reused, not recreated");
  }

  @Test
  void missingConfiguredFileIsAnErrorNotASilentNewKey() {
    SecretsException e = assertThrows(SecretsException.class, () -> new MasterKeyLoader(
        Map.of("PAPERCLIP_SECRETS_MASTER_KEY_FILE", dir.resolve("gone.key").toString()), Optional.empty(),
        dir.resolve("default.key")).load());
    assertTrue(e.getMessage().contains("gone.key") && e.getMessage().contains("does not exist"));
    assertFalse(Files.exists(dir.resolve("default.key")));
  }

  @Test
  void looseKeyFileIsReportedAndTightened() throws Exception {
    Path file = dir.resolve("loose.key");
    Files.writeString(file, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    MasterKeyLoader.Loaded l = new MasterKeyLoader(Map.of(), Optional.of(file), dir.resolve("d")).load();
    assertEquals(1, l.warnings().size());
    assertTrue(l.warnings().get(0).contains("rw-r--r--"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void concurrentFirstUseCreatesTheKeyOnce() throws Exception {
    Path def = dir.resolve("race/master.key");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<MasterKeyLoader.Loaded>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      results.add(pool.submit(() -> {
        go.await();
        return MasterKeyLoader.readOrCreate(def);
      }));
    }
    go.countDown();
    Set<String> fingerprints = new HashSet<>();
    int created = 0;
    for (Future<MasterKeyLoader.Loaded> f : results) {
      MasterKeyLoader.Loaded l = f.get();
      fingerprints.add(l.key().fingerprint());
      created += l.created() ? 1 : 0;
    }
    pool.shutdown();
    assertEquals(1, fingerprints.size(), "every caller got the same key");
    assertEquals(1, created, "exactly one caller created it");
    try (var files = Files.list(def.getParent())) {
      assertEquals(1, files.count(), "no temporary files left");
    }
  }
}
