package ing.paperclip.db.secrets;

import ing.paperclip.db.core.keys.InstanceKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The 32-byte AES-256 master key of the {@code local_encrypted} provider. Its {@link #toString()}
 * and every error show only its fingerprint (the first 12 hex digits of its SHA-256), never the
 * key. Immutable and thread-safe.
 */
public final class MasterKey implements InstanceKey {
  private final byte[] key;
  private final String fingerprint;

  private MasterKey(byte[] key) {
    if (key.length != 32) {
      throw new SecretsException("a master key must be 32 bytes, got " + key.length);
    }
    this.key = key.clone();
    this.fingerprint = HexFormat.of().formatHex(sha256(key)).substring(0, 12);
  }

  /** Wraps 32 raw bytes. */
  public static MasterKey of(byte[] key) {
    return new MasterKey(key);
  }

  /**
   * Decodes a key the way the original Paperclip does, trying in order: 64 hex digits, base64 of
   * 32 bytes, a raw string of exactly 32 bytes.
   *
   * @param text the encoded key (surrounding whitespace ignored)
   * @param source where it came from, for the error message (never the value)
   * @throws SecretsException naming the source and the accepted forms
   */
  public static MasterKey decode(String text, String source) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      throw new SecretsException("the master key in " + source + " is empty or only whitespace; it must be 64 hex "
          + "digits, base64 of 32 bytes, or a 32-byte string; generate one with 'openssl rand -base64 32'");
    }
    if (t.matches("[0-9a-fA-F]{64}")) {
      return new MasterKey(HexFormat.of().parseHex(t));
    }
    try {
      byte[] b = Base64.getDecoder().decode(t);
      if (b.length == 32) {
        return new MasterKey(b);
      }
    } catch (IllegalArgumentException e) {
      // not base64: try the raw form
    }
    byte[] raw = t.getBytes(StandardCharsets.UTF_8);
    if (raw.length == 32) {
      return new MasterKey(raw);
    }
    throw new SecretsException("the master key in " + source + " is not 64 hex digits, base64 of 32 "
        + "bytes, or a 32-byte string (it has " + t.length() + " characters); generate one with "
        + "'openssl rand -base64 32'");
  }

  /** Returns the first 12 hex digits of the key's SHA-256, safe to print. */
  @Override
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public byte[] derive(String purpose) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(SHA256Digest.newInstance());
    hkdf.init(new HKDFParameters(key, null, purpose.getBytes(StandardCharsets.UTF_8)));
    byte[] out = new byte[32];
    hkdf.generateBytes(out, 0, out.length);
    return out;
  }

  /** Returns the key for javax.crypto. */
  public SecretKey secretKey() {
    return new SecretKeySpec(key, "AES");
  }

  /** Returns the key encoded as base64 (for writing a key file). Never log it. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(key);
  }

  /** Returns a copy of the raw key bytes. Never log them. */
  public byte[] bytes() {
    return key.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MasterKey m && MessageDigest.isEqual(key, m.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sha256(key));
  }

  @Override
  public String toString() {
    return "MasterKey[fingerprint=" + fingerprint + "]";
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
