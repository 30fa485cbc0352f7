package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import ing.paperclip.db.secrets.MasterKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key check after a restore: secrets made under key A restored into an instance with key B
 * (or none) fail naming both fingerprints and the fix; with key A they all decrypt. No key and no
 * value in any output.
 */
@WithPostgres
class RestoreKeyCheckIT {
  private static final String CANARY = "sk-CANARY-77e0b2d4a1";
  private static final String COMPANY = "00000000-0000-0000-0000-000000000001";
  private static final String KEY_B = "cd".repeat(32);

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

  private static void assertNoSecretIn(Run r, String... keys) {
    assertFalse(r.all().contains(CANARY), "no secret value in the output");
    for (String k : keys) {
      assertFalse(r.all().contains(k.strip()), "no key in the output");
    }
  }

  @Test
  void secretsOfAnotherKeyAreReportedWithBothFingerprintsAndOpenWithTheRightKey(TestDatabase source) throws Exception {
    Path homeA = Files.createDirectories(tmp.resolve("a"));
    Map<String, String> migrate = Map.of("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    assertEquals(0, run(homeA, source, migrate, "db", "migrate").code());
    source.execute("INSERT INTO companies (id, name) VALUES ('" + COMPANY + "', 'Acme');"
        + "INSERT INTO agents (id, company_id, name, adapter_config) VALUES "
        + "('abcdef12-0000-0000-0000-000000000001', '" + COMPANY + "', 'Dev', "
        + "'{\"env\": {\"OPENAI_API_KEY\": \"" + CANARY + "-1\", \"GITHUB_TOKEN\": \"" + CANARY + "-2\"}}')");
    Run moved = run(homeA, source, migrate, "secrets", "migrate-inline-env", "--apply");
    assertEquals(0, moved.code(), moved.all());
    Path keyA = homeA.resolve("instances/default/secrets/master.key");
    String keyAText = Files.readString(keyA);
    String fpA = MasterKey.decode(keyAText, "test").fingerprint();
    String fpB = MasterKey.decode(KEY_B, "test").fingerprint();
    long n;
    try (var c = source.connect(); var st = c.createStatement(); var rs = st.executeQuery(
        "SELECT count(*) FROM company_secret_versions")) {
      rs.next();
      n = rs.getLong(1);
    }
    assertTrue(n > 0, "the source holds secret versions");
    Path dir = tmp.resolve("backups");
    assertEquals(0, run(homeA, source, migrate, "db", "backup", "--dir", dir.toString()).code());
    Path file;
    try (var s = Files.list(dir)) {
      file = s.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
    }

    TestDatabase wrong = source.sibling("key_b");
    TestDatabase none = source.sibling("key_none");
    TestDatabase right = source.sibling("key_a");
    try {
      Path homeB = Files.createDirectories(tmp.resolve("b"));
      // the backup is signed with key A: an instance holding key B sees a foreign file first
      Run foreign = run(homeB, wrong, Map.of("PAPERCLIP_SECRETS_MASTER_KEY", KEY_B), "db", "restore", file.toString());
      assertEquals(2, foreign.code(), foreign.all());
      assertTrue(foreign.err().contains("signed by another key (fp " + fpA) && foreign.err().contains("--accept-unsigned"),
          foreign.err());
      Run withB = run(homeB, wrong, Map.of("PAPERCLIP_SECRETS_MASTER_KEY", KEY_B), "db", "restore", "--accept-unsigned",
          file.toString());
      assertEquals(10, withB.code(), withB.all());
      assertTrue(withB.err().contains("only 0 of " + n + " secret versions decrypt") && withB.err().contains(fpA)
          && withB.err().contains(fpB), withB.err());
      assertTrue(withB.err().contains("paperclipai configure --section secrets --key-file FILE")
          && withB.err().contains("unset PAPERCLIP_SECRETS_MASTER_KEY"), withB.err());
      assertNoSecretIn(withB, KEY_B, keyAText);
      // the fix the message names: point the instance at key A, then check
      Run check = run(homeB, wrong, Map.of("PAPERCLIP_SECRETS_MASTER_KEY_FILE", keyA.toString()), "secrets", "check");
      assertEquals(0, check.code(), check.all());
      assertTrue(check.out().contains(n + " of " + n + " secret versions decrypt with the current key (fingerprint " + fpA + ")"),
          check.out());
      Run checkB = run(homeB, wrong, Map.of("PAPERCLIP_SECRETS_MASTER_KEY", KEY_B), "secrets", "check", "--json");
      assertEquals(10, checkB.code(), checkB.all());
      assertTrue(checkB.out().contains("\"fingerprint\" : \"" + fpA + "\"") || checkB.out().contains("\"fingerprint\":\""
          + fpA + "\""), checkB.out());
      assertNoSecretIn(checkB, KEY_B, keyAText);

      Path homeNone = Files.createDirectories(tmp.resolve("none"));
      Run noKey = run(homeNone, none, Map.of(), "db", "restore", file.toString());
      assertEquals(10, noKey.code(), noKey.all());
      assertTrue(noKey.err().contains("has no master key") && noKey.err().contains(fpA), noKey.err());
      assertFalse(Files.exists(homeNone.resolve("instances/default/secrets/master.key")), "no key was created");
      assertNoSecretIn(noKey, keyAText);

      Run withA = run(homeB, right, Map.of("PAPERCLIP_SECRETS_MASTER_KEY_FILE", keyA.toString()), "db", "restore",
          file.toString());
      assertEquals(0, withA.code(), withA.all());
      assertTrue(withA.out().contains(n + " of " + n + " secret versions decrypt with the current key (fingerprint " + fpA + ")"),
          withA.out());
      assertNoSecretIn(withA, keyAText);

      // a mixed-key database: one version moved to key B (v2, naming its key); the check reports per key
      try (var c = right.connect(); var st = c.createStatement(); var rs = st.executeQuery(
          "SELECT secret_id, version FROM company_secret_versions ORDER BY secret_id, version LIMIT 1")) {
        rs.next();
        java.util.UUID id = rs.getObject(1, java.util.UUID.class);
        int version = rs.getInt(2);
        var m = new ing.paperclip.db.secrets.LocalEncryptedProvider(MasterKey.decode(KEY_B, "test"), true)
            .encrypt(CANARY, id, version);
        try (var ps = c.prepareStatement("UPDATE company_secret_versions SET material = ?::jsonb, "
            + "provider_version_ref = NULL WHERE secret_id = ? AND version = ?")) {
          ps.setString(1, m.toJson());
          ps.setObject(2, id);
          ps.setInt(3, version);
          assertEquals(1, ps.executeUpdate());
        }
      }
      Run mixed = run(homeB, right, Map.of("PAPERCLIP_SECRETS_MASTER_KEY_FILE", keyA.toString()), "secrets", "check");
      assertEquals(10, mixed.code(), mixed.all());
      assertTrue(mixed.err().contains("only " + (n - 1) + " of " + n + " secret versions decrypt with the current master key "
          + "(fingerprint " + fpA) && mixed.err().contains("; 1 needs the key with fingerprint " + fpB + ";"), mixed.err());
      assertNoSecretIn(mixed, KEY_B, keyAText);
      assertFalse(mixed.err().contains(":  only"), "secrets check's error starts with the count: " + mixed.err());
      Run mixedJson = run(homeB, right, Map.of("PAPERCLIP_SECRETS_MASTER_KEY_FILE", keyA.toString()), "secrets", "check",
          "--json");
      assertEquals(10, mixedJson.code(), mixedJson.all());
      com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(mixedJson.out());
      assertEquals("[\"1 needs the key with fingerprint " + fpB + "\"]", j.path("needs").toString(), mixedJson.out());
      assertNoSecretIn(mixedJson, KEY_B, keyAText);
    } finally {
      wrong.dropInBackground();
      none.dropInBackground();
      right.dropInBackground();
    }
  }
}
