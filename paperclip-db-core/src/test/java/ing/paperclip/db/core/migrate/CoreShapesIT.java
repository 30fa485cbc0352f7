package ing.paperclip.db.core.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.catalog.Catalog;
import ing.paperclip.db.core.catalog.CatalogReader;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.PoolSettings;
import ing.paperclip.db.core.testing.DrizzleCorpus;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The core changelog against the original Paperclip's real schema: the {@code paperclip-drizzle}
 * corpus (a pg_dump of a database built by the original's 216 Drizzle migrations).
 */
@WithPostgres
class CoreShapesIT {
  static final String V0_CHANGELOG = "ing/paperclip/db/core/migrate/v0/db.changelog-master.xml";
  /** What the release before the original's shapes (a5f03af) recorded in databasechangelog. */
  static final List<String> RELEASED_CHECKSUMS = List.of(
      "001-extensions 9:75e8017ea4bb8df8c8238b6113017eb7",
      "002-companies 9:1687046c6d2bf958bc146053aa3db8fb",
      "003-agents 9:1accf50f7b315770fa7b98befb32234d",
      "004-projects 9:0d8fcd965ffd77595c7540c2284d3779",
      "005-issues 9:290a107edb39d7e5228f45842770b852",
      "006-issue-comments 9:176cb40f92091be2120812c401caa526",
      "007-documents 9:49eb633abe160b1b4702858ad0c2cdb9",
      "008-issue-reference-mentions 9:1a18e498c2bd453d34f3ece7efd4cc72",
      "009-plugins 9:6b2bf13c6414a21831cf9c4396441fed",
      "010-company-secrets 9:e48832200c63a31d455c96017130a6e7",
      "011-instance-settings 9:2c074fd034d8b15cdff7a9842b15cac3",
      "012-user-inbox-agent-policies 9:b8f777123d3fbadd60a671df9ac04e40",
      "013-agent-delete-trigger 9:e4d12b03088c5da748abe219199d62b7",
      "014-agent-delete-trigger-create 9:a8790484886ecb53371e3d45458f4680");

  static Catalog catalog(TestDatabase db) throws Exception {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try {
        return new CatalogReader().read(c);
      } finally {
        c.rollback();
      }
    }
  }

  static String drizzleRows(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) || ':' || md5(string_agg(id || '/' || hash || '/' "
            + "|| coalesce(created_at::text, ''), ',' ORDER BY id)) FROM drizzle.__drizzle_migrations")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long scalar(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void freshInstallHasTheCorpusShapesForEveryCoreTable(TestDatabase db) throws Exception {
    TestDatabase corpus = db.sibling("drizzle");
    TestDatabase fresh = db.sibling("fresh");
    try {
      DrizzleCorpus.load(corpus);
      try (HikariDataSource ds = ConnectionPools.openMigration(fresh.spec(), PoolSettings.DEFAULTS)) {
        new Migrator(ds).migrate();
      }
      Catalog ours = catalog(fresh);
      List<String> core = SchemaShapes.coreTables(ours);
      assertEquals(16, core.size(), core.toString());
      List<SchemaShapes.Difference> diff = SchemaShapes.compare(ours, catalog(corpus), true);
      assertEquals(List.of(), diff, "fresh install vs the original's schema");
    } finally {
      fresh.drop();
      corpus.drop();
    }
  }

  @Test
  void databaseOfTheEarlierChangelogIsAlignedExceptColumnOrder(TestDatabase db) throws Exception {
    TestDatabase old = db.sibling("v0");
    TestDatabase corpus = db.sibling("drizzle2");
    try {
      DrizzleCorpus.load(corpus);
      try (HikariDataSource ds = ConnectionPools.openMigration(old.spec(), PoolSettings.DEFAULTS)) {
        new Migrator(ds, V0_CHANGELOG).migrate();
      }
      // 001's SQL must never change: installs of the earlier release hold these checksums
      assertEquals(RELEASED_CHECKSUMS, old.strings("SELECT id || ' ' || md5sum FROM databasechangelog ORDER BY orderexecuted"));
      old.execute("INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme');"
          + "INSERT INTO user_inbox_agent_policies (company_id, user_id) VALUES ('00000000-0000-0000-0000-000000000001', 'u1')");
      try (HikariDataSource ds = ConnectionPools.openMigration(old.spec(), PoolSettings.DEFAULTS)) {
        Migrator m = new Migrator(ds);
        MigrationState.Pending p = assertInstanceOf(MigrationState.Pending.class, m.status());
        assertEquals(14, p.applied());
        assertTrue(p.pending().stream().allMatch(c -> c.id().startsWith("000-") || c.id().startsWith("002-")),
            p.pending().toString());
        m.migrate();
        assertInstanceOf(MigrationState.UpToDate.class, m.status());
      }
      assertEquals(0, scalar(old, "SELECT count(*) FROM databasechangelog WHERE id LIKE '000-%' AND id <> '000-extensions' AND exectype <> 'MARK_RAN'"),
          "000's changesets do not run on an existing install");
      assertEquals(1, scalar(old, "SELECT count(*) FROM user_inbox_agent_policies WHERE mode = 'open'"));
      Catalog real = catalog(corpus);
      Catalog aligned = catalog(old);
      assertEquals(List.of(), SchemaShapes.compare(aligned, real, false), "aligned install vs the original");
      List<SchemaShapes.Difference> order = SchemaShapes.compare(aligned, real, true);
      assertFalse(order.isEmpty());
      assertTrue(order.stream().allMatch(d -> d.what().equals("column order")), order.toString());
    } finally {
      old.drop();
      corpus.drop();
    }
  }

  @Test
  void drizzleDatabaseIsRecognisedAndAdoptedWithoutTouchingItsJournal(TestDatabase db) throws Exception {
    TestDatabase target = db.sibling("adopt");
    try {
      DrizzleCorpus.load(target);
      String before = drizzleRows(target);
      assertTrue(before.startsWith("216:"), before);
      try (HikariDataSource ds = ConnectionPools.openMigration(target.spec(), PoolSettings.DEFAULTS)) {
        Migrator m = new Migrator(ds);
        MigrationState.Unsafe u = assertInstanceOf(MigrationState.Unsafe.class, m.status());
        assertEquals("paperclip-drizzle", u.label());
        MigrationState.DrizzleJournal j = u.drizzle().orElseThrow();
        assertEquals(216, j.migrations());
        assertEquals(216, j.newestId());
        assertTrue(j.describe().startsWith("Paperclip (Drizzle) database, 216 migrations, newest #216 of 2026-"), j.describe());
        PaperclipException refused = assertThrows(PaperclipException.class, m::migrate);
        assertTrue(refused.getMessage().contains("--adopt"), refused.getMessage());

        MigrationState.Adoption a = m.adopt(target.spec());
        assertEquals(16, a.comparedTables().size());
        assertInstanceOf(MigrationState.UpToDate.class, m.status());
        assertEquals(a.marked().size(), scalar(target, "SELECT count(*) FROM databasechangelog"));
        assertEquals(216, a.drizzle().orElseThrow().migrations());
        assertEquals(List.of(), m.adopt(target.spec()).marked(), "a second adopt has nothing to do");
      }
      assertEquals(before, drizzleRows(target), "the Drizzle journal is unchanged");
      // The original's migrator reads its newest row to decide what to apply: still the same one.
      assertEquals(1786643974972L, scalar(target, "SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY created_at DESC LIMIT 1"));
      assertEquals(0, scalar(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'drizzle' AND tablename <> '__drizzle_migrations'"));
      assertEquals(0, scalar(target, "SELECT count(*) FROM pg_database WHERE datname LIKE 'paperclip\\_shape\\_check\\_%'"),
          "the scratch database is dropped");
    } finally {
      target.drop();
    }
  }

  @Test
  void adoptionRefusesAnAlteredCoreTableAndNamesTheDifference(TestDatabase db) throws Exception {
    TestDatabase target = db.sibling("adopt");
    try {
      DrizzleCorpus.load(target);
      target.execute("ALTER TABLE issues DROP COLUMN review_policy;"
          + "ALTER TABLE issue_comments DROP CONSTRAINT issue_comments_issue_id_issues_id_fk;"
          + "ALTER TABLE issue_comments ADD CONSTRAINT issue_comments_issue_id_issues_id_fk FOREIGN KEY (issue_id) REFERENCES issues(id)");
      try (HikariDataSource ds = ConnectionPools.openMigration(target.spec(), PoolSettings.DEFAULTS)) {
        Migrator m = new Migrator(ds);
        PaperclipException e = assertThrows(PaperclipException.class, () -> m.adopt(target.spec()));
        assertEquals(ErrorCode.MIGRATION, e.code());
        List<String> lines = new ArrayList<>(e.getMessage().lines().toList());
        assertTrue(lines.get(0).startsWith("refusing to adopt: 2 difference(s)"), e.getMessage());
        assertTrue(lines.contains("  - issues: column review_policy is missing (expected: text)"), e.getMessage());
        assertTrue(lines.contains("  - issue_comments: constraint issue_comments_issue_id_issues_id_fk differs: "
            + "expected FOREIGN KEY (issue_id) REFERENCES public.issues(id) ON DELETE CASCADE, "
            + "found FOREIGN KEY (issue_id) REFERENCES public.issues(id)"), e.getMessage());
      }
      assertEquals(0, scalar(target, "SELECT count(*) FROM pg_tables WHERE tablename = 'databasechangelog'"),
          "nothing was recorded");
    } finally {
      target.drop();
    }
  }

  @Test
  void adoptionOnAServerThatKeepsExtensionsInTheirOwnSchema(TestDatabase db) throws Exception {
    TestDatabase hosted = db.sibling("hosted");
    try {
      // like Supabase: pg_trgm in "extensions", found through the database's search_path
      hosted.execute("CREATE SCHEMA extensions; CREATE EXTENSION pg_trgm SCHEMA extensions;"
          + "CREATE EXTENSION fuzzystrmatch SCHEMA extensions;"
          + "ALTER DATABASE \"" + hosted.name() + "\" SET search_path = \"$user\", public, extensions");
      try (HikariDataSource ds = ConnectionPools.openMigration(hosted.spec(), PoolSettings.DEFAULTS)) {
        new Migrator(ds).migrate();
      }
      assertEquals(1, scalar(hosted, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
          + "JOIN pg_opclass o ON o.oid = i.indclass[0] JOIN pg_namespace n ON n.oid = o.opcnamespace "
          + "WHERE c.relname = 'issues_title_search_idx' AND n.nspname = 'extensions'"));
      hosted.execute("DROP TABLE databasechangelog, databasechangeloglock");
      try (HikariDataSource ds = ConnectionPools.openMigration(hosted.spec(), PoolSettings.DEFAULTS)) {
        Migrator m = new Migrator(ds);
        assertTrue(assertInstanceOf(MigrationState.Unsafe.class, m.status()).drizzle().isEmpty());
        MigrationState.Adoption a = m.adopt(hosted.spec());
        assertFalse(a.marked().isEmpty(), "the scratch install put its extensions where the target has them");
        assertInstanceOf(MigrationState.UpToDate.class, m.status());
      }
    } finally {
      hosted.drop();
    }
  }
}
