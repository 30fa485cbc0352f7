package ing.paperclip.db.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import ing.paperclip.db.secrets.migrate.InlineEnvMigration;
import ing.paperclip.db.secrets.migrate.Rekey;
import ing.paperclip.db.secrets.store.NewSecret;
import ing.paperclip.db.secrets.store.SecretInfo;
import ing.paperclip.db.secrets.store.SecretStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithPostgres
class SecretStoreIT {
  static final UUID COMPANY = UUID.fromString("00000000-0000-0000-0000-000000000001");
  static final UUID AGENT = UUID.fromString("abcdef12-0000-0000-0000-0000000000a1");

  @BeforeAll
  static void schema(TestDatabase db) {
    new Migrator(db.dataSource()).migrate();
    db.execute("INSERT INTO companies (id, name) VALUES ('" + COMPANY + "', 'Acme')");
  }

  private static String scalar(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void lifecycle(TestDatabase db) throws Exception {
    UUID company = UUID.randomUUID();
    db.execute("INSERT INTO companies (id, name, issue_prefix) VALUES ('" + company + "', 'Lifecycle', 'LIF')");
    SecretStore store = new SecretStore(db.dataSource(), new LocalEncryptedProvider(MasterKey.of(new byte[32]), true));
    SecretInfo s = store.create(NewSecret.forCompany(company).key("github_token").name("GitHub token").value("ghp_first"));
    assertEquals(1, s.latestVersion());
    assertEquals("ghp_first", store.resolve(s.id(), OptionalInt.empty()));
    SecretInfo r = store.rotate(s.id(), "ghp_second");
    assertEquals(2, r.latestVersion());
    assertEquals("ghp_second", store.resolve(s.id(), OptionalInt.empty()));
    assertEquals("ghp_first", store.resolve(s.id(), OptionalInt.of(1)));
    assertEquals("previous", scalar(db, "SELECT status FROM company_secret_versions WHERE secret_id = '" + s.id() + "' AND version = 1"));
    store.revoke(s.id(), 1);
    assertThrows(SecretsException.class, () -> store.resolve(s.id(), OptionalInt.of(1)));
    SecretsException dup = assertThrows(SecretsException.class, () -> store.create(NewSecret.forCompany(company).key("other").name("GitHub token").value("x")));
    assertTrue(dup.getMessage().contains("GitHub token") && !dup.getMessage().contains("ghp_"));
    assertEquals(1, store.list(company).size());
    assertFalse(store.list(company).toString().contains("ghp_"), "listing never shows values");
    store.delete(s.id());
    assertEquals(0, store.list(company).size());
    store.create(NewSecret.forCompany(company).key("github_token").name("GitHub token").value("ghp_third"));
    String material = scalar(db, "SELECT string_agg(v.material::text, ' ') FROM company_secret_versions v JOIN company_secrets s ON s.id = v.secret_id WHERE s.company_id = '" + company + "'");
    assertFalse(material.contains("ghp_"), "no plaintext at rest");
    assertEquals(LocalEncryptedProvider.sha256Hex("ghp_third"),
        scalar(db, "SELECT value_sha256 FROM company_secret_versions v JOIN company_secrets s ON s.id = v.secret_id WHERE s.deleted_at IS NULL AND s.company_id = '" + company + "'"));
  }

  @Test
  void inlineEnvMigrationDryRunApplyAndRerun(TestDatabase db) throws Exception {
    db.execute("INSERT INTO agents (id, company_id, name, adapter_config) VALUES ('" + AGENT + "', '" + COMPANY
        + "', 'Dev', '{\"env\": {\"OPENAI_API_KEY\": \"sk-plain\", \"DB_PASSWORD\": {\"type\": \"plain\", \"value\": \"pw\"},"
        + " \"LOG_LEVEL\": \"debug\", \"EMPTY_SECRET\": \"\", \"GH_TOKEN_AUTH\": {\"type\": \"secret_ref\", \"secretId\": \"x\"}}}')");
    SecretStore store = new SecretStore(db.dataSource(), new LocalEncryptedProvider(MasterKey.of(new byte[32]), false));
    InlineEnvMigration m = new InlineEnvMigration(store);
    String before = scalar(db, "SELECT adapter_config::text FROM agents WHERE id = '" + AGENT + "'");
    List<InlineEnvMigration.Move> dry = m.run(Optional.empty(), false);
    assertEquals(2, dry.size());
    assertEquals(before, scalar(db, "SELECT adapter_config::text FROM agents WHERE id = '" + AGENT + "'"), "dry run changes nothing");
    m.run(Optional.of(COMPANY), true);
    String after = scalar(db, "SELECT adapter_config::text FROM agents WHERE id = '" + AGENT + "'");
    assertFalse(after.contains("sk-plain") || after.contains("\"pw\""), after);
    assertTrue(after.contains("secret_ref") && after.contains("\"debug\""), after);
    String secretId = scalar(db, "SELECT adapter_config->'env'->'OPENAI_API_KEY'->>'secretId' FROM agents WHERE id = '" + AGENT + "'");
    assertEquals("sk-plain", store.resolve(UUID.fromString(secretId), OptionalInt.empty()));
    assertEquals("agent_abcdef12_openai_api_key", scalar(db, "SELECT name FROM company_secrets WHERE id = '" + secretId + "'"));
    assertEquals(0, m.run(Optional.empty(), true).size(), "re-run finds nothing");
  }

  @Test
  void rekeyReencryptsEveryVersionAndOldKeyNoLongerWorks(TestDatabase shared) throws Exception {
    TestDatabase db = keyedDatabase(shared, "rekey");
    try {
      rekey(db);
    } finally {
      db.drop();
    }
  }

  /** A database of its own: the key check is per database, and the other tests use another key. */
  private static TestDatabase keyedDatabase(TestDatabase shared, String hint) {
    TestDatabase db = shared.sibling(hint);
    new Migrator(db.dataSource()).migrate();
    db.execute("INSERT INTO companies (id, name) VALUES ('" + COMPANY + "', 'Acme')");
    return db;
  }

  private static void rekey(TestDatabase db) throws Exception {
    MasterKey oldKey = MasterKey.of(new byte[32]);
    byte[] n = new byte[32];
    n[31] = 7;
    MasterKey newKey = MasterKey.of(n);
    LocalEncryptedProvider oldP = new LocalEncryptedProvider(oldKey, false);
    LocalEncryptedProvider newP = new LocalEncryptedProvider(newKey, false);
    SecretStore oldStore = new SecretStore(db.dataSource(), oldP);
    SecretInfo s = oldStore.create(NewSecret.forCompany(COMPANY).key("rekey_me").name("rekey me").value("v1"));
    oldStore.rotate(s.id(), "v2");
    int versions = Integer.parseInt(scalar(db, "SELECT count(*) FROM company_secret_versions"));
    assertEquals(versions, new Rekey(db.dataSource(), oldP, newP).run(false));
    assertEquals("v2", oldStore.resolve(s.id(), OptionalInt.empty()), "dry run changed nothing");
    assertEquals(versions, new Rekey(db.dataSource(), oldP, newP).run(true));
    SecretStore newStore = new SecretStore(db.dataSource(), newP);
    assertEquals("v1", newStore.resolve(s.id(), OptionalInt.of(1)));
    assertEquals("v2", newStore.resolve(s.id(), OptionalInt.empty()));
    SecretsException wrong = assertThrows(SecretsException.class, () -> oldStore.resolve(s.id(), OptionalInt.empty()));
    assertTrue(wrong.getMessage().contains(oldKey.fingerprint()));
    SecretsException again = assertThrows(SecretsException.class, () -> new Rekey(db.dataSource(), oldP, newP).run(true),
        "a version that does not decrypt with the old key stops the rekey");
    assertTrue(again.getMessage().contains(oldKey.fingerprint()) && again.getMessage().contains(newKey.fingerprint()),
        again.getMessage());
    assertEquals(Integer.toString(versions), scalar(db, "SELECT count(*) FROM company_secret_versions "
        + "WHERE provider_version_ref = 'master-key:" + newKey.fingerprint() + "'"), "each version records its key");
  }

  @Test
  void writesWithAnotherKeyAreRefusedWithBothFingerprintsAndChangeNothing(TestDatabase shared) throws Exception {
    TestDatabase db = keyedDatabase(shared, "keycheck");
    try {
      MasterKey right = MasterKey.of(new byte[32]);
      byte[] w = new byte[32];
      w[0] = 1;
      MasterKey wrong = MasterKey.of(w);
      SecretStore good = new SecretStore(db.dataSource(), new LocalEncryptedProvider(right, false));
      SecretInfo s = good.create(NewSecret.forCompany(COMPANY).key("token").name("token").value("CANARY-value-1"));
      db.execute("INSERT INTO agents (id, company_id, name, adapter_config) VALUES ('" + AGENT + "', '" + COMPANY
          + "', 'Dev', '{\"env\": {\"OPENAI_API_KEY\": \"sk-plain\"}}')");
      String before = scalar(db, "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM (SELECT * FROM company_secret_versions) t")
          + scalar(db, "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM (SELECT * FROM company_secrets) t")
          + scalar(db, "SELECT adapter_config::text FROM agents");
      for (boolean v2 : new boolean[] {false, true}) {
        SecretStore bad = new SecretStore(db.dataSource(), new LocalEncryptedProvider(wrong, v2));
        List<org.junit.jupiter.api.function.Executable> writes = List.of(
            () -> bad.create(NewSecret.forCompany(COMPANY).key("other").name("other").value("x")),
            () -> bad.rotate(s.id(), "y"),
            () -> new InlineEnvMigration(bad).run(Optional.empty(), true),
            () -> new Rekey(db.dataSource(), new LocalEncryptedProvider(wrong, false),
                new LocalEncryptedProvider(right, false)).run(true));
        for (org.junit.jupiter.api.function.Executable write : writes) {
          SecretsException e = assertThrows(SecretsException.class, write);
          assertTrue(e.getMessage().contains(right.fingerprint()) && e.getMessage().contains(wrong.fingerprint()),
              e.getMessage());
          assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
        }
      }
      String after = scalar(db, "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM (SELECT * FROM company_secret_versions) t")
          + scalar(db, "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM (SELECT * FROM company_secrets) t")
          + scalar(db, "SELECT adapter_config::text FROM agents");
      assertEquals(before, after, "the database is unchanged");
      SecretsException none = assertThrows(SecretsException.class, 
          () -> ing.paperclip.db.secrets.store.KeyCheck.requireNoSecrets(db.dataSource(), java.nio.file.Path.of("/new/home/master.key")));
      assertTrue(none.getMessage().contains(right.fingerprint()) && none.getMessage().contains("/new/home/master.key"),
          none.getMessage());
      // material written before fingerprints were recorded is checked by decrypting it
      db.execute("UPDATE company_secret_versions SET provider_version_ref = NULL");
      SecretsException old = assertThrows(SecretsException.class, () -> new SecretStore(db.dataSource(),
          new LocalEncryptedProvider(wrong, false)).rotate(s.id(), "z"));
      assertTrue(old.getMessage().contains(wrong.fingerprint()) && old.getMessage().contains("not recorded"), old.getMessage());
      assertEquals(2, good.rotate(s.id(), "CANARY-value-2").latestVersion(), "the right key still writes");
      // and rekey works afterwards
      assertEquals(2, new Rekey(db.dataSource(), new LocalEncryptedProvider(right, false),
          new LocalEncryptedProvider(wrong, false)).run(true));
      assertEquals("CANARY-value-2", new SecretStore(db.dataSource(), new LocalEncryptedProvider(wrong, false))
          .resolve(s.id(), OptionalInt.empty()));
    } finally {
      db.drop();
    }
  }
}
