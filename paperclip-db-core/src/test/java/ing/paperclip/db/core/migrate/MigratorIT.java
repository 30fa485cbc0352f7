package ing.paperclip.db.core.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.PoolSettings;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

@WithPostgres
class MigratorIT {

  private static long scalar(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void emptyDatabaseMigratesOnceAndHasTheReferenceSchema(TestDatabase db) throws Exception {
    try (HikariDataSource ds = ConnectionPools.openMigration(db.spec(), PoolSettings.DEFAULTS)) {
      Migrator m = new Migrator(ds);
      MigrationState before = m.status();
      MigrationState.Pending p = assertInstanceOf(MigrationState.Pending.class, before);
      assertEquals(0, p.applied());
      assertTrue(p.pending().size() >= 10);
      List<MigrationState.Changeset> applied = m.migrate();
      assertEquals(p.pending().size(), applied.size());
      assertInstanceOf(MigrationState.UpToDate.class, m.status());
      assertEquals(List.of(), m.migrate(), "second migrate applies nothing");
    }
    Set<String> tables = new TreeSet<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    assertTrue(tables.containsAll(Set.of("companies", "agents", "projects", "issues", "issue_comments",
        "issue_documents", "issue_reference_mentions", "plugins", "plugin_database_namespaces",
        "plugin_migrations", "company_secrets", "company_secret_versions", "instance_settings",
        "document_revisions", "documents", "databasechangelog", "databasechangeloglock")), tables.toString());
    assertEquals(2, scalar(db, "SELECT count(*) FROM pg_extension WHERE extname IN ('pg_trgm','fuzzystrmatch')"));
    assertEquals(1, scalar(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'issues_title_search_idx' AND indexdef LIKE '%gin_trgm_ops%'"));
    assertEquals(1, scalar(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'issues_open_routine_execution_uq' AND indexdef LIKE '%WHERE%'"));
    assertEquals(1, scalar(db, "SELECT count(*) FROM pg_constraint WHERE conname = 'company_secrets_scope_shape_check' AND contype = 'c'"));
    assertEquals(1, scalar(db, "SELECT count(*) FROM pg_constraint WHERE conname = 'issues_company_id_companies_id_fk' AND contype = 'f'"));

    db.execute("""
        INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme');
        INSERT INTO agents (id, company_id, name) VALUES
          ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001', 'CEO'),
          ('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-000000000001', 'CTO');
        INSERT INTO user_inbox_agent_policies (company_id, user_id, allowed_agent_ids) VALUES
          ('00000000-0000-0000-0000-000000000001', 'u1',
           '["00000000-0000-0000-0000-0000000000a1","00000000-0000-0000-0000-0000000000a2"]');
        INSERT INTO issues (company_id, title, identifier) VALUES ('00000000-0000-0000-0000-000000000001', 'First', 'PAP-1');
        DELETE FROM agents WHERE id = '00000000-0000-0000-0000-0000000000a1';
        """);
    assertEquals("medium", stringOf(db, "SELECT priority FROM issues WHERE identifier = 'PAP-1'"));
    assertEquals("[\"00000000-0000-0000-0000-0000000000a2\"]",
        stringOf(db, "SELECT allowed_agent_ids::text FROM user_inbox_agent_policies"),
        "the AFTER DELETE trigger removed the deleted agent");
    PaperclipException dup = assertThrows(PaperclipException.class, () -> {
      try {
        db.execute("INSERT INTO company_secrets (company_id, key, name, scope, owner_user_id) VALUES "
            + "('00000000-0000-0000-0000-000000000001', 'k', 'n', 'company', 'someone')");
      } catch (IllegalStateException e) {
        throw new PaperclipException(ErrorCode.DATABASE, e.getMessage(), e);
      }
    });
    assertTrue(dup.getMessage().contains("company_secrets_scope_shape_check"));
  }

  @Test
  void nonEmptyDatabaseWithoutJournalIsRefusedAndUnchanged(TestDatabase db) throws Exception {
    TestDatabase other = db.sibling("unsafe");
    try {
      other.execute("CREATE TABLE someone_elses (x int); INSERT INTO someone_elses VALUES (1)");
      try (HikariDataSource ds = ConnectionPools.openMigration(other.spec(), PoolSettings.DEFAULTS)) {
        Migrator m = new Migrator(ds);
        MigrationState.Unsafe u = assertInstanceOf(MigrationState.Unsafe.class, m.status());
        assertEquals(1, u.tables());
        assertFalse(u.coreSchemaPresent());
        PaperclipException e = assertThrows(PaperclipException.class, m::migrate);
        assertEquals(ErrorCode.MIGRATION, e.code());
        assertTrue(e.getMessage().contains("no migration journal") && e.getMessage().contains("paperclipai db restore"), e.getMessage());
        assertThrows(PaperclipException.class, () -> m.adopt(other.spec()));
      }
      assertEquals(0, scalar(other, "SELECT count(*) FROM pg_tables WHERE tablename IN ('companies','databasechangelog')"));
      assertEquals(1, scalar(other, "SELECT count(*) FROM someone_elses"));
    } finally {
      other.drop();
    }
  }

  private static String stringOf(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
