package ing.paperclip.db.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MasterKeyTest {
  private static final byte[] RAW = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  @Test
  void decodingTable() {
    assertArrayEquals(RAW, MasterKey.decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "t").bytes());
    assertArrayEquals(RAW, MasterKey.decode("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\n", "t").bytes());
    assertArrayEquals(RAW, MasterKey.decode(Base64.getEncoder().encodeToString(RAW), "t").bytes());
    String raw32 = "abcdefghijklmnopqrstuvwxyz012345";
    assertArrayEquals(raw32.getBytes(StandardCharsets.UTF_8), MasterKey.decode(raw32, "t").bytes());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8fHw==",
      "this string is thirty-three long!"})
  void wrongLengthsAreRefusedClearly(String bad) {
    SecretsException e = assertThrows(SecretsException.class, () -> MasterKey.decode(bad, "environment X"));
    assertTrue(e.getMessage().contains("environment X") && e.getMessage().contains("64 hex"), e.getMessage());
    assertFalse(!bad.isEmpty() && e.getMessage().contains(bad), "the value is not echoed");
  }

  @Test
  void derivedKeysAreHkdfSha256PerPurpose() throws Exception {
    MasterKey key = MasterKey.of(RAW);
    // RFC 5869 by hand with javax.crypto: no salt means a salt of 32 zero bytes; one block of output.
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
    byte[] prk = mac.doFinal(RAW);
    mac.init(new javax.crypto.spec.SecretKeySpec(prk, "HmacSHA256"));
    mac.update("paperclip backup hmac v1".getBytes(StandardCharsets.UTF_8));
    byte[] expected = mac.doFinal(new byte[] {1});
    assertArrayEquals(expected, key.derive("paperclip backup hmac v1"));
    assertFalse(java.util.Arrays.equals(key.derive("paperclip backup hmac v1"), key.derive("another purpose")));
    assertFalse(java.util.Arrays.equals(RAW, key.derive("paperclip backup hmac v1")));
  }
}
