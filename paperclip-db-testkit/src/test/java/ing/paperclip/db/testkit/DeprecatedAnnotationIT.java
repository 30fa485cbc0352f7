package ing.paperclip.db.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The deprecated former name {@code @PaperclipDatabase} still works, attributes included: its
 * PER_METHOD isolation gives each repetition its own database with the bare migrated schema.
 */
@SuppressWarnings("deprecation")
@PaperclipDatabase(isolation = PaperclipDatabase.Isolation.PER_METHOD)
class DeprecatedAnnotationIT {
  private static final Set<String> NAMES = new HashSet<>();

  @RepeatedTest(2)
  void theFormerNameStillGivesAFreshDatabasePerMethod(PaperclipTestDatabase db) throws SQLException {
    NAMES.add(db.name());
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      assertEquals("0", PaperclipDatabaseIT.scalar(s, "SELECT count(*) FROM public.companies"));
      s.execute("INSERT INTO public.companies (name) VALUES ('left behind')");
    }
  }

  @AfterAll
  static void eachRepetitionHadItsOwnDatabase() {
    assertEquals(2, NAMES.size(), NAMES.toString());
  }
}
