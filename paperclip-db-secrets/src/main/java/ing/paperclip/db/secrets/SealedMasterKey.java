package ing.paperclip.db.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A master key sealed with a passphrase, for carrying it inside an instance archive: Argon2id
 * (memory-hard; 64 MiB, 3 passes by default) derives an AES-256 key from the passphrase and a
 * random salt, and AES-GCM encrypts the 32 key bytes, authenticating the header (format, KDF
 * parameters, the key's fingerprint) as associated data, so a changed parameter, a flipped byte
 * or a wrong passphrase is refused, never half-accepted. The sealed text is one line of JSON that
 * holds no key material in the clear; the fingerprint in it is safe to show.
 *
 * <p>Stateless; thread-safe. Callers should clear passphrase arrays after use.
 */
public final class SealedMasterKey {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "paperclip-sealed-master-key-v1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_MEMORY_KIB = 1 << 20;
  private static final int MAX_ITERATIONS = 16;

  private SealedMasterKey() {}

  /** Seals with the default cost (64 MiB, 3 passes, 1 lane). */
  public static String seal(MasterKey key, char[] passphrase) {
    return seal(key, passphrase, 64 * 1024, 3, new SecureRandom());
  }

  /**
   * Seals a key.
   *
   * @param key the key
   * @param passphrase at least 8 characters
   * @param memoryKiB Argon2id memory, 8 MiB to 1 GiB
   * @param iterations Argon2id passes, 1 to 16
   * @param random the source of salt and IV
   * @return one line of JSON
   * @throws SecretsException for a passphrase shorter than 8 characters or parameters out of range
   */
  public static String seal(MasterKey key, char[] passphrase, int memoryKiB, int iterations, SecureRandom random) {
    if (passphrase.length < 8) {
      throw new SecretsException("the archive passphrase is too short (" + passphrase.length
          + " characters): use at least 8, e.g. a few random words");
    }
    checkCost(memoryKiB, iterations);
    byte[] salt = new byte[16];
    byte[] iv = new byte[12];
    random.nextBytes(salt);
    random.nextBytes(iv);
    ObjectNode n = JSON.createObjectNode();
    n.put("format", FORMAT);
    n.put("kdf", "argon2id");
    n.put("memoryKiB", memoryKiB);
    n.put("iterations", iterations);
    n.put("parallelism", 1);
    n.put("salt", Base64.getEncoder().encodeToString(salt));
    n.put("iv", Base64.getEncoder().encodeToString(iv));
    n.put("fingerprint", key.fingerprint());
    byte[] kek = kek(passphrase, salt, memoryKiB, iterations);
    byte[] raw = key.bytes();
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, iv));
      c.updateAAD(aad(n));
      n.put("ciphertext", Base64.getEncoder().encodeToString(c.doFinal(raw)));
      return JSON.writeValueAsString(n);
    } catch (GeneralSecurityException | JsonProcessingException e) {
      throw new SecretsException("cannot seal the master key: " + e.getMessage(), e);
    } finally {
      Arrays.fill(kek, (byte) 0);
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * Returns the fingerprint a sealed key records, without the passphrase (it is authenticated
   * only by {@link #open}).
   *
   * @throws SecretsException when the text is not a sealed key
   */
  public static String fingerprint(String sealed) {
    return text(parse(sealed), "fingerprint");
  }

  /**
   * Opens a sealed key.
   *
   * @param sealed the text {@link #seal} wrote
   * @param passphrase the passphrase it was sealed with
   * @return the key, whose fingerprint matches the recorded one
   * @throws SecretsException for a wrong passphrase or changed text (one message for both: they
   *     cannot be told apart), or text that is not a sealed key
   */
  public static MasterKey open(String sealed, char[] passphrase) {
    JsonNode n = parse(sealed);
    if (!FORMAT.equals(text(n, "format")) || !"argon2id".equals(text(n, "kdf")) || n.path("parallelism").asInt() != 1) {
      throw new SecretsException("the sealed master key has an unknown format or KDF; it was not written by this tool");
    }
    int memory = n.path("memoryKiB").asInt();
    int iterations = n.path("iterations").asInt();
    checkCost(memory, iterations);
    byte[] salt;
    byte[] iv;
    byte[] ct;
    try {
      salt = Base64.getDecoder().decode(text(n, "salt"));
      iv = Base64.getDecoder().decode(text(n, "iv"));
      ct = Base64.getDecoder().decode(text(n, "ciphertext"));
    } catch (IllegalArgumentException e) {
      throw new SecretsException("the sealed master key is damaged (not base64)", e);
    }
    if (salt.length != 16 || iv.length != 12 || ct.length != 48) {
      throw new SecretsException("the sealed master key is damaged (salt, IV or ciphertext of the wrong length)");
    }
    byte[] kek = kek(passphrase, salt, memory, iterations);
    byte[] raw = null;
    try {
      ObjectNode header = ((ObjectNode) n).deepCopy();
      header.remove("ciphertext");
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, iv));
      c.updateAAD(aad(header));
      raw = c.doFinal(ct);
      MasterKey key = MasterKey.of(raw);
      if (!key.fingerprint().equals(text(n, "fingerprint"))) {
        throw new SecretsException("the sealed master key does not match its recorded fingerprint");
      }
      return key;
    } catch (AEADBadTagException e) {
      throw new SecretsException("wrong passphrase for the sealed master key (fingerprint " + text(n, "fingerprint")
          + "), or the archive was changed; nothing was written", e);
    } catch (GeneralSecurityException e) {
      throw new SecretsException("cannot open the sealed master key: " + e.getMessage(), e);
    } finally {
      Arrays.fill(kek, (byte) 0);
      if (raw != null) {
        Arrays.fill(raw, (byte) 0);
      }
    }
  }

  private static void checkCost(int memoryKiB, int iterations) {
    if (memoryKiB < 8 * 1024 || memoryKiB > MAX_MEMORY_KIB || iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new SecretsException("sealed master key cost out of range (memory " + memoryKiB + " KiB, " + iterations
          + " passes): use 8 MiB to 1 GiB and 1 to " + MAX_ITERATIONS + " passes");
    }
  }

  /** The header fields in a fixed order, so the associated data does not depend on JSON layout. */
  private static byte[] aad(JsonNode n) {
    String s = String.join("|", text(n, "format"), text(n, "kdf"), String.valueOf(n.path("memoryKiB").asInt()),
        String.valueOf(n.path("iterations").asInt()), String.valueOf(n.path("parallelism").asInt()), text(n, "salt"),
        text(n, "iv"), text(n, "fingerprint"));
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] kek(char[] passphrase, byte[] salt, int memoryKiB, int iterations) {
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt).withMemoryAsKB(memoryKiB).withIterations(iterations).withParallelism(1).build());
    byte[] out = new byte[32];
    g.generateBytes(passphrase, out);
    return out;
  }

  private static JsonNode parse(String sealed) {
    try {
      JsonNode n = JSON.readTree(sealed);
      if (n == null || !n.isObject()) {
        throw new SecretsException("the sealed master key is not a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new SecretsException("the sealed master key is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new SecretsException("the sealed master key lacks its '" + field + "' field");
    }
    return v.asText();
  }
}
