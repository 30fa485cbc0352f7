package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.Authenticity.Status;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.TestKey;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreResult;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.keys.InstanceKey;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed backups end to end: a backup signed with this instance's key verifies as such and
 * restores; with another key it is "signed by another key" and restores only when accepted; a
 * file whose rows and manifest were edited with every checksum recomputed, its HMAC field kept,
 * is refused by verify and by every restore mode before the target is touched.
 */
@WithPostgres
class SignatureIT {
  private static final InstanceKey MINE = new TestKey("signature it: this instance");
  private static final InstanceKey OTHER = new TestKey("signature it: another machine");
  private static Path signed;
  private static TestDatabase target;

  @BeforeAll
  static void backUp(TestDatabase db, @TempDir Path dir) {
    db.execute("DROP SCHEMA IF EXISTS bank CASCADE; CREATE SCHEMA bank;"
        + " CREATE TABLE bank.accounts (id int PRIMARY KEY, balance bigint NOT NULL);"
        + " INSERT INTO bank.accounts SELECT g, 100 FROM generate_series(1, 1000) g;"
        + " CREATE TABLE bank.notes (id int, note text); INSERT INTO bank.notes SELECT g, 'n' || g FROM generate_series(1, 50) g;");
    signed = new BackupService(db.spec(), dir, new CatalogSchemaScripter(),
        BackupOptions.builder().jobs(2).signingKey(Optional.of(MINE)).build()).backup().file();
    target = db.sibling("signature");
  }

  @AfterAll
  static void drop() {
    target.dropInBackground();
  }

  private static RestoreService restorer(InstanceKey key, boolean accept) {
    return new RestoreService(target.dataSource()).withVerifier(new BackupVerifier(Optional.of(key), accept));
  }

  @Test
  void signedByThisInstanceVerifiesAndRestores(TestDatabase db) throws Exception {
    VerificationReport r = new BackupVerifier(Optional.of(MINE), false).verifyOrThrow(signed);
    assertEquals(Status.THIS_INSTANCE, r.authenticity().status());
    assertEquals("signed by this instance's key (fp " + MINE.fingerprint() + ")", r.authenticity().describe());
    RestoreResult res = restorer(MINE, false).restore(signed, RestoreOptions.DEFAULTS.withJobs(2), RestoreListener.NONE);
    assertFalse(res.warnings().toString().contains("signed"), res.warnings().toString());
    DatabaseComparator.assertSameData(db, target);
    target.execute("DROP SCHEMA bank CASCADE");
  }

