package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import ing.paperclip.db.secrets.MasterKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secrets commands against a real server: key mix-ups refused, no value in any output. */
@WithPostgres
class SecretsCliIT {
  private static final String CANARY = "sk-CANARY-5f1d8a3c9e";
  private static final String COMPANY = "00000000-0000-0000-0000-000000000001";

  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private static Run run(Path home, TestDatabase db, Map<String, String> extra, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>(extra);
    env.put("PAPERCLIP_HOME", home.toString());
    env.put("DATABASE_URL", db.spec().libpqUri());
    env.put("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  private static String state(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT md5(coalesce((SELECT string_agg(t::text, ',' ORDER BY t::text) FROM company_secret_versions t), '')"
            + " || coalesce((SELECT string_agg(t::text, ',' ORDER BY t::text) FROM company_secrets t), '')"
            + " || coalesce((SELECT string_agg(t::text, ',' ORDER BY t::text) FROM agents t), ''))")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void agent(TestDatabase db, String id, String value) {
    db.execute("INSERT INTO agents (id, company_id, name, adapter_config) VALUES ('" + id + "', '" + COMPANY
        + "', 'Dev', '{\"env\": {\"OPENAI_API_KEY\": \"" + value + "\"}}')");
  }

  @Test
  void keyMixUpsAreRefusedWithBothFingerprintsAndChangeNothingAndRekeyStillWorks(TestDatabase shared) throws Exception {
    onOwnDatabase(shared, "keys", this::keyMixUps);
  }

  /** The key check is per database: each test gets a migrated database of its own. */
  private void onOwnDatabase(TestDatabase shared, String hint, Body body) throws Exception {
    TestDatabase db = shared.sibling(hint);
    try {
      Path home = Files.createDirectories(tmp.resolve(hint));
      assertEquals(0, run(home, db, Map.of(), "db", "migrate").code());
      db.execute("INSERT INTO companies (id, name) VALUES ('" + COMPANY + "', 'Acme')");
      body.run(db, home);
    } finally {
      db.dropInBackground();
    }
  }

  private interface Body {
    void run(TestDatabase db, Path home) throws Exception;
  }

  private void keyMixUps(TestDatabase db, Path home1) throws Exception {
    agent(db, "abcdef12-0000-0000-0000-000000000001", CANARY + "-1");
    Run first = run(home1, db, Map.of(), "secrets", "migrate-inline-env", "--apply");
    assertEquals(0, first.code(), first.all());
    Path key1 = home1.resolve("instances/default/secrets/master.key");
    String fp1 = MasterKey.decode(Files.readString(key1), "test").fingerprint();
    assertTrue(first.err().contains("created the master key") && first.err().contains(fp1), first.err());
    // more work for the next runs: a second plain value of the same agent's secret name
    agent(db, "abcdef12-0000-0000-0000-000000000002", CANARY + "-2");
    String before = state(db);

    // (1) a new PAPERCLIP_HOME: no key there, but the database holds secrets
    Path home2 = Files.createDirectories(tmp.resolve("home2"));
    Run fresh = run(home2, db, Map.of(), "secrets", "migrate-inline-env", "--apply");
    assertNotEquals(0, fresh.code());
    assertTrue(fresh.err().contains("refusing to create a new master key") && fresh.err().contains(fp1), fresh.err());
    assertFalse(Files.exists(home2.resolve("instances/default/secrets/master.key")), "no new key");
    assertEquals(before, state(db));

    // (2) another key: both fingerprints
    String otherHex = "ab".repeat(32);
    String fp2 = MasterKey.decode(otherHex, "test").fingerprint();
    Map<String, String> env = Map.of("PAPERCLIP_SECRETS_MASTER_KEY", otherHex);
    Run wrong = run(home2, db, env, "secrets", "migrate-inline-env", "--apply");
    assertNotEquals(0, wrong.code());
    assertTrue(wrong.err().contains(fp1) && wrong.err().contains(fp2), wrong.err());
    Run rekeyWrong = run(home2, db, env, "secrets", "rekey", "--new-key-file", key1.toString(), "--apply");
    assertNotEquals(0, rekeyWrong.code());
    assertTrue(rekeyWrong.err().contains(fp1) && rekeyWrong.err().contains(fp2), rekeyWrong.err());
    assertEquals(before, state(db));

    // (3) a blank key: refused with the accepted forms, nothing created
    for (String blank : new String[] {"   ", ""}) {
      Run b = run(home2, db, Map.of("PAPERCLIP_SECRETS_MASTER_KEY", blank), "secrets", "migrate-inline-env", "--apply");
      assertNotEquals(0, b.code());
      assertTrue(b.err().contains("64 hex digits, base64 of 32 bytes, or a 32-byte string"), b.err());
    }
    assertFalse(Files.exists(home2.resolve("instances/default/secrets")), "no key directory either");
    assertEquals(before, state(db));

    // rekey works afterwards, and the new key then writes
    Path newKey = Files.writeString(tmp.resolve("new.key"), otherHex + "\n");
    Files.setPosixFilePermissions(newKey, PosixFilePermissions.fromString("rw-------"));
    Run rekey = run(home1, db, Map.of(), "secrets", "rekey", "--new-key-file", newKey.toString(), "--apply");
    assertEquals(0, rekey.code(), rekey.all());
    assertTrue(rekey.out().contains("re-encrypted 1 secret version(s) from key " + fp1 + " to key " + fp2), rekey.out());
    Run after = run(home2, db, Map.of("PAPERCLIP_SECRETS_MASTER_KEY", otherHex), "secrets", "migrate-inline-env", "--apply");
    assertEquals(0, after.code(), after.all());
    assertFalse((first.all() + fresh.all() + rekey.all() + after.all()).contains(CANARY));
  }

  @Test
  void aCanaryValueNeverAppearsInAnyOutputWithOrWithoutVerbose(TestDatabase shared) throws Exception {
    onOwnDatabase(shared, "canary", this::canary);
  }

  private void canary(TestDatabase db, Path home) throws Exception {
    agent(db, "abcdef12-0000-0000-0000-0000000000c1", CANARY);
    Path newKey = Files.writeString(tmp.resolve("rekey.key"), "cd".repeat(32));
    Files.setPosixFilePermissions(newKey, PosixFilePermissions.fromString("rw-------"));
    Path backups = tmp.resolve("backups");
    List<List<String>> commands = List.of(
        List.of("secrets", "migrate-inline-env"),
        List.of("secrets", "migrate-inline-env", "--json"),
        List.of("secrets", "migrate-inline-env", "--apply"),
        List.of("secrets", "migrate-inline-env", "--apply", "--json"),
        List.of("secrets", "rekey", "--new-key-file", newKey.toString()),
        List.of("secrets", "rekey", "--new-key-file", newKey.toString(), "--apply"),
        List.of("configure", "--section", "secrets", "--key-file", newKey.toString()),
        List.of("db", "status", "--json"),
        List.of("db", "backup", "--dir", backups.toString(), "--json"),
        List.of("db", "backups", "list", "--dir", backups.toString()));
    List<String> outputs = new ArrayList<>();
    int verboseLines = 0;
    for (boolean verbose : new boolean[] {true, false}) {
      for (List<String> cmd : commands) {
        List<String> args = new ArrayList<>(cmd);
        if (verbose) {
          args.add(0, "--verbose");
        }
        // --verbose configures logging for the whole JVM, so those runs get one each; the others
        // run here (this JVM logs at the CLI's default level)
        String out;
        if (verbose) {
          out = subprocess(home, db, args);
        } else {
          Run r = run(home, db, Map.of(), args.toArray(String[]::new));
          assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.all());
          out = r.all();
        }
        outputs.add(String.join(" ", args) + "\n" + out);
        if (verbose) {
          verboseLines += (int) out.lines().filter(l -> l.contains("DEBUG")).count();
        }
        // the first --apply moved the value; put a fresh plain one back so every run has it to handle
        if (cmd.contains("--apply") && cmd.contains("migrate-inline-env")) {
          db.execute("UPDATE agents SET adapter_config = '{\"env\": {\"OPENAI_API_KEY\": \"" + CANARY + "\"}}'");
        }
      }
    }
    assertTrue(verboseLines > 0, "--verbose runs do log at DEBUG, so the check below means something");
    for (String o : outputs) {
      assertFalse(o.contains(CANARY), "the canary leaked:\n" + o);
      assertFalse(o.contains("jOOQ"), "no jOOQ banner or tip:\n" + o);
    }
  }

  /** Runs the CLI in its own JVM, so --verbose configures logging as it does for a user. */
  private static String subprocess(Path home, TestDatabase db, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "ing.paperclip.cli.Main"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PAPERCLIP_HOME", home.toString());
    pb.environment().put("HOME", home.toString());
    pb.environment().put("DATABASE_URL", db.spec().libpqUri());
    pb.environment().put("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    pb.environment().remove("PAPERCLIP_SECRETS_MASTER_KEY");
    pb.environment().remove("PAPERCLIP_SECRETS_MASTER_KEY_FILE");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), String.join(" ", args) + "\n" + out);
    return out;
  }
}
