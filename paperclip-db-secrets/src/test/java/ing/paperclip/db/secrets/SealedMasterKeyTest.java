package ing.paperclip.db.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Sealing a master key with a passphrase: round trip, and every kind of damage refused. */
class SealedMasterKeyTest {
  private static final MasterKey KEY = MasterKey.decode("5a".repeat(32), "test");
  private static final char[] PASS = "correct horse battery".toCharArray();

  /** A cheap cost: the tests check the construction, not the cost. */
  private static String seal() {
    return SealedMasterKey.seal(KEY, PASS, 8 * 1024, 1, new SecureRandom());
  }

  @Test
  void roundTripsAndHoldsNoKeyMaterialInTheClear() {
    String sealed = seal();
    assertFalse(sealed.contains("5a5a"), sealed);
    assertFalse(sealed.contains(KEY.toBase64()), sealed);
    assertEquals(KEY.fingerprint(), SealedMasterKey.fingerprint(sealed));
    assertArrayEquals(KEY.bytes(), SealedMasterKey.open(sealed, PASS).bytes());
    assertNotEquals(sealed, seal(), "a fresh salt and IV every time");
  }

  @Test
  void aWrongPassphraseIsRefusedNamingTheFingerprintOnly() {
    SecretsException e = assertThrows(SecretsException.class,
        () -> SealedMasterKey.open(seal(), "correct horse battery!".toCharArray()));
    assertTrue(e.getMessage().startsWith("wrong passphrase") && e.getMessage().contains(KEY.fingerprint()), e.getMessage());
    assertFalse(e.getMessage().contains("correct horse"), "the passphrase is never shown");
  }

  @Test
  void everyFlippedCiphertextBitAndEveryChangedHeaderFieldIsRefused() {
    String sealed = seal();
    String ct = sealed.replaceAll(".*\"ciphertext\":\"([^\"]+)\".*", "$1");
    byte[] raw = Base64.getDecoder().decode(ct);
    for (int i = 0; i < raw.length * 8; i += 7) {
      byte[] flipped = raw.clone();
      flipped[i / 8] ^= (byte) (1 << (i % 8));
      String bad = sealed.replace(ct, Base64.getEncoder().encodeToString(flipped));
      assertThrows(SecretsException.class, () -> SealedMasterKey.open(bad, PASS), "bit " + i);
    }
    String otherFingerprint = sealed.replace(KEY.fingerprint(), "000000000000");
    assertThrows(SecretsException.class, () -> SealedMasterKey.open(otherFingerprint, PASS));
    String otherCost = sealed.replace("\"iterations\":1", "\"iterations\":2");
    assertThrows(SecretsException.class, () -> SealedMasterKey.open(otherCost, PASS));
    String hugeCost = sealed.replace("\"memoryKiB\":8192", "\"memoryKiB\":99999999");
    SecretsException e = assertThrows(SecretsException.class, () -> SealedMasterKey.open(hugeCost, PASS));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    assertThrows(SecretsException.class, () -> SealedMasterKey.open(sealed.substring(0, sealed.length() - 10), PASS));
  }

  @Test
  void aShortPassphraseIsRefused() {
    SecretsException e = assertThrows(SecretsException.class, () -> SealedMasterKey.seal(KEY, "short".toCharArray()));
    assertTrue(e.getMessage().contains("too short"), e.getMessage());
  }
}