  @Test
  void anotherKeySaysSoAndRestoresOnlyWhenAccepted() throws Exception {
    VerificationReport r = new BackupVerifier(Optional.of(OTHER), true).verify(signed);
    assertTrue(r.complete(), r.errors().toString());
    assertEquals("signed by another key (fp " + MINE.fingerprint() + "; this instance has " + OTHER.fingerprint()
        + ")", r.authenticity().describe());
    Map<String, String> before = DatabaseComparator.fingerprints(target);
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> restorer(OTHER, false).restore(signed, RestoreOptions.DEFAULTS, RestoreListener.NONE));
    assertEquals(ErrorCode.INVALID_INPUT, e.code());
    assertTrue(e.getMessage().contains("signed by another key") && e.getMessage().contains("--accept-unsigned"),
        e.getMessage());
    assertEquals(before, DatabaseComparator.fingerprints(target));
    RestoreResult res = restorer(OTHER, true).restore(signed, RestoreOptions.DEFAULTS, RestoreListener.NONE);
    assertTrue(res.warnings().toString().contains("signed by another key"), res.warnings().toString());
    target.execute("DROP SCHEMA bank CASCADE");
  }

  @Test
  void editedRowsAndManifestWithRecomputedChecksumsAreRefusedByTheHmac(@TempDir Path dir) throws Exception {
    String text;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(signed))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // Same length, so that only checksums change: account 1's balance 100 -> 999 999 900 is too long.
    String forged = text.replaceFirst("(?m)^1\t100$", "1\t900");
    assertFalse(forged.equals(text));
    Path tampered = dir.resolve("paperclip-20261202-000000.sql.gz");
    Files.write(tampered, recomputeChecksums(forged, true));
    VerificationReport v = new BackupVerifier(Optional.of(MINE), true).verify(tampered);
    assertFalse(v.complete());
    assertEquals(Status.INVALID, v.authenticity().status());
    assertEquals(1, v.errors().size(), "only the signature fails, every checksum was recomputed: " + v.errors());
    assertTrue(v.errors().get(0).contains("signature invalid"), v.errors().toString());

    // The same forgery without the signature passes every checksum: the HMAC is what refused it.
    Path stripped = dir.resolve("paperclip-20261202-000001.sql.gz");
    Files.write(stripped, recomputeChecksums(forged, false));
    VerificationReport s = new BackupVerifier(Optional.of(MINE), true).verify(stripped);
    assertTrue(s.complete(), s.errors().toString());
    assertEquals(Status.NOT_SIGNED, s.authenticity().status());

    Map<String, String> before = DatabaseComparator.fingerprints(target);
    for (RestoreOptions mode : new RestoreOptions[] {RestoreOptions.DEFAULTS.withJobs(2),
        RestoreOptions.DEFAULTS.withSingleTransaction(true), RestoreOptions.DEFAULTS.withTrustFile(true)}) {
      for (boolean accept : new boolean[] {false, true}) {
        PaperclipException e = assertThrows(PaperclipException.class,
            () -> restorer(MINE, accept).restore(tampered, mode, RestoreListener.NONE));
        assertEquals(ErrorCode.CORRUPT_FILE, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("signature invalid"), e.getMessage());
      }
      PaperclipException u = assertThrows(PaperclipException.class,
          () -> restorer(MINE, false).restore(stripped, mode.withTrustFile(false), RestoreListener.NONE));
      assertTrue(u.getMessage().contains("is not signed"), u.getMessage());
    }
    assertEquals(before, DatabaseComparator.fingerprints(target));
  }

  /**
   * Rewrites a file's text as one gzip member with every checksum a forger can recompute: each
   * block's rows, the format-2 body checksum, no member offsets; the signature kept or removed.
   */
  private static byte[] recomputeChecksums(String text, boolean keepSignature) throws Exception {
    int at = text.indexOf("-- paperclip-manifest: ");
    String body = text.substring(0, at);
    String manifestLine = text.substring(at, text.indexOf('\n', at));
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(manifestLine.substring("-- paperclip-manifest: ".length()));
    StringBuilder skeleton = new StringBuilder();
    int block = 0;
    int pos = 0;
    while (pos < body.length()) {
      int nl = body.indexOf('\n', pos);
      String line = body.substring(pos, nl + 1);
      skeleton.append(line);
      pos = nl + 1;
      if (line.startsWith("COPY ") && line.endsWith("FROM stdin;\n")) {
        int end = body.indexOf("\n\\.\n", pos - 1);
        String rows = body.substring(pos, end + 1);
        String sha = sha(rows);
        ObjectNode entry = (ObjectNode) manifest.get("tables").get(block++);
        entry.put("sha256", sha);
        entry.remove("memberOffset");
        entry.remove("memberLength");
        skeleton.append(sha).append("\n\\.\n");
        pos = end + 4;
      }
    }
    assertEquals(manifest.get("tables").size(), block, "every block found");
    manifest.put("bodySha256", sha(skeleton.toString()));
    if (!keepSignature) {
      manifest.remove("signature");
    }
    String out = body + "-- paperclip-manifest: " + json.writeValueAsString(manifest) + "\n-- paperclip-end\n";
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(out.getBytes(StandardCharsets.UTF_8));
    }
    return gz.toByteArray();
  }

  private static String sha(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
