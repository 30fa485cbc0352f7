package ing.paperclip.db.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The {@code local_encrypted} provider: AES-256-GCM with a random 12-byte IV and a 16-byte tag,
 * compatible with the original Paperclip (scheme v1, no additional data) and with our v2, which
 * binds the ciphertext to {@code secretId:version} as additional authenticated data so that
 * material copied onto another secret or version does not decrypt. Both are read; v2 is written
 * only when asked.
 *
 * <p>Thread-safe.
 */
public final class LocalEncryptedProvider {
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final MasterKey key;
  private final SecureRandom random;
  private final boolean writeV2;

  /**
   * Creates a provider.
   *
   * @param key the master key
   * @param writeV2 whether new material uses {@code local_encrypted_v2}
   */
  public LocalEncryptedProvider(MasterKey key, boolean writeV2) {
    this(key, writeV2, new SecureRandom());
  }

  /** Creates a provider with a given random source (for tests). */
  public LocalEncryptedProvider(MasterKey key, boolean writeV2, SecureRandom random) {
    this.key = Objects.requireNonNull(key, "key");
    this.random = Objects.requireNonNull(random, "random");
    this.writeV2 = writeV2;
  }

  /** Returns the key's fingerprint. */
  public String keyFingerprint() {
    return key.fingerprint();
  }

  /**
   * Encrypts a value for one secret version.
   *
   * @param plaintext the value
   * @param secretId the secret's id (bound into v2 material)
   * @param version the version number (bound into v2 material)
   */
  public SecretMaterial encrypt(String plaintext, UUID secretId, int version) {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    return encryptWithIv(plaintext, iv, writeV2 ? SecretMaterial.V2 : SecretMaterial.V1, secretId, version);
  }

  /** Encrypts with a given IV and scheme; for known-answer tests and rekeying. */
  public SecretMaterial encryptWithIv(String plaintext, byte[] iv, String scheme, UUID secretId, int version) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, iv));
      if (SecretMaterial.V2.equals(scheme)) {
        c.updateAAD(aad(secretId, version));
      } else if (!SecretMaterial.V1.equals(scheme)) {
        throw new SecretsException("unknown secret scheme '" + scheme + "'");
      }
      byte[] out = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] ct = Arrays.copyOf(out, out.length - TAG_BITS / 8);
      byte[] tag = Arrays.copyOfRange(out, out.length - TAG_BITS / 8, out.length);
      Base64.Encoder b64 = Base64.getEncoder();
      // v2 names its key (a label outside the additional data); v1 keeps the original's exact shape
      return new SecretMaterial(scheme, SecretMaterial.V2.equals(scheme) ? key.fingerprint() : null,
          b64.encodeToString(iv), b64.encodeToString(tag), b64.encodeToString(ct));
    } catch (GeneralSecurityException e) {
      throw new SecretsException("cannot encrypt with key " + key.fingerprint() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decrypts material.
   *
   * @param material the stored material
   * @param secretId the secret's id (checked for v2)
   * @param version the version (checked for v2)
   * @param secretName names the secret in errors
   * @throws SecretsException for a wrong key or tampered material, naming the secret and the key
   *     fingerprint
   */
  public String decrypt(SecretMaterial material, UUID secretId, int version, String secretName) {
    boolean v2 = SecretMaterial.V2.equals(material.scheme());
    if (!v2 && !SecretMaterial.V1.equals(material.scheme())) {
      throw new SecretsException("secret '" + secretName + "' has unknown scheme '"
          + printable(material.scheme()) + "'; it was not written by a local_encrypted provider");
    }
    try {
      Base64.Decoder d = Base64.getDecoder();
      byte[] iv = d.decode(material.iv());
      byte[] tag = d.decode(material.tag());
      byte[] ct = d.decode(material.ciphertext());
      if (iv.length != IV_BYTES || tag.length != TAG_BITS / 8) {
        throw new SecretsException("secret '" + secretName + "' has damaged material (IV or tag "
            + "of the wrong length); restore it from a backup or set it again");
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, iv));
      if (v2) {
        c.updateAAD(aad(secretId, version));
      }
      byte[] both = ByteBuffer.allocate(ct.length + tag.length).put(ct).put(tag).array();
      return new String(c.doFinal(both), StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new SecretsException("cannot decrypt secret '" + secretName + "' with master key "
          + key.fingerprint() + ": wrong key or tampered material; use the key it was written "
          + "with (PAPERCLIP_SECRETS_MASTER_KEY or the key file)", e);
    } catch (IllegalArgumentException e) {
      throw new SecretsException("secret '" + secretName + "' has damaged material (not base64); "
          + "restore it from a backup or set it again", e);
    } catch (GeneralSecurityException e) {
      throw new SecretsException("cannot decrypt secret '" + secretName + "' with master key "
          + key.fingerprint() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Tells whether this provider's key opens the material (an authentic decryption), without
   * returning the value.
   *
   * @throws SecretsException for damaged material or an unknown scheme (not for a wrong key)
   */
  public boolean opens(SecretMaterial material, UUID secretId, int version, String secretName) {
    try {
      decrypt(material, secretId, version, secretName);
      return true;
    } catch (SecretsException e) {
      if (e.getCause() instanceof AEADBadTagException) {
        return false;
      }
      throw e;
    }
  }

  /** Returns the SHA-256 hex of a value, as stored in {@code value_sha256}. */
  public static String sha256Hex(String value) {
    return HexFormat.of().formatHex(MasterKey.sha256(value.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] aad(UUID secretId, int version) {
    Objects.requireNonNull(secretId, "secretId is needed for local_encrypted_v2");
    return (secretId + ":" + version).getBytes(StandardCharsets.UTF_8);
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
