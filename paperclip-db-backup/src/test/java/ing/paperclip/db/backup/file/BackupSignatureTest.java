package ing.paperclip.db.backup.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.Authenticity.Status;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.keys.InstanceKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupSignatureTest {
  private static final InstanceKey MINE = new TestKey("this instance");
  private static final InstanceKey OTHER = new TestKey("another machine");
  private static final SyntheticBackup FILE = new SyntheticBackup().table("public.accounts", "1\t100", "2\t100");

  private static VerificationReport verify(byte[] gz, Optional<InstanceKey> key) throws IOException {
    return new BackupVerifier(key, true).verify(new ByteArrayInputStream(gz), "test");
  }

  @Test
  void signedByThisInstanceVerifies() throws IOException {
    VerificationReport r = verify(new SyntheticBackup().table("public.accounts", "1\t100").signedBy(MINE).gzip(),
        Optional.of(MINE));
    assertTrue(r.complete(), r.errors().toString());
    assertEquals(Status.THIS_INSTANCE, r.authenticity().status());
    assertEquals("signed by this instance's key (fp " + MINE.fingerprint() + ")", r.authenticity().describe());
  }

  @Test
  void anotherKeyAndNoKeyAndUnsignedAreNamed() throws IOException {
    byte[] signed = new SyntheticBackup().table("public.accounts", "1\t100").signedBy(OTHER).gzip();
    VerificationReport r = verify(signed, Optional.of(MINE));
    assertTrue(r.complete(), r.errors().toString());
    assertEquals("signed by another key (fp " + OTHER.fingerprint() + "; this instance has " + MINE.fingerprint()
        + ")", r.authenticity().describe());
    assertEquals(Status.ANOTHER_KEY, verify(signed, Optional.empty()).authenticity().status());
    assertEquals("not signed", verify(FILE.gzip(), Optional.of(MINE)).authenticity().describe());
  }

  @Test
  void theSignatureIsTheManifestsLastPropertyAndNamesNoKeyMaterial() {
    String json = FILE.manifest(FILE.body()).toJson();
    String signed = BackupSignature.sign(json, MINE);
    assertTrue(signed.startsWith(json.substring(0, json.length() - 1) + ",\"signature\":{\"keyFingerprint\":\""
        + MINE.fingerprint() + "\",\"hmacSha256\":\""), signed);
    assertFalse(signed.contains(java.util.HexFormat.of().formatHex(MINE.derive(BackupSignature.PURPOSE))));
    // older readers ignore the property: the manifest parses to the same record
    assertEquals(BackupManifest.fromJson(json), BackupManifest.fromJson(signed));
    assertEquals(Status.THIS_INSTANCE, BackupSignature.check(signed, Optional.of(MINE)).status());
  }

  @Test
  void anEditedManifestWithItsOldSignatureIsRefused() throws IOException {
    String text = new String(decompress(new SyntheticBackup().table("public.accounts", "1\t100").signedBy(MINE)
        .gzip()), StandardCharsets.UTF_8);
    // the database name is in the manifest only: no checksum covers it, the HMAC does
    String edited = text.replace("\"database\":\"db\"", "\"database\":\"dx\"");
    VerificationReport r = verify(SyntheticBackup.gzip(edited), Optional.of(MINE));
    assertFalse(r.complete());
    assertEquals(Status.INVALID, r.authenticity().status());
    assertTrue(r.errors().get(0).contains("signature invalid"), r.errors().toString());
  }

  @Test
  void aMalformedOrDuplicatedSignatureIsInvalid() {
    String json = BackupSignature.sign(FILE.manifest(FILE.body()).toJson(), MINE);
    String moved = json.replace("{\"formatVersion\"", "{\"signature\":{\"keyFingerprint\":\"000000000000\"},"
        + "\"formatVersion\"");
    assertEquals(Status.INVALID, BackupSignature.check(moved, Optional.of(MINE)).status());
    String upper = json.substring(0, json.length() - 4) + "AB\"}}";
    assertEquals(Status.INVALID, BackupSignature.check(upper, Optional.of(MINE)).status());
    String stripped = json.substring(0, json.indexOf(",\"signature\"")) + ",\"signature\":null}";
    assertEquals(Status.INVALID, BackupSignature.check(stripped, Optional.of(MINE)).status());
  }

  @Test
  void verifyOrThrowRequiresThisInstancesSignatureUnlessAccepted(@TempDir Path dir) throws IOException {
    Path unsigned = dir.resolve("u.sql.gz");
    Files.write(unsigned, FILE.gzip());
    Path foreign = dir.resolve("f.sql.gz");
    Files.write(foreign, new SyntheticBackup().table("public.accounts", "1\t100").signedBy(OTHER).gzip());
    Path mine = dir.resolve("m.sql.gz");
    Files.write(mine, new SyntheticBackup().table("public.accounts", "1\t100").signedBy(MINE).gzip());
    BackupVerifier strict = new BackupVerifier(Optional.of(MINE), false);
    assertTrue(strict.verifyOrThrow(mine).authenticity().byThisInstance());
    for (Path p : new Path[] {unsigned, foreign}) {
      PaperclipException e = assertThrows(PaperclipException.class, () -> strict.verifyOrThrow(p));
      assertEquals(ErrorCode.INVALID_INPUT, e.code());
      assertTrue(e.getMessage().contains("--accept-unsigned"), e.getMessage());
      assertTrue(new BackupVerifier(Optional.of(MINE), true).verifyOrThrow(p).complete());
    }
  }

  private static byte[] decompress(byte[] gz) throws IOException {
    try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }
}
