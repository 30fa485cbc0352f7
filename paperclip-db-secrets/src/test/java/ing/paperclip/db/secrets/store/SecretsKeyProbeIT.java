package ing.paperclip.db.secrets.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.keys.SecretsProbeResult;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import ing.paperclip.db.secrets.LocalEncryptedProvider;
import ing.paperclip.db.secrets.MasterKey;
import ing.paperclip.db.secrets.SecretMaterial;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A database whose secret versions were made under two keys (a half-finished move, two instances'
 * secrets merged): the probe reports per key, by the v2 material's kid first, then by the recorded
 * provider_version_ref. Never a key or a value in what it returns.
 */
@WithPostgres
class SecretsKeyProbeIT {
  private static final UUID COMPANY = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
  private static final MasterKey KEY_A = MasterKey.of(new byte[32]);
  private static final MasterKey KEY_B = MasterKey.decode("ab".repeat(32), "test");
  private static final String VALUE = "sk-CANARY-mixed-";

  @Test
  void mixedKeyDatabaseIsReportedPerKey(TestDatabase db) throws Exception {
    TestDatabase d = db.sibling("mixed_keys");
    try {
      new Migrator(d.dataSource()).migrate();
      d.execute("INSERT INTO companies (id, name) VALUES ('" + COMPANY + "', 'Mixed')");
      LocalEncryptedProvider a = new LocalEncryptedProvider(KEY_A, true);
      LocalEncryptedProvider b = new LocalEncryptedProvider(KEY_B, true);
      SecretStore store = new SecretStore(d.dataSource(), a);
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ids.add(store.create(NewSecret.forCompany(COMPANY).key("k" + i).name("secret " + i).value(VALUE + i)).id());
      }
      // v2 material names its key
      assertTrue(SecretMaterial.fromJson(material(d, ids.get(0))).kid().equals(KEY_A.fingerprint()));
      try (Connection c = d.connect()) {
        // 3 versions re-encrypted under key B, recorded as such (a rekey that stopped half-way)
        for (int i = 0; i < 3; i++) {
          write(c, ids.get(i), b.encrypt(VALUE + i, ids.get(i), 1), KeyCheck.ref(KEY_B.fingerprint()));
        }
        // 1 under key B whose provider_version_ref still says key A: the material's kid wins
        write(c, ids.get(3), b.encrypt(VALUE + 3, ids.get(3), 1), KeyCheck.ref(KEY_A.fingerprint()));
        // 1 v1 version under key B with no record at all (the original Paperclip's shape)
        SecretMaterial v1 = new LocalEncryptedProvider(KEY_B, false).encrypt(VALUE + 4, ids.get(4), 1);
        assertEquals(null, v1.kid(), "v1 keeps the original's shape");
        write(c, ids.get(4), v1, null);
        // 1 damaged version naming key A
        SecretMaterial ok = SecretMaterial.fromJson(material(d, ids.get(5)));
        write(c, ids.get(5), new SecretMaterial(ok.scheme(), ok.kid(), ok.iv(), ok.tag(),
            "AAAA" + ok.ciphertext().substring(4)), KeyCheck.ref(KEY_A.fingerprint()));
      }

      SecretsProbeResult withA = new SecretsKeyProbe(a).probe(d.dataSource());
      assertEquals(10, withA.versions());
      assertEquals(4, withA.opened());
      assertEquals(List.of(KEY_A.fingerprint(), KEY_B.fingerprint(), SecretsProbeResult.UNRECORDED).stream()
          .sorted().toList(), withA.neededFingerprints().stream().sorted().toList());
      assertEquals("4 of 10 secret versions decrypt with the current key (fingerprint " + KEY_A.fingerprint()
          + "); " + String.join("; ", inKeyOrder(new java.util.TreeMap<>(java.util.Map.of(
              KEY_A.fingerprint(), "1 name the current key but do not decrypt with it (damaged or tampered material)",
              KEY_B.fingerprint(), "4 need the key with fingerprint " + KEY_B.fingerprint(),
              SecretsProbeResult.UNRECORDED, "1 needs a key whose fingerprint was not recorded")))), withA.summary());

      SecretsProbeResult withB = new SecretsKeyProbe(b).probe(d.dataSource());
      assertEquals(5, withB.opened(), "key B opens its 4 labelled versions and the unlabelled v1 one");
      assertTrue(withB.summary().startsWith("5 of 10 secret versions decrypt with the current key (fingerprint "
          + KEY_B.fingerprint() + "); 5 need the key with fingerprint " + KEY_A.fingerprint()), withB.summary());
      for (SecretsProbeResult r : List.of(withA, withB)) {
        assertFalse(r.toString().contains(VALUE) || r.summary().contains(VALUE), "no value");
        assertFalse(r.toString().contains("abababab"), "no key");
      }
    } finally {
      d.drop();
    }
  }

  /** The phrases in the probe's key order: fingerprint order ("not recorded" sorts after hex digits). */
  private static List<String> inKeyOrder(java.util.TreeMap<String, String> byFingerprint) {
    return List.copyOf(byFingerprint.values());
  }

  private static String material(TestDatabase d, UUID id) throws Exception {
    try (Connection c = d.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT material::text FROM company_secret_versions WHERE secret_id = ?")) {
      ps.setObject(1, id);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static void write(Connection c, UUID id, SecretMaterial m, String ref) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("UPDATE company_secret_versions SET material = ?::jsonb, "
        + "provider_version_ref = ? WHERE secret_id = ? AND version = 1")) {
      ps.setString(1, m.toJson());
      ps.setString(2, ref);
      ps.setObject(3, id);
      assertEquals(1, ps.executeUpdate());
    }
  }
}
