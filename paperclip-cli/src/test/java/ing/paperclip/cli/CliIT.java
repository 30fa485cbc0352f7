package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end against a real server: plugins, secrets, backup and restore together. */
@WithPostgres
class CliIT {
  @TempDir
  Path home;

  record Run(int code, String out, String err) {}

  private Run run(TestDatabase db, String... args) {
    return run(db, Map.of(), args);
  }

  private Run run(TestDatabase db, Map<String, String> extraEnv, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("PAPERCLIP_HOME", home.toString());
    env.put("DATABASE_URL", db.spec().libpqUri());
    env.put("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void twoPluginsAndSecretsSurviveBackupAndRestoreWithoutPlaintext(TestDatabase db) throws Exception {
    assertEquals(0, run(db, "db", "migrate").code());
    db.execute("INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme');"
        + "INSERT INTO agents (id, company_id, name, adapter_config) VALUES ('abcdef12-0000-0000-0000-000000000001', "
        + "'00000000-0000-0000-0000-000000000001', 'Dev', '{\"env\": {\"OPENAI_API_KEY\": \"sk-live-PLAINTEXT-42\"}}')");
    Path crm = Files.createDirectories(home.resolve("crm"));
    Files.writeString(crm.resolve("001_init.sql"), "CREATE TYPE stage AS ENUM ('lead', 'won');"
        + "CREATE TABLE deals (id bigserial PRIMARY KEY, stage stage NOT NULL, company_id uuid);"
        + "INSERT INTO deals (stage, company_id) SELECT 'won', id FROM public.companies;");
    Path notes = Files.createDirectories(home.resolve("notes"));
    Files.writeString(notes.resolve("001.sql"), "CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes (body) VALUES ('hello');");
    assertEquals(0, run(db, "plugins", "migrate", "--plugin-key", "acme.crm", "--dir", crm.toString()).code());
    assertEquals(0, run(db, "plugins", "migrate", "--plugin-key", "acme.notes", "--dir", notes.toString()).code());
    Run list = run(db, "plugins", "list", "--json");
    assertTrue(list.out().contains("acme.crm") && list.out().contains("acme.notes"), list.out());

    Run migrate = run(db, "secrets", "migrate-inline-env", "--apply");
    assertEquals(0, migrate.code(), migrate.err());
    assertTrue(migrate.out().contains("agent_abcdef12_openai_api_key"), migrate.out());

    Run backup = run(db, "db", "backup", "--dir", home.resolve("b").toString(), "--json");
    assertEquals(0, backup.code(), backup.err());
    Path file;
    try (var files = Files.list(home.resolve("b"))) {
      file = files.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
    }
    assertFalse(file.getFileName().toString().contains("sk-"));
    // the secrets created the instance's key: the backup is signed with it, and verify says so
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    String fp = mapper.readTree(backup.out()).get("signedBy").asText();
    assertTrue(fp.matches("[0-9a-f]{12}"), backup.out());
    Run verify = run(db, "db", "backups", "verify", "--json", file.toString());
    assertEquals(0, verify.code(), verify.err());
    com.fasterxml.jackson.databind.JsonNode v = mapper.readTree(verify.out()).get("results").get(0);
    assertEquals("this_instance", v.get("signature").asText(), verify.out());
    assertEquals("signed by this instance's key (fp " + fp + ")", v.get("authenticity").asText(), verify.out());
    assertTrue(v.get("refusedStatement").isNull(), verify.out());
    Run other = run(db, Map.of("PAPERCLIP_SECRETS_MASTER_KEY", "ab".repeat(32)), "db", "backups", "verify",
        file.toString());
    assertEquals(0, other.code(), other.err());
    assertTrue(other.out().contains("signed by another key (fp " + fp + "; this instance has "), other.out());
    // an instance with a key restores (here: plans) a file signed by another key only when told
    Run foreign = run(db, Map.of("PAPERCLIP_SECRETS_MASTER_KEY", "ab".repeat(32)), "db", "restore", "--plan",
        file.toString());
    assertEquals(2, foreign.code(), foreign.out() + foreign.err());
    assertTrue(foreign.err().contains("--accept-unsigned"), foreign.err());
    assertEquals(0, run(db, Map.of("PAPERCLIP_SECRETS_MASTER_KEY", "ab".repeat(32)), "db", "restore", "--plan",
        "--accept-unsigned", file.toString()).code());
    // verify applies the restore's allowlist: a pg_dump file holding a role is reported as a restore would refuse it
    Path dump = home.resolve("hostile.sql");
    Files.writeString(dump, "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\nCREATE ROLE evil SUPERUSER;\n"
        + "\n--\n-- PostgreSQL database dump complete\n--\n\n");
    Run hostile = run(db, "db", "backups", "verify", "--json", dump.toString());
    assertEquals(9, hostile.code(), hostile.err());
    com.fasterxml.jackson.databind.JsonNode h = mapper.readTree(hostile.out()).get("results").get(0);
    assertTrue(h.get("refusedStatement").asText().contains("CREATE ROLE evil SUPERUSER"), hostile.out());
    assertEquals("not signed (pg_dump file)", h.get("authenticity").asText(), hostile.out());
    String text;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertFalse(text.contains("sk-live-PLAINTEXT-42"), "the backup holds no plaintext secret");
    assertTrue(text.contains("local_encrypted_v1"), "but it holds the encrypted material");
    // and in our format, with every checksum recomputed and the signature dropped: complete, but refused
    String injected = text.replaceFirst("\nBEGIN;\n", "\nBEGIN;\nCREATE ROLE evil_cli SUPERUSER;\n");
    assertFalse(injected.equals(text));
    Path forged = home.resolve("b2").resolve("paperclip-20261202-000000.sql.gz");
    Files.createDirectories(forged.getParent());
    Files.write(forged, recomputeChecksums(injected));
    Run ours = run(db, "db", "backups", "verify", "--json", forged.toString());
    assertEquals(9, ours.code(), ours.err());
    com.fasterxml.jackson.databind.JsonNode o = mapper.readTree(ours.out()).get("results").get(0);
    assertTrue(o.get("complete").asBoolean(), ours.out());
    assertFalse(o.get("ok").asBoolean(), ours.out());
    assertEquals("not_signed", o.get("signature").asText(), ours.out());
    assertTrue(o.get("refusedStatement").asText().contains("CREATE ROLE evil_cli"), ours.out());

    TestDatabase target = db.sibling("cli_target");
    try {
      StringWriter out = new StringWriter();
      Map<String, String> env = Map.of("PAPERCLIP_HOME", home.toString(), "DATABASE_URL", target.spec().libpqUri());
      assertEquals(0, Main.run(new String[] {"db", "restore", file.toString()}, env, new PrintWriter(out),
          new PrintWriter(new StringWriter()), false, home), out.toString());
      DatabaseComparator.assertSameSchemaAndData(db, target);
      // the restored plugins log in as their own (new, per-database) roles and own their objects again
      Files.writeString(crm.resolve("002_more.sql"), "ALTER TABLE deals ADD COLUMN note text; ALTER TYPE stage ADD VALUE 'lost';"
          + "INSERT INTO deals (stage, company_id) SELECT 'won', id FROM public.companies;");
      Files.writeString(notes.resolve("002.sql"), "INSERT INTO notes (body) VALUES ('after restore');");
      Map<String, String> targetEnv = Map.of("PAPERCLIP_HOME", home.toString(), "DATABASE_URL", target.spec().libpqUri(),
          "PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
      for (String[] p : new String[][] {{"acme.crm", crm.toString()}, {"acme.notes", notes.toString()}}) {
        StringWriter e = new StringWriter();
        assertEquals(0, Main.run(new String[] {"plugins", "migrate", "--plugin-key", p[0], "--dir", p[1]}, targetEnv,
            new PrintWriter(new StringWriter()), new PrintWriter(e), false, home), e.toString());
      }
      try (var c = java.sql.DriverManager.getConnection(target.spec().jdbcUrl(), target.spec().driverProperties());
          var st = c.createStatement();
          var rs = st.executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
              + "CROSS JOIN LATERAL aclexplode(c.relacl) x JOIN pg_roles r ON r.oid = x.grantee "
              + "WHERE n.nspname = 'public' AND r.rolname LIKE 'plugin%' AND NOT EXISTS (SELECT 1 FROM pg_namespace o "
              + "WHERE o.nspowner = r.oid)")) {
        rs.next();
        assertEquals(0, rs.getLong(1), "the source database's plugin roles hold nothing in the restored one");
      }
      Run again = new Run(Main.run(new String[] {"db", "restore", file.toString()}, env,
          new PrintWriter(new StringWriter()), new PrintWriter(out), false, home), "", out.toString());
      assertEquals(8, again.code(), "a non-empty target is refused");
    } finally {
      target.dropInBackground();
    }
  }

  /**
   * Rewrites a backup's text as one gzip member with the checksums a forger recomputes (each block's
   * rows, the format-2 body checksum and size), member offsets and the signature dropped.
   */
  private static byte[] recomputeChecksums(String text) throws Exception {
    int at = text.indexOf("-- paperclip-manifest: ");
    String body = text.substring(0, at);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode manifest = (com.fasterxml.jackson.databind.node.ObjectNode)
        json.readTree(text.substring(at + "-- paperclip-manifest: ".length(), text.indexOf('\n', at)));
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
        String sha = sha(body.substring(pos, end + 1));
        com.fasterxml.jackson.databind.node.ObjectNode entry =
            (com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("tables").get(block++);
        entry.put("sha256", sha);
        entry.remove("memberOffset");
        entry.remove("memberLength");
        skeleton.append(sha).append("\n\\.\n");
        pos = end + 4;
      }
    }
    assertEquals(manifest.get("tables").size(), block, "every block found");
    manifest.put("bodyBytes", body.getBytes(StandardCharsets.UTF_8).length);
    manifest.put("bodySha256", sha(skeleton.toString()));
    manifest.remove("signature");
    String out = body + "-- paperclip-manifest: " + json.writeValueAsString(manifest) + "\n-- paperclip-end\n";
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(gz)) {
      g.write(out.getBytes(StandardCharsets.UTF_8));
    }
    return gz.toByteArray();
  }

  private static String sha(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void statusWarnsWhenTheRuntimeRoleIsASuperuser(TestDatabase db) throws Exception {
    Run status = run(db, "db", "status", "--json");
    assertEquals(0, status.code(), status.err());
    com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.out());
    boolean superuser;
    try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
      rs.next();
      superuser = rs.getBoolean(1);
    }
    assertEquals(superuser, s.get("runtimeRoleSuperuser").asBoolean(), status.out());
    assertEquals(superuser ? 1 : 0, s.get("warnings").size(), status.out());
    Run text = run(db, "db", "status");
    assertEquals(superuser, text.err().contains("warning: the runtime role ") && text.err().contains("is a superuser"), text.err());
  }

  @Test
  void statusListsWhatAKilledCleanLeftOnTheServer(TestDatabase db) throws Exception {
    String left = "paperclip_restore_00000000c0ffee00";
    String q = ing.paperclip.db.core.sql.SqlIdentifiers.quote(left);
    try (java.sql.Connection c = db.server().connectAdmin(); java.sql.Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + q + " TEMPLATE template0");
      // the comment DatabaseSwap gives a scratch database (docs/BACKUPS.md)
      st.execute("COMMENT ON DATABASE " + q + " IS " + ing.paperclip.db.core.sql.SqlIdentifiers.literal(
          "paperclip-db restore: scratch database replacing database " + db.name()
              + " (if no restore runs, it was interrupted; the next --clean drops it)"));
    }
    try {
      Run status = run(db, "db", "status", "--json");
      assertEquals(0, status.code(), status.err());
      com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(status.out());
      assertEquals(left, s.get("restoreLeftovers").get(0).asText(), status.out());
      Run text = run(db, "db", "status");
      assertTrue(text.err().contains("warning: an interrupted 'db restore --clean' left database(s) " + left),
          text.err());
    } finally {
      db.server().dropDatabase(left);
    }
    assertFalse(run(db, "db", "status", "--json").out().contains("restoreLeftovers"));
  }

  @Test
  void secretsRekeyRotatesThePluginRolePasswords(TestDatabase shared) throws Exception {
    // a database of its own: the class's database holds secrets under another test's key
    TestDatabase db = shared.sibling("cli_rekey");
    try {
    assertEquals(0, run(db, "db", "migrate").code());
    Path dir = Files.createDirectories(home.resolve("rekeyed"));
    Files.writeString(dir.resolve("001.sql"), "CREATE TABLE t (x int);");
    Run first = run(db, "plugins", "migrate", "--plugin-key", "acme.rekeyed", "--dir", dir.toString());
    assertEquals(0, first.code(), first.err());
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    Path newKey = home.resolve("new.key");
    Files.writeString(newKey, java.util.Base64.getEncoder().encodeToString(key));
    Run rekey = run(db, "secrets", "rekey", "--new-key-file", newKey.toString(), "--apply");
    assertEquals(0, rekey.code(), rekey.err());
    assertTrue(rekey.out().contains("changed the password of 1 plugin role(s)"), rekey.out());
    String role = ing.paperclip.db.plugins.NamespaceNames.role(
        ing.paperclip.db.plugins.NamespaceNames.schema("acme.rekeyed", java.util.Optional.empty()), db.name());
    if (db.server().kind().equals("embedded")) { // the local test server trusts every login: nothing to tell apart
      Path oldKeyFile;
      try (var files = Files.walk(home)) {
        oldKeyFile = files.filter(p -> p.getFileName().toString().equals("master.key")).findFirst().orElseThrow();
      }
      byte[] oldKey = ing.paperclip.db.secrets.MasterKeyLoader.readOrCreate(oldKeyFile).key().bytes();
      assertTrue(logsIn(db, role, ing.paperclip.db.plugins.PluginCredentials.hmacSha256(key).password(role)),
          "the new key's password works");
      assertFalse(logsIn(db, role, ing.paperclip.db.plugins.PluginCredentials.hmacSha256(oldKey).password(role)),
          "the old key's password no longer does");
    }
    Files.writeString(dir.resolve("002.sql"), "INSERT INTO t VALUES (1);");
    Run withNewKey = run(db, Map.of("PAPERCLIP_SECRETS_MASTER_KEY_FILE", newKey.toString()),
        "plugins", "migrate", "--plugin-key", "acme.rekeyed", "--dir", dir.toString());
    assertEquals(0, withNewKey.code(), withNewKey.err());
    } finally {
      db.dropInBackground();
    }
  }

  private static boolean logsIn(TestDatabase db, String role, String password) {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", role);
    p.setProperty("password", password);
    try (var c = java.sql.DriverManager.getConnection(db.spec().jdbcUrl(), p)) {
      return c.isValid(5);
    } catch (java.sql.SQLException e) {
      return false;
    }
  }

  @Test
  void anOversizedPluginMigrationIsOneLineWithoutAStackTrace(TestDatabase db) throws Exception {
    assertEquals(0, run(db, "db", "migrate").code());
    Path big = Files.createDirectories(home.resolve("big"));
    try (var w = Files.newBufferedWriter(big.resolve("001_big.sql"))) {
      String row = "INSERT INTO t VALUES (1);\n";
      for (long n = 0; n < 20L << 20; n += row.length()) {
        w.write(row);
      }
    }
    Run r = run(db, "plugins", "migrate", "--plugin-key", "big.plugin", "--dir", big.toString());
    assertEquals(11, r.code(), r.err());
    // the first plugin command of an instance also notes the master key it created (its role passwords derive from it)
    assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("note: created the master key")).count(), r.err());
    assertTrue(r.err().contains("001_big.sql is ") && r.err().contains("over the limit of 8388608"), r.err());
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
  }

  @Test
  void errorsAreOneLineWithExitCodes(TestDatabase db) {
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"--database-url", "mysql://x/y", "db", "status"}, Map.of(),
        new PrintWriter(new StringWriter()), new PrintWriter(err), false, home);
    assertEquals(2, code);
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    err.getBuffer().setLength(0);
    code = Main.run(new String[] {"-i", "../bad", "db", "status"}, Map.of(), new PrintWriter(new StringWriter()),
        new PrintWriter(err), false, home);
    assertEquals(2, code);
    assertTrue(err.toString().contains("invalid instance id"), err.toString());
    err.getBuffer().setLength(0);
    code = Main.run(new String[] {"--database-url", "postgres://u:secretpw@127.0.0.1:1/db", "db", "status"},
        Map.of("PAPERCLIP_DB_CONNECT_TIMEOUT_MS", "2000"), new PrintWriter(new StringWriter()), new PrintWriter(err), false, home);
    assertEquals(4, code, err.toString());
    assertFalse(err.toString().contains("secretpw"));
  }
}
