package ing.paperclip.db.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;

@WithPaperclipDatabase(isolation = WithPaperclipDatabase.Isolation.PER_METHOD)
class PerMethodIsolationIT {
  private static final Set<String> NAMES = new HashSet<>();

  @RepeatedTest(3)
  void everyMethodStartsFromTheBareSchema(PaperclipTestDatabase db) throws SQLException {
    NAMES.add(db.name());
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      assertEquals("0", PaperclipDatabaseIT.scalar(s, "SELECT count(*) FROM public.companies"));
      s.execute("INSERT INTO public.companies (name) VALUES ('left behind')");
    }
  }

  @AfterAll
  static void eachRepetitionHadItsOwnDatabase() {
    assertEquals(3, NAMES.size(), NAMES.toString());
  }
}
