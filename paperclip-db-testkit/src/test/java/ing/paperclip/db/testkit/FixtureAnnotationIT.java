package ing.paperclip.db.testkit;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * {@code fixtures/acme.sql.gz} was written by {@code paperclipai db backup} (see
 * src/test/resources/fixtures/README.md); every copy starts with its rows.
 */
@WithPaperclipDatabase(isolation = WithPaperclipDatabase.Isolation.PER_METHOD, fixture = "classpath:fixtures/acme.sql.gz")
class FixtureAnnotationIT {
  @Test
  void theFixtureRowsAreThere(PaperclipTestDatabase db) throws SQLException {
    FixtureIT.requireRows(db, "SELECT string_agg(issue_prefix, ',' ORDER BY issue_prefix) FROM public.companies", "ACM,GLX");
    db.execute("DELETE FROM public.issues");
  }

  @Test
  void andEachMethodGetsThemAfresh(PaperclipTestDatabase db) throws SQLException {
    FixtureIT.requireRows(db, "SELECT count(*) FROM public.issues", "3");
    db.execute("DELETE FROM public.issues");
  }
}
