package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ing.paperclip.db.core.catalog.CatalogReader;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import ing.paperclip.db.secrets.MasterKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, acceptance 2: an instance with secrets, storage files and a plugin schema archived
 * with its sealed master key and restored into an empty home: the database equal, the files
 * byte-equal, every secret version decrypting. A wrong passphrase, a flipped byte and a truncated
 * archive are refused with one line before anything is written (the target home and database
 * unchanged), as is a different existing key unless --replace-key. No key, passphrase or secret
 * value in any output.
 */
@WithPostgres
class InstanceArchiveIT {
  private static final String CANARY = "sk-CANARY-5d1f0e9a33";
  private static final String PASS = "correct horse battery staple";
  private static final String COMPANY = "00000000-0000-0000-0000-000000000001";
  private static final String MARKER = "STORAGE-MARKER-0123456789";

  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private static Run run(Path home, TestDatabase db, Map<String, String> extra, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>(extra);
    env.put("PAPERCLIP_HOME", home.toString());
    env.put("DATABASE_URL", db.spec().libpqUri());
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  /** Every path under a directory (links not followed) with the SHA-256 of each file's bytes. */
  private static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    if (!Files.exists(dir)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        m.put(dir.relativize(p).toString(), Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? sha(Files.readAllBytes(p)) : "dir");
      }
    }
    return m;
  }

  private static String sha(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long userTables(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); var st = c.createStatement(); var rs = st.executeQuery(
        "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The catalog but what differs between any two databases of one server: the planner's estimates
   * (a restore analyzes what it loaded), the database's name, the per-database suffix of plugin login
   * roles (made again for the target) (owner grants are compared:
   * the plugin role repair once gave every table explicit ones).
   */
  private static String catalog(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      return new CatalogReader().read(c).toString().replaceAll("estimatedRows=-?\\d+, estimatedBytes=\\d+", "estimated")
          .replaceAll("database=[^,]+, ", "")
          .replaceAll("(plugin_[a-z0-9_]+_[0-9a-f]{10})_[0-9a-f]{8}", "$1_ROLE");
    }
  }

  private static void assertNothingSecretIn(Run r, String... more) {
    assertFalse(r.all().contains(CANARY), "no secret value in the output: " + r.all());
    assertFalse(r.all().contains(PASS), "no passphrase in the output");
    for (String m : more) {
      assertFalse(r.all().contains(m.strip()), "no key in the output");
    }
  }

  @Test
  void anInstanceArchiveRestoresIntoAnEmptyHomeAndDamageIsRefusedFirst(TestDatabase source) throws Exception {
    Path homeA = Files.createDirectories(tmp.resolve("a"));
    Map<String, String> migrate = Map.of("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    assertEquals(0, run(homeA, source, migrate, "db", "migrate").code());
    source.execute("INSERT INTO companies (id, name) VALUES ('" + COMPANY + "', 'Acme');"
        + "INSERT INTO agents (id, company_id, name, adapter_config) VALUES "
        + "('abcdef12-0000-0000-0000-000000000001', '" + COMPANY + "', 'Dev', "
        + "'{\"env\": {\"OPENAI_API_KEY\": \"" + CANARY + "-1\", \"GITHUB_TOKEN\": \"" + CANARY + "-2\"}}')");
    Run moved = run(homeA, source, migrate, "secrets", "migrate-inline-env", "--apply");
    assertEquals(0, moved.code(), moved.all());
    Path crm = Files.createDirectories(tmp.resolve("crm"));
    Files.writeString(crm.resolve("001_init.sql"), "CREATE TABLE deals (id bigserial PRIMARY KEY, name text);"
        + "INSERT INTO deals (name) SELECT 'deal ' || g FROM generate_series(1, 25) g;");
    Run plugin = run(homeA, source, migrate, "plugins", "migrate", "--plugin-key", "acme.crm", "--dir", crm.toString());
    assertEquals(0, plugin.code(), plugin.all());
    long versions;
    try (Connection c = source.connect(); var st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM company_secret_versions")) {
      rs.next();
      versions = rs.getLong(1);
    }
    assertTrue(versions > 0, "the source holds secret versions");

    Path instA = homeA.resolve("instances/default");
    Path storage = Files.createDirectories(instA.resolve("data/storage/uploads/2026"));
    byte[] blob = new byte[300_000];
    new Random(20).nextBytes(blob);
    Files.write(storage.resolve("blob.bin"), blob);
    Files.writeString(instA.resolve("data/storage/note.txt"), MARKER + " a stored file\n");
    Files.writeString(instA.resolve(".env"), "# instance settings\nPORT=3100\nOPENAI_API_KEY=" + CANARY
        + "-env\nDATABASE_URL=postgres://paperclip:" + CANARY + "-pw@db.example:5432/paperclip\n");
    Files.writeString(instA.resolve("config.json"), "{\"server\": {\"port\": 3100}}\n");
    String keyAText = Files.readString(instA.resolve("secrets/master.key"));
    MasterKey keyA = MasterKey.decode(keyAText, "test");

    Path dir = tmp.resolve("archives");
    Map<String, String> pass = Map.of("PAPERCLIP_ARCHIVE_PASSPHRASE", PASS);
    Run noPass = run(homeA, source, Map.of(), "instance", "backup", "--include-master-key", "--dir", dir.toString());
    assertEquals(2, noPass.code(), noPass.all());
    assertTrue(noPass.err().contains("PAPERCLIP_ARCHIVE_PASSPHRASE"), noPass.err());
    Run backup = run(homeA, source, pass, "instance", "backup", "--include-master-key", "--dir", dir.toString(), "--json");
    assertEquals(0, backup.code(), backup.all());
    assertNothingSecretIn(backup, keyAText);
    JsonNode b = new ObjectMapper().readTree(backup.out());
    Path archive = Path.of(b.get("file").asText());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));
    assertEquals(2, b.get("storageFiles").asInt(), backup.out());
    assertEquals(keyA.fingerprint(), b.get("masterKey").asText(), backup.out());
    assertEquals("[\"OPENAI_API_KEY\",\"DATABASE_URL\"]", b.get("envRemoved").toString(), backup.out());
    byte[] bytes = Files.readAllBytes(archive);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    assertFalse(text.contains(CANARY), "no secret value of the .env in the archive");
    assertFalse(text.contains(keyAText.strip()), "the key is only in the archive sealed");
    assertFalse(text.contains("PG_VERSION"), "the embedded data directory is never archived");
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(1, left.count(), "the archive alone, no temporary files");
    }
    Run list = run(homeA, source, Map.of(), "instance", "backup", "--list", "--dir", dir.toString());
    assertEquals(0, list.code(), list.all());
    assertTrue(list.out().contains(archive.getFileName().toString()) && list.out().contains(keyA.fingerprint()), list.out());
    Run verify = run(homeA, source, pass, "instance", "verify", archive.toString());
    assertEquals(0, verify.code(), verify.all());
    assertTrue(verify.out().contains("manifest authenticated"), verify.out());

    TestDatabase target = source.sibling("archive_target");
    TestDatabase other = source.sibling("archive_other");
    TestDatabase third = source.sibling("archive_keyless");
    try {
      Path homeB = Files.createDirectories(tmp.resolve("b"));
      Map<String, String> before = tree(homeB);
      // refused before anything is written: the home and the database stay as they were
      Path flipped = tmp.resolve("flipped.tar");
      int at = text.indexOf(MARKER) + 3;
      byte[] f = bytes.clone();
      f[at] ^= 0x01;
      Files.write(flipped, f);
      Path truncated = tmp.resolve("truncated.tar");
      Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
      Map<String, Map.Entry<Path, String>> bad = new java.util.LinkedHashMap<>();
      bad.put("wrong passphrase", Map.entry(archive, "wrong passphrase for the sealed master key"));
      bad.put("flipped byte", Map.entry(flipped, "does not match its manifest"));
      bad.put("truncated", Map.entry(truncated, "is damaged or not an instance archive"));
      for (Map.Entry<String, Map.Entry<Path, String>> c : bad.entrySet()) {
        Map<String, String> env = c.getKey().equals("wrong passphrase")
            ? Map.of("PAPERCLIP_ARCHIVE_PASSPHRASE", "not the passphrase") : pass;
        Run r = run(homeB, target, env, "instance", "restore", c.getValue().getKey().toString());
        assertTrue(r.code() != 0, c.getKey() + ": " + r.all());
        assertTrue(r.err().contains(c.getValue().getValue()) && r.err().contains("nothing was written"),
            c.getKey() + ": " + r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("error: ")).count(), c.getKey() + ": " + r.err());
        assertEquals(before, tree(homeB), c.getKey() + ": the target home is unchanged");
        assertEquals(0, userTables(target), c.getKey() + ": the target database is untouched");
        assertNothingSecretIn(r, keyAText);
      }

      Run restore = run(homeB, target, pass, "instance", "restore", archive.toString(), "--json");
      assertEquals(0, restore.code(), restore.all());
      assertNothingSecretIn(restore, keyAText);
      JsonNode r = new ObjectMapper().readTree(restore.out());
      assertTrue(r.get("authenticated").asBoolean(), restore.out());
      assertEquals(versions, r.get("secrets").get("versions").asLong(), restore.out());
      assertEquals(versions, r.get("secrets").get("opened").asLong(), restore.out());
      assertTrue(r.get("secrets").get("ok").asBoolean(), restore.out());
      DatabaseComparator.assertSameData(source, target);
      assertEquals(catalog(source), catalog(target));
      Path instB = homeB.resolve("instances/default");
      assertEquals(tree(instA.resolve("data/storage")), tree(instB.resolve("data/storage")), "storage byte-equal");
      assertArrayEquals(Files.readAllBytes(instA.resolve("config.json")), Files.readAllBytes(instB.resolve("config.json")));
      String envB = Files.readString(instB.resolve(".env"));
      assertTrue(envB.contains("PORT=3100") && !envB.contains(CANARY) && envB.contains("# OPENAI_API_KEY="), envB);
      Path keyB = instB.resolve("secrets/master.key");
      assertEquals(keyA, MasterKey.decode(Files.readString(keyB), "test"));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyB)));
      Run check = run(homeB, target, Map.of(), "secrets", "check");
      assertEquals(0, check.code(), check.all());
      assertTrue(check.out().contains(versions + " of " + versions + " secret versions decrypt"), check.out());

      // a database restore that fails (the target database is no longer empty) takes back the key it installed
      Path homeD = Files.createDirectories(tmp.resolve("d"));
      Run full = run(homeD, target, pass, "instance", "restore", archive.toString());
      assertEquals(8, full.code(), full.all());
      assertTrue(full.err().contains("not empty"), full.err());
      assertFalse(Files.exists(homeD.resolve("instances/default/secrets/master.key")), "the key was taken back");
      assertFalse(Files.exists(homeD.resolve("instances/default/config.json")), "no file was placed");

      // a home with another key: refused unless --replace-key, which keeps the old key beside it
      Path homeC = Files.createDirectories(tmp.resolve("c/instances/default/secrets")).getParent().getParent().getParent();
      Path keyC = homeC.resolve("instances/default/secrets/master.key");
      Files.writeString(keyC, "ab".repeat(32) + "\n");
      Files.setPosixFilePermissions(keyC, PosixFilePermissions.fromString("rw-------"));
      Map<String, String> beforeC = tree(homeC);
      Run conflict = run(homeC, other, pass, "instance", "restore", archive.toString());
      assertEquals(13, conflict.code(), conflict.all());
      assertTrue(conflict.err().contains("different master key") && conflict.err().contains("--replace-key"),
          conflict.err());
      assertEquals(beforeC, tree(homeC));
      assertEquals(0, userTables(other));
      Run replace = run(homeC, other, pass, "instance", "restore", archive.toString(), "--replace-key");
      assertEquals(0, replace.code(), replace.all());
      assertTrue(replace.out().contains(versions + " of " + versions + " secret versions decrypt"), replace.out());
      // the plugin's bigserial: its sequence is compared after the load too
      assertTrue(java.util.regex.Pattern.compile("verified \\d+ tables, \\d+ rows, [1-9]\\d* sequences")
          .matcher(replace.out()).find(), replace.out());
      Path old;
      try (Stream<Path> s = Files.list(keyC.getParent())) {
        old = s.filter(p -> p.getFileName().toString().startsWith("master.key.replaced-")).findFirst().orElseThrow();
      }
      assertEquals("ab".repeat(32) + "\n", Files.readString(old));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(old)));
      assertEquals(keyA, MasterKey.decode(Files.readString(keyC), "test"));
      assertNothingSecretIn(replace, keyAText, "ab".repeat(32));

      // an archive without its key: everything restored and placed, then the key check names the key it needs
      Run keyless = run(homeA, source, Map.of(), "instance", "backup", "--dir", tmp.resolve("keyless").toString());
      assertEquals(0, keyless.code(), keyless.all());
      Path homeE = Files.createDirectories(tmp.resolve("e"));
      Run noKey = run(homeE, third, Map.of(), "instance", "restore", keyless.out().strip());
      assertEquals(10, noKey.code(), noKey.all());
      assertTrue(noKey.err().contains("has no master key") && noKey.err().contains(keyA.fingerprint()), noKey.err());
      // the plugin login roles need the key too: the restore says where it stopped
      assertTrue(noKey.err().contains("warning: the database was loaded, but its restore stopped"), noKey.all());
      assertTrue(Files.exists(homeE.resolve("instances/default/config.json")), "the files are placed");
      assertFalse(Files.exists(homeE.resolve("instances/default/secrets/master.key")), "no key was made up");
      DatabaseComparator.assertSameData(source, third);
      assertNothingSecretIn(noKey, keyAText);
    } finally {
      target.dropInBackground();
      other.dropInBackground();
      third.dropInBackground();
    }
  }
}
