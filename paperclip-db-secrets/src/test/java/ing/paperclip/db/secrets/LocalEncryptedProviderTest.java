package ing.paperclip.db.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ing.paperclip.db.core.testing.Corpora;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class LocalEncryptedProviderTest {
  private static final UUID ID = UUID.fromString("11111111-2222-3333-4444-555555555555");

  static JsonNode vectors() throws Exception {
    return new ObjectMapper().readTree(Corpora.resource("vectors/local_encrypted_v1.json"));
  }

  @Test
  void materialWrittenByTheOriginalDecryptsAndReEncryptsIdentically() throws Exception {
    JsonNode v = vectors();
    MasterKey key = MasterKey.decode(v.get("key_hex").asText(), "test");
    assertEquals(key, MasterKey.decode(v.get("key_base64").asText(), "test"));
    assertEquals(v.get("key_sha256_prefix12").asText(), key.fingerprint());
    LocalEncryptedProvider p = new LocalEncryptedProvider(key, false);
    assertTrue(v.get("vectors").size() >= 4);
    for (JsonNode vec : v.get("vectors")) {
      SecretMaterial m = SecretMaterial.fromJson(vec.get("material").toString());
      String plain = vec.get("plaintext").asText();
      assertEquals(plain, p.decrypt(m, null, 0, "vector"));
      assertEquals(vec.get("value_sha256").asText(), LocalEncryptedProvider.sha256Hex(plain));
      SecretMaterial again = p.encryptWithIv(plain, Base64.getDecoder().decode(m.iv()), SecretMaterial.V1, null, 0);
      assertEquals(m, again, "same key and IV give the original's material");
      assertEquals(new ObjectMapper().readTree(vec.get("material").toString()), new ObjectMapper().readTree(again.toJson()));
    }
  }

  @Test
  void interoperatesWithTheJdkCipherUsedDirectly() throws Exception {
    byte[] raw = new byte[32];
    for (int i = 0; i < 32; i++) {
      raw[i] = (byte) (31 - i);
    }
    byte[] iv = "twelve bytes".getBytes(StandardCharsets.US_ASCII);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(raw, "AES"), new GCMParameterSpec(128, iv));
    byte[] out = c.doFinal("hello, independent world".getBytes(StandardCharsets.UTF_8));
    Base64.Encoder b = Base64.getEncoder();
    SecretMaterial m = new SecretMaterial("local_encrypted_v1", b.encodeToString(iv),
        b.encodeToString(java.util.Arrays.copyOfRange(out, out.length - 16, out.length)),
        b.encodeToString(java.util.Arrays.copyOf(out, out.length - 16)));
    LocalEncryptedProvider p = new LocalEncryptedProvider(MasterKey.of(raw), false);
    assertEquals("hello, independent world", p.decrypt(m, null, 0, "jdk"));
    SecretMaterial ours = p.encrypt("back again", ID, 1);
    Cipher d = Cipher.getInstance("AES/GCM/NoPadding");
    d.init(Cipher.DECRYPT_MODE, new SecretKeySpec(raw, "AES"), new GCMParameterSpec(128, Base64.getDecoder().decode(ours.iv())));
    byte[] both = (ours.ciphertext().isEmpty() ? "" : ours.ciphertext()).isEmpty() ? new byte[0] : null;
    byte[] ct = Base64.getDecoder().decode(ours.ciphertext());
    byte[] tag = Base64.getDecoder().decode(ours.tag());
    both = new byte[ct.length + tag.length];
    System.arraycopy(ct, 0, both, 0, ct.length);
    System.arraycopy(tag, 0, both, ct.length, tag.length);
    assertEquals("back again", new String(d.doFinal(both), StandardCharsets.UTF_8));
  }

  @Test
  void v2BindsSecretIdAndVersionAndV1StillReads() {
    MasterKey key = MasterKey.of(new byte[32]);
    LocalEncryptedProvider v2 = new LocalEncryptedProvider(key, true);
    SecretMaterial m = v2.encrypt("s3cret", ID, 3);
    assertEquals("local_encrypted_v2", m.scheme());
    assertEquals("s3cret", v2.decrypt(m, ID, 3, "n"));
    assertThrows(SecretsException.class, () -> v2.decrypt(m, ID, 4, "n"), "another version");
    assertThrows(SecretsException.class, () -> v2.decrypt(m, UUID.randomUUID(), 3, "n"), "another secret");
    SecretMaterial v1 = new LocalEncryptedProvider(key, false).encrypt("old", ID, 1);
    assertEquals("old", v2.decrypt(v1, ID, 1, "n"));
  }

  @Test
  void tamperedMaterialAndWrongKeysFailWithoutLeaking() {
    MasterKey key = MasterKey.of(new byte[32]);
    LocalEncryptedProvider p = new LocalEncryptedProvider(key, false);
    SecretMaterial m = p.encrypt("top-secret-value", ID, 1);
    Base64.Decoder d = Base64.getDecoder();
    Base64.Encoder e = Base64.getEncoder();
    byte[] iv = d.decode(m.iv());
    iv[0] ^= 1;
    byte[] tag = d.decode(m.tag());
    tag[5] ^= 1;
    byte[] ct = d.decode(m.ciphertext());
    ct[2] ^= 1;
    SecretMaterial[] bad = {
        new SecretMaterial(m.scheme(), e.encodeToString(iv), m.tag(), m.ciphertext()),
        new SecretMaterial(m.scheme(), m.iv(), e.encodeToString(tag), m.ciphertext()),
        new SecretMaterial(m.scheme(), m.iv(), m.tag(), e.encodeToString(ct)),
        new SecretMaterial("local_encrypted_v9", m.iv(), m.tag(), m.ciphertext()),
        new SecretMaterial(m.scheme(), "!!", m.tag(), m.ciphertext())};
    for (SecretMaterial b : bad) {
      SecretsException ex = assertThrows(SecretsException.class, () -> p.decrypt(b, ID, 1, "OPENAI_KEY"));
      assertTrue(ex.getMessage().contains("OPENAI_KEY"), ex.getMessage());
      assertFalse(ex.getMessage().contains("top-secret-value"));
      assertFalse(ex.getMessage().contains("\n"));
    }
    byte[] other = new byte[32];
    other[0] = 1;
    MasterKey wrong = MasterKey.of(other);
    SecretsException ex = assertThrows(SecretsException.class,
        () -> new LocalEncryptedProvider(wrong, false).decrypt(m, ID, 1, "OPENAI_KEY"));
    assertTrue(ex.getMessage().contains(wrong.fingerprint()) && ex.getMessage().contains("wrong key"), ex.getMessage());
    assertFalse(ex.getMessage().contains(wrong.toBase64()));
    assertFalse(wrong.toString().contains(wrong.toBase64()));
  }

  @Test
  void v2MaterialNamesItsKeyOutsideTheAdditionalDataAndV1KeepsTheOriginalShape() {
    MasterKey key = MasterKey.of(new byte[32]);
    java.util.UUID id = java.util.UUID.randomUUID();
    SecretMaterial v2 = new LocalEncryptedProvider(key, true).encrypt("value", id, 3);
    assertEquals(key.fingerprint(), v2.kid());
    assertTrue(v2.toJson().startsWith("{\"scheme\":\"local_encrypted_v2\",\"kid\":\"" + key.fingerprint() + "\","),
        v2.toJson());
    assertEquals(v2, SecretMaterial.fromJson(v2.toJson()));
    // a build that predates the label reads the same material without it: the additional data is unchanged
    SecretMaterial unlabelled = new SecretMaterial(v2.scheme(), v2.iv(), v2.tag(), v2.ciphertext());
    assertEquals("value", new LocalEncryptedProvider(key, true).decrypt(unlabelled, id, 3, "s"));
    SecretMaterial v1 = new LocalEncryptedProvider(key, false).encrypt("value", id, 3);
    assertEquals(null, v1.kid());
    assertFalse(v1.toJson().contains("kid"), v1.toJson());
    SecretsException bad = assertThrows(SecretsException.class, () -> SecretMaterial.fromJson(
        v2.toJson().replace(key.fingerprint(), "not-a-fingerprint")));
    assertFalse(bad.getMessage().contains("not-a-fingerprint"), bad.getMessage());
  }
}
