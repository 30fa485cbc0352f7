package ing.paperclip.db.core.references;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithPostgres
class IssueReferencesIT {
  static final String A = "00000000-0000-0000-0000-00000000000a";
  static final String B = "00000000-0000-0000-0000-00000000000b";

  @BeforeAll
  static void schema(TestDatabase db) {
    new Migrator(db.dataSource()).migrate();
    db.execute("INSERT INTO companies (id, name, issue_prefix) VALUES ('" + A + "', 'A', 'PAP'), ('" + B + "', 'B', 'OTH')");
  }

  private static long scalar(TestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void syncResolvesWithinTheCompanyDropsSelfReferencesAndReplaces(TestDatabase db) throws Exception {
    db.execute("""
        INSERT INTO issues (id, company_id, title, description, identifier) VALUES
          ('10000000-0000-0000-0000-000000000001', '%1$s', 'Fix PAP-2 and PAP-1', 'see pap-3, OTH-1 and `PAP-4`', 'PAP-1'),
          ('10000000-0000-0000-0000-000000000002', '%1$s', 'two', NULL, 'PAP-2'),
          ('10000000-0000-0000-0000-000000000003', '%1$s', 'three', NULL, 'PAP-3'),
          ('10000000-0000-0000-0000-000000000004', '%1$s', 'four', NULL, 'PAP-4'),
          ('20000000-0000-0000-0000-000000000001', '%2$s', 'other company', NULL, 'OTH-1');
        """.formatted(A, B));
    IssueReferenceSync sync = new IssueReferenceSync(db.dataSource());
    assertEquals(2, sync.syncIssue(UUID.fromString("10000000-0000-0000-0000-000000000001")));
    assertEquals(2, scalar(db, "SELECT count(*) FROM issue_reference_mentions WHERE source_issue_id = '10000000-0000-0000-0000-000000000001'"));
    assertEquals(0, scalar(db, "SELECT count(*) FROM issue_reference_mentions WHERE target_issue_id IN "
        + "('20000000-0000-0000-0000-000000000001', '10000000-0000-0000-0000-000000000001', '10000000-0000-0000-0000-000000000004')"),
        "other company, self and code-span references are not recorded");
    db.execute("UPDATE issues SET description = 'nothing now' WHERE id = '10000000-0000-0000-0000-000000000001'");
    assertEquals(1, sync.syncIssue(UUID.fromString("10000000-0000-0000-0000-000000000001")));
    assertEquals(1, scalar(db, "SELECT count(*) FROM issue_reference_mentions WHERE source_issue_id = '10000000-0000-0000-0000-000000000001'"));
  }

  @Test
  void backfillIsIdempotentAndResumable(TestDatabase db) throws Exception {
    UUID company = UUID.randomUUID();
    int n = Integer.getInteger("paperclip.bench.issues", 2000);
    db.execute("INSERT INTO companies (id, name, issue_prefix) VALUES ('" + company + "', 'Bulk', 'BLK');"
        + "INSERT INTO issues (company_id, title, description, identifier, created_at) "
        + "SELECT '" + company + "', 'Issue ' || g, 'depends on BLK-' || (g / 2 + 1) || ' and [x](/issues/blk-' || (g + 1) || ')', "
        + "'BLK-' || g, now() - (" + n + " - g) * interval '1 second' FROM generate_series(1, " + n + ") g;"
        + "INSERT INTO issue_comments (company_id, issue_id, body) SELECT company_id, id, 'dup of ' || identifier || ' and BLK-1' "
        + "FROM issues WHERE company_id = '" + company + "' AND random() < 2;");
    IssueReferenceBackfill backfill = new IssueReferenceBackfill(db.dataSource(), 500);
    long t0 = System.nanoTime();
    IssueReferenceBackfill.Result first = backfill.run(Optional.of(company), r -> { });
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("backfill of %d issues (%d comments): %d mentions in %d ms%n", first.issues(), first.comments(), first.mentions(), ms);
    assertEquals(n, first.issues());
    String total = "SELECT count(*) FROM issue_reference_mentions WHERE company_id = '" + company + "'";
    long rows = scalar(db, total);
    assertTrue(rows > n, "rows " + rows);
    IssueReferenceBackfill.Result second = backfill.run(Optional.of(company), r -> { });
    assertEquals(rows, scalar(db, total), "same result twice");
    assertEquals(first.mentions(), second.mentions());
    db.execute("DELETE FROM issue_reference_mentions WHERE company_id = '" + company + "'");
    try {
      backfill.run(Optional.of(company), r -> {
        if (r.batches() == 2) {
          throw new IllegalStateException("interrupted");
        }
      });
    } catch (IllegalStateException expected) {
      assertTrue(scalar(db, total) > 0 && scalar(db, total) < rows, "whole batches committed");
    }
    backfill.run(Optional.of(company), r -> { });
    assertEquals(rows, scalar(db, total), "the next run completes an interrupted one");
  }
}
