package ing.paperclip.db.backup.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestorePlanner;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over 250 mutants of one backup, each of which verify or the restore's planner must refuse: every
 * sampled byte of the body changed, the compressed file cut short or changed anywhere a gzip
 * reader checks, header fields we never write added, and statements no backup holds slipped in
 * with the checksums recomputed, and signed files with their signature flipped, swapped, stripped or
 * their manifest edited. No database needed; runs with the unit tests (so in CI).
 */
class FileMutationTest {
  private static final SyntheticBackup BASE = new SyntheticBackup()
      .table("public.accounts", "1\t100", "2\t100", "3\t\\N", "4\ta\\tb")
      .table("app.notes", "x", "-- section: data", "\\\\.")
      .table("public.accounts", "5\t100")
      .ddl("COMMENT ON TABLE \"public\".\"accounts\" IS 'with\n-- entry: lines';\n");

  private static final ing.paperclip.db.core.keys.InstanceKey KEY = new TestKey("mutation test");
  /** A restore's verifier that requires this instance's signature (no --accept-unsigned). */
  private static final BackupVerifier STRICT = new BackupVerifier(java.util.Optional.of(KEY), false);

  /**
   * The signed file's text with its signature or its signed manifest changed: every such file
   * must fail verification or name another signer (which a restore refuses without a flag).
   */
  private static Map<String, String> signatureMutants() {
    String text = new SyntheticBackup().table("public.accounts", "1\t100", "2\t100").signedBy(KEY).text();
    Map<String, String> out = new LinkedHashMap<>();
    int hmac = text.indexOf("\"hmacSha256\":\"") + "\"hmacSha256\":\"".length();
    for (int k = 0; k < 8; k++) {
      int i = hmac + k * 8;
      char c = text.charAt(i);
      out.put("hmac digit " + k, text.substring(0, i) + (c == '0' ? '1' : '0') + text.substring(i + 1));
    }
    int fp = text.indexOf("\"keyFingerprint\":\"") + "\"keyFingerprint\":\"".length();
    out.put("signer swapped", text.substring(0, fp) + new TestKey("someone else").fingerprint() + text.substring(fp + 12));
    out.put("signature stripped", text.replaceFirst(",\"signature\":\\{[^}]*\\}", ""));
    out.put("signature nulled", text.replaceFirst("\"signature\":\\{[^}]*\\}", "\"signature\":null"));
    out.put("manifest edited", text.replace("\"database\":\"db\"", "\"database\":\"other\""));
    out.put("hmac upper-cased", text.replaceFirst("(\"hmacSha256\":\")([0-9a-f]{64})", "$1" + "A".repeat(64)));
    return out;
  }

  private static boolean refusedByVerify(byte[] file) throws IOException {
    return !new BackupVerifier().verify(new ByteArrayInputStream(file), "mutant").complete();
  }

