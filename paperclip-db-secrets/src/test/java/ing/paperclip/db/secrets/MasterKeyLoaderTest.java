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

  @Test
  void blankOrWhitespaceKeysAreRefusedWithTheAcceptedFormsAndCreateNothing() {
    Path def = dir.resolve("secrets/master.key");
    for (String blank : new String[] {"", "   ", " \t\n"}) {
      SecretsException e = assertThrows(SecretsException.class,
          () -> new MasterKeyLoader(Map.of("PAPERCLIP_SECRETS_MASTER_KEY", blank), Optional.empty(), def).load());
      assertTrue(e.getMessage().contains("PAPERCLIP_SECRETS_MASTER_KEY is set but"), e.getMessage());
      assertTrue(e.getMessage().contains("64 hex digits, base64 of 32 bytes, or a 32-byte string"), e.getMessage());
      SecretsException f = assertThrows(SecretsException.class,
          () -> new MasterKeyLoader(Map.of("PAPERCLIP_SECRETS_MASTER_KEY_FILE", blank), Optional.empty(), def).load());
      assertTrue(f.getMessage().contains("PAPERCLIP_SECRETS_MASTER_KEY_FILE is set but"), f.getMessage());
    }
    assertFalse(Files.exists(def.getParent()), "no key was created");
  }

  @Test
  void aBlankKeyFileIsRefusedWithTheAcceptedForms() throws Exception {
    Path file = Files.writeString(dir.resolve("blank.key"), "  \n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    SecretsException e = assertThrows(SecretsException.class,
        () -> new MasterKeyLoader(Map.of(), Optional.of(file), dir.resolve("d")).load());
    assertTrue(e.getMessage().contains("empty or only whitespace") && e.getMessage().contains("64 hex digits"), e.getMessage());
  }

  @Test
  void aSymlinkedKeyPathIsRefusedAndItsTargetLeftAlone() throws Exception {
    Path target = Files.writeString(dir.resolve("not-a-key.txt"), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(dir.resolve("master.key"), target);
    for (MasterKeyLoader loader : List.of(new MasterKeyLoader(Map.of(), Optional.of(link), dir.resolve("d")),
        new MasterKeyLoader(Map.of("PAPERCLIP_SECRETS_MASTER_KEY_FILE", link.toString()), Optional.empty(), dir.resolve("d")),
        new MasterKeyLoader(Map.of(), Optional.empty(), link))) {
      SecretsException e = assertThrows(SecretsException.class, loader::load);
      assertTrue(e.getMessage().contains("symbolic link to " + target.toRealPath()), e.getMessage());
    }
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)), "target not chmodded");
    assertEquals("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", Files.readString(target));
    // a dangling link is something: no key is created through it
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling.key"), dir.resolve("elsewhere.key"));
    SecretsException e = assertThrows(SecretsException.class, () -> MasterKeyLoader.readOrCreate(dangling));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("elsewhere.key")));
  }

  @Test
  void aDirectoryKeyPathIsRefusedAndLeftAlone() throws Exception {
    Path d = Files.createDirectories(dir.resolve("keydir"));
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (MasterKeyLoader loader : List.of(new MasterKeyLoader(Map.of(), Optional.of(d), dir.resolve("x")),
        new MasterKeyLoader(Map.of(), Optional.empty(), d))) {
      SecretsException e = assertThrows(SecretsException.class, loader::load);
      assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
    try (var files = Files.list(d)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void findCreatesNothing() {
    Path def = dir.resolve("secrets/master.key");
    assertTrue(new MasterKeyLoader(Map.of(), Optional.empty(), def).find().isEmpty());
    assertFalse(Files.exists(def));
  }
}
