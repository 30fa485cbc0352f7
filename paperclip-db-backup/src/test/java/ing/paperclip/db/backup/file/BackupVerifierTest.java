package ing.paperclip.db.backup.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.VerificationReport.Kind;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.Corpora;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackupVerifierTest {
  private final BackupVerifier verifier = new BackupVerifier();

  private static SyntheticBackup sample() {
    return sample(BackupFormat.VERSION);
  }

  private static SyntheticBackup sample(int version) {
    return new SyntheticBackup().version(version)
        .table("public.a", "1", "two\\tthree", "\\N", "", "-- paperclip-end",
            "-- paperclip-manifest: {\"formatVersion\":1}", "ünïcödé \\\\ \\n")
        .table("app.b")
        .table("app.c", "x");
  }

  private VerificationReport verify(byte[] file) throws IOException {
    return verifier.verify(new ByteArrayInputStream(file), "test.sql.gz");
  }

  @ParameterizedTest(name = "format {0}")
  @ValueSource(ints = {1, 2})
  void acceptsACompleteFile(int version) throws IOException {
    SyntheticBackup s = sample(version);
    VerificationReport r = verify(s.gzip());
    assertTrue(r.complete(), r.errors().toString());
    assertEquals(Kind.PAPERCLIP_DB, r.kind());
    assertEquals(3, r.tables().size());
    assertTrue(r.tables().stream().allMatch(VerificationReport.TableCheck::ok));
    assertEquals(7, r.tables().get(0).actualRows());
    assertEquals(0, r.tables().get(1).actualRows());
    assertEquals(s.manifest(s.body()), r.manifest());
    assertEquals(s.body().getBytes(StandardCharsets.UTF_8).length, r.bodyBytes());
  }

  @Test
  void acceptsABackupOfAnEmptyDatabase() throws IOException {
    VerificationReport r = verify(new SyntheticBackup().gzip());
    assertTrue(r.complete(), r.errors().toString());
    assertTrue(r.tables().isEmpty());
  }

  @ParameterizedTest(name = "format {0}")
  @ValueSource(ints = {1, 2})
  void acceptsConcatenatedGzipMembers(int version) throws IOException {
    String text = sample(version).text();
    int a = text.length() / 3;
    int b = 2 * text.length() / 3;
    byte[] file = SyntheticBackup.gzip(text.substring(0, a), text.substring(a, b), "", text.substring(b));
    assertTrue(verify(file).complete(), verify(file).errors().toString());
  }

  @ParameterizedTest(name = "format {0}")
  @ValueSource(ints = {1, 2})
  void detectsEveryTruncation(int version) throws IOException {
    byte[] file = sample(version).gzip();
    for (int len = 0; len < file.length; len++) {
      VerificationReport r = verify(Arrays.copyOf(file, len));
      assertFalse(r.complete(), "truncated to " + len);
      assertFalse(r.errors().isEmpty());
    }
  }

  @ParameterizedTest(name = "format {0}")
  @ValueSource(ints = {1, 2})
  void detectsTruncationAtEveryLineOfTheText(int version) throws IOException {
    String text = sample(version).text();
    for (int i = text.indexOf('\n'); i >= 0 && i < text.length() - 1; i = text.indexOf('\n', i + 1)) {
      VerificationReport r = verify(SyntheticBackup.gzip(text.substring(0, i + 1)));
      assertFalse(r.complete(), "text cut after byte " + i);
    }
  }

  @ParameterizedTest(name = "format {0}")
  @ValueSource(ints = {1, 2})
  void detectsEveryFlippedByteThatChangesTheFile(int version) throws IOException {
    String text = sample(version).text();
    byte[] file = SyntheticBackup.gzip(text);
    int harmless = 0;
    for (int pos = 0; pos < file.length; pos++) {
      if (pos >= 4 && pos <= 9) {
        continue; // gzip MTIME, XFL and OS carry no data and no checksum
      }
      for (int mask : new int[] {0x01, 0x80, 0xff}) {
        byte[] bad = file.clone();
        if (pos == 3 && mask == 0x01) {
          continue; // FTEXT is a hint only
        }
        bad[pos] ^= (byte) mask;
        if (verify(bad).complete()) {
          // Only the padding bits after the last deflate block carry nothing; prove it.
          assertEquals(text, gunzip(bad), "byte " + pos + " ^ " + mask + " passed but changed the text");
          harmless++;
        }
      }
    }
    assertTrue(harmless < 4, "too many undetected flips: " + harmless);
  }

  private static String gunzip(byte[] b) throws IOException {
    try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(b))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest(name = "format {0}")
  @ValueSource(ints = {1, 2})
  void detectsAlteredRowsEvenWithValidGzip(int version) throws IOException {
    String text = sample(version).text();
    VerificationReport rows = verify(SyntheticBackup.gzip(text.replace("two\\tthree", "two\\tthreE")));
    assertFalse(rows.complete());
    assertTrue(rows.errors().stream().anyMatch(e -> e.contains("public.a")), rows.errors().toString());
    VerificationReport ddl = verify(SyntheticBackup.gzip(text.replace("(a text)", "(b text)")));
    assertFalse(ddl.complete());
    assertTrue(ddl.errors().get(0).contains("checksum"), ddl.errors().toString());
    VerificationReport lost = verify(SyntheticBackup.gzip(text.replace("x\n\\.\n", "\\.\n")));
    assertTrue(lost.errors().stream().anyMatch(e -> e.contains("app.c has 0 rows")), lost.errors().toString());
  }

  @ParameterizedTest(name = "format {0}")
  @ValueSource(ints = {1, 2})
  void detectsMissingManifestOrEndLine(int version) throws IOException {
    SyntheticBackup s = sample(version);
    String body = s.body();
    String manifest = "-- paperclip-manifest: " + s.manifest(body).toJson() + "\n";
    VerificationReport noTrailer = verify(SyntheticBackup.gzip(body));
    assertFalse(noTrailer.complete());
    assertTrue(noTrailer.errors().get(0).contains("end line"), noTrailer.errors().toString());
    VerificationReport noEnd = verify(SyntheticBackup.gzip(body + manifest));
    assertTrue(noEnd.errors().get(0).contains("end line"), noEnd.errors().toString());
    assertNotNull(noEnd);
    VerificationReport noManifest = verify(SyntheticBackup.gzip(body + "-- paperclip-end\n"));
    assertTrue(noManifest.errors().get(0).contains("manifest"), noManifest.errors().toString());
    VerificationReport extra = verify(SyntheticBackup.gzip(body + manifest + "-- paperclip-end\nSELECT 1;\n"));
    assertFalse(extra.complete());
  }

  @Test
  void recognisesFilesThatAreNotOurs() throws IOException {
    assertEquals(Kind.FOREIGN, verify(new byte[0]).kind());
    assertEquals(Kind.FOREIGN, verify("SELECT 1;\n".getBytes(StandardCharsets.UTF_8)).kind());
    assertEquals(Kind.FOREIGN, verify(SyntheticBackup.gzip("--\n-- PostgreSQL database dump\n")).kind());
    assertEquals(Kind.FOREIGN, verify(SyntheticBackup.gzip("x".repeat(100_000))).kind());
    VerificationReport plain = verify(sample().text().getBytes(StandardCharsets.UTF_8));
    assertEquals(Kind.FOREIGN, plain.kind());
    assertTrue(plain.errors().get(0).contains("not gzip-compressed"));
    VerificationReport legacy = verify(SyntheticBackup.gzip("-- Paperclip database backup\n-- Created: x\nBEGIN;\n"));
    assertEquals(Kind.PAPERCLIP_LEGACY, legacy.kind());
    assertFalse(legacy.complete());
  }

  @Test
  void recognisesTheOriginalPaperclipCorpus() {
    String dir = "corpora/paperclip-legacy/";
    assertEquals(Kind.PAPERCLIP_LEGACY, verifier.verify(Corpora.file(dir + "paperclip-20260331-120000.sql.gz")).kind());
    assertEquals(Kind.PAPERCLIP_LEGACY, verifier.verify(Corpora.file(dir + "paperclip-20260331-120000.sql")).kind());
  }

  @Test
  void rejectsTrailingGarbageAndNewerFormats() throws IOException {
    byte[] file = sample().gzip();
    byte[] garbage = Arrays.copyOf(file, file.length + 3);
    assertFalse(verify(garbage).complete());
    String newer = sample().text().replace("-- format: 2\n", "-- format: 3\n");
    VerificationReport r = verify(SyntheticBackup.gzip(newer));
    assertTrue(r.errors().get(0).contains("upgrade"), r.errors().toString());
  }

  @Test
  void aTableMayHaveSeveralBlocksEachCheckedAgainstItsOwnEntry() throws IOException {
    SyntheticBackup s = new SyntheticBackup().table("public.a", "1", "2").table("public.b", "x")
        .table("public.a", "3");
    VerificationReport r = verify(s.gzip());
    assertTrue(r.complete(), r.errors().toString());
    assertEquals(3, r.tables().size());
    assertEquals(List.of(2L, 1L, 1L), r.tables().stream().map(VerificationReport.TableCheck::actualRows).toList());
    // the blocks of a table pair with its entries in order: swapped entries do not match
    String text = s.text();
    BackupManifest m = s.manifest(s.body());
    List<BackupManifest.TableEntry> swapped = List.of(m.tables().get(2), m.tables().get(1), m.tables().get(0));
    BackupManifest bad = new BackupManifest(m.formatVersion(), m.tool(), m.toolVersion(), m.createdAt(),
        m.engine(), m.serverVersion(), m.database(), m.schemas(), swapped, m.transforms(), m.bodyBytes(),
        m.bodySha256());
    VerificationReport r2 = verify(SyntheticBackup.gzip(text.replace(m.toJson(), bad.toJson())));
    assertFalse(r2.complete());
    assertTrue(r2.errors().stream().anyMatch(e -> e.contains("public.a has 2 rows, the manifest says 1")), r2.errors().toString());
    // a block missing from the file is reported
    VerificationReport r3 = verify(SyntheticBackup.gzip(text.replace("-- data: {\"schema\":\"public\",\"table\":\"a\",\"columns\":[\"a\"]}\nCOPY \"public\".\"a\" (\"a\") FROM stdin;\n3\n\\.\n", "")));
    assertFalse(r3.complete());
    assertTrue(r3.errors().stream().anyMatch(e -> e.contains("public.a is in the manifest but its rows are missing")), r3.errors().toString());
  }

  @Test
  void aFileIsCheckedByItsOwnFormatsChecksum() throws IOException {
    // the same text under the other format's header: its checksum no longer matches
    String two = sample(2).text();
    VerificationReport asOne = verify(SyntheticBackup.gzip(two.replace("-- format: 2\n", "-- format: 1\n")));
    assertFalse(asOne.complete());
    assertTrue(asOne.errors().stream().anyMatch(e -> e.contains("manifest says format 2 but its second line says format 1")), asOne.errors().toString());
    String one = sample(1).text();
    VerificationReport asTwo = verify(SyntheticBackup.gzip(one.replace("-- format: 1\n", "-- format: 2\n")));
    assertFalse(asTwo.complete());
    // rows replaced by their own checksum line do not pass for the rows
    String sum = SyntheticBackup.sha("x\n");
    VerificationReport forged = verify(SyntheticBackup.gzip(two.replace("x\n\\.\n", sum + "\n\\.\n")));
    assertFalse(forged.complete());
    assertTrue(forged.errors().stream().anyMatch(e -> e.contains("app.c")), forged.errors().toString());
  }

  @ParameterizedTest(name = "format {0}")
  @ValueSource(ints = {1, 2})
  void copyLookalikesOutsideDataSectionsAreNotBlocks(int version) throws IOException {
    SyntheticBackup s = sample(version).ddl("CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$\n"
        + "COPY \"public\".\"a\" (\"a\") FROM stdin;\n"
        + "-- data: {\"schema\":\"public\",\"table\":\"a\",\"columns\":[\"a\"]}\n"
        + "COPY \"public\".\"a\" (\"a\") FROM stdin;\n$$;\n");
    VerificationReport r = verify(s.gzip());
    assertTrue(r.complete(), r.errors().toString());
  }

  @Test
  void verifyOrThrowNamesFileProblemAndFix(@TempDir Path dir) throws IOException {
    Path good = dir.resolve("good.sql.gz");
    Files.write(good, sample().gzip());
    assertTrue(verifier.verifyOrThrow(good).complete());
    Path bad = dir.resolve("bad.sql.gz");
    byte[] b = sample().gzip();
    Files.write(bad, Arrays.copyOf(b, b.length - 10));
    PaperclipException e = assertThrows(PaperclipException.class, () -> verifier.verifyOrThrow(bad));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("take a new backup"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    PaperclipException missing = assertThrows(PaperclipException.class,
        () -> verifier.verify(dir.resolve("nope.sql.gz")));
    assertEquals(ErrorCode.INVALID_INPUT, missing.code());
  }

  @Test
  void openTextReadsGzipMembersAndPlainFiles(@TempDir Path dir) throws IOException {
    String text = sample().text();
    Path gz = dir.resolve("a.sql.gz");
    Files.write(gz, SyntheticBackup.gzip(text.substring(0, 100), text.substring(100)));
    try (InputStream in = BackupFormat.openText(gz)) {
      assertEquals(text, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Path plain = Files.writeString(dir.resolve("b.sql"), "SELECT 1;\n");
    try (InputStream in = BackupFormat.openText(plain)) {
      assertEquals("SELECT 1;\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    byte[] b = SyntheticBackup.gzip(text);
    Path cut = dir.resolve("c.sql.gz");
    Files.write(cut, Arrays.copyOf(b, b.length - 5));
    try (InputStream in = BackupFormat.openText(cut)) {
      assertThrows(IOException.class, in::readAllBytes);
    }
  }
}