  private static byte[] gzip(byte[] text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(text);
    }
    return out.toByteArray();
  }

  private static byte[] gzipWithFlags(String text, int flags, byte[] fields) throws IOException {
    byte[] plain = SyntheticBackup.gzip(text);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(plain, 0, 3);
    out.write(flags);
    out.write(plain, 4, 6);
    out.write(fields);
    out.write(plain, 10, plain.length - 10);
    return out.toByteArray();
  }

  private static Map<String, byte[]> mutants() throws IOException {
    String text = BASE.text();
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    int bodyEnd = text.indexOf("-- paperclip-manifest: ");
    Map<String, byte[]> out = new LinkedHashMap<>();
    // every 1/120th of the body changed (rows, markers, DDL, settings, line breaks)
    for (int k = 0; k < 120; k++) {
      int i = (int) ((long) k * bodyEnd / 120);
      byte[] m = utf8.clone();
      m[i] = (byte) (m[i] == 'x' ? 'y' : m[i] ^ 0x01);
      out.put("body byte " + i, gzip(m));
    }
    byte[] gz = BASE.gzip();
    for (int k = 1; k <= 50; k++) {
      int cut = (int) ((long) k * (gz.length - 1) / 51);
      out.put("cut at " + cut, java.util.Arrays.copyOf(gz, cut));
    }
    // every compressed byte a reader checks: magic, method, flags, deflate data, CRC, size
    for (int k = 0; k < 50; k++) {
      int i = k < 4 ? k : 10 + (int) ((long) (k - 4) * (gz.length - 11) / 46);
      byte[] m = gz.clone();
      m[i] ^= 0x20;
      out.put("compressed byte " + i, m);
    }
    out.put("FEXTRA", gzipWithFlags(text, 4, new byte[] {2, 0, 'x', 'y'}));
    out.put("FNAME", gzipWithFlags(text, 8, new byte[] {'f', 0}));
    out.put("FCOMMENT", gzipWithFlags(text, 16, new byte[] {'c', 0}));
    out.put("FHCRC", gzipWithFlags(text, 2, new byte[] {0, 0}));
    out.put("appended bytes", java.util.Arrays.copyOf(gz, gz.length + 3));
    return out;
  }

  /** Statements no backup holds, injected with the checksums recomputed (they pass verify). */
  private static List<String> hostile() {
    return List.of("COPY (SELECT 1) TO PROGRAM 'id';", "COPY public.accounts FROM PROGRAM 'id';",
        "CREATE ROLE evil SUPERUSER;", "ALTER ROLE CURRENT_USER SET search_path = evil;",
        "CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION public.f();", "COMMIT;",
        "CREATE ROLE evil; BEGIN;", "\\! id", "SELECT 1 \\! id\n;", "DO $$BEGIN PERFORM 1; END$$;",
        "SET ROLE postgres;", "SET SESSION AUTHORIZATION postgres;", "ALTER SYSTEM SET fsync = off;",
        "ALTER DATABASE postgres SET search_path = evil;", "GRANT pg_execute_server_program TO PUBLIC;",
        "SELECT pg_catalog.pg_read_file('/etc/passwd');", "CREATE SERVER s FOREIGN DATA WRAPPER file_fdw;",
        "CREATE TABLE public.x AS SELECT 1;", "TRUNCATE public.accounts;", "DELETE FROM public.accounts;",
        "INSERT INTO public.accounts VALUES (1, 2);", "LOAD 'plugin';", "CALL public.p();",
        "COPY public.accounts TO '/tmp/x';", "RESET ALL;", "SELECT pg_catalog.set_config('role', 'x', false);",
        "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p;", "REASSIGN OWNED BY a TO b;");
  }

  @Test
  void everyMutantIsRefused(@TempDir Path dir) throws IOException {
    assertTrue(new BackupVerifier().verify(new ByteArrayInputStream(BASE.gzip()), "base").complete(),
        "the unmutated file verifies");
    Path base = dir.resolve("base.sql.gz");
    Files.write(base, BASE.gzip());
    new RestorePlanner().plan(base, RestoreOptions.DEFAULTS);
    Path signed = dir.resolve("signed.sql.gz");
    Files.write(signed, new SyntheticBackup().table("public.accounts", "1\t100", "2\t100").signedBy(KEY).gzip());
    assertTrue(STRICT.verifyOrThrow(signed).authenticity().byThisInstance(), "the unmutated signed file verifies");
    List<String> passed = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, byte[]> m : mutants().entrySet()) {
      n++;
      if (!refusedByVerify(m.getValue())) {
        passed.add(m.getKey());
      }
    }
    for (String h : hostile()) {
      n++;
      Path f = dir.resolve("hostile-" + n + ".sql.gz");
      Files.write(f, new SyntheticBackup().table("public.accounts", "1\t100").ddl(h + "\n").gzip());
      if (refusedByVerify(Files.readAllBytes(f))) {
        passed.add("verify refused, not the allowlist: " + h);
        continue;
      }
      try {
        new RestorePlanner().plan(f, RestoreOptions.DEFAULTS);
        passed.add(h);
      } catch (PaperclipException e) {
        if (e.code() != ErrorCode.CORRUPT_FILE) {
          passed.add(h + ": " + e.getMessage());
        }
      }
    }
    for (Map.Entry<String, String> m : signatureMutants().entrySet()) {
      n++;
      Path f = dir.resolve("signature-" + n + ".sql.gz");
      Files.write(f, SyntheticBackup.gzip(m.getValue()));
      try {
        STRICT.verifyOrThrow(f);
        passed.add(m.getKey());
      } catch (PaperclipException e) {
        // refused: a corrupt file, or one not signed by this instance
      }
    }
    assertEquals(List.of(), passed, "mutants that were not refused");
    assertTrue(n >= 260, n + " mutants");
  }
}
