package ing.paperclip.db.backup.file;

import ing.paperclip.db.core.keys.InstanceKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An {@link InstanceKey} for tests of the backup module, which must not depend on the secrets
 * module: RFC 5869 HKDF-SHA256 (empty salt, one block) over a 32-byte key made from a seed, the
 * derivation {@code MasterKey} performs with BouncyCastle.
 */
public final class TestKey implements InstanceKey {
  private final byte[] key;

  /** Creates the key whose 32 bytes are SHA-256 of {@code seed}. */
  public TestKey(String seed) {
    try {
      key = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String fingerprint() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key)).substring(0, 12);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public byte[] derive(String purpose) {
    try {
      Mac extract = Mac.getInstance("HmacSHA256");
      extract.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
      byte[] prk = extract.doFinal(key);
      Mac expand = Mac.getInstance("HmacSHA256");
      expand.init(new SecretKeySpec(prk, "HmacSHA256"));
      expand.update(purpose.getBytes(StandardCharsets.UTF_8));
      expand.update((byte) 1);
      byte[] okm = expand.doFinal();
      Arrays.fill(prk, (byte) 0);
      return okm;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TestKey[" + fingerprint() + "]";
  }
}
