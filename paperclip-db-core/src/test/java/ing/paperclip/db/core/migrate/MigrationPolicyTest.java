package ing.paperclip.db.core.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.migrate.MigrationPolicy.Decision;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MigrationPolicyTest {
  @ParameterizedTest(name = "fresh={0} pending={1} auto={2} prompt={3} tty={4} answer={5} -> {6}")
  @CsvSource({
      "true,  5, '',    '',      false, false, APPLY",
      "false, 0, '',    '',      false, false, APPLY",
      "false, 5, true,  '',      false, false, APPLY",
      "false, 5, TRUE,  never,   false, false, APPLY",
      "false, 5, '',    '',      true,  true,  APPLY",
      "false, 5, '',    '',      true,  false, REFUSE",
      "false, 5, '',    never,   true,  true,  REFUSE",
      "false, 5, '',    '',      false, true,  REFUSE",
      "false, 5, false, '',      false, true,  REFUSE"})
  void decisionTable(boolean fresh, int pending, String auto, String prompt, boolean tty,
      boolean answer, Decision expected) {
    MigrationPolicy p = new MigrationPolicy(Map.of("PAPERCLIP_MIGRATION_AUTO_APPLY", auto,
        "PAPERCLIP_MIGRATION_PROMPT", prompt));
    assertEquals(expected, p.decide(fresh, pending, tty ? q -> answer : null));
  }

  @ParameterizedTest
  @CsvSource({"3"})
  void refusalNamesTheCommand(int n) {
    assertTrue(MigrationPolicy.refusal(n).contains("paperclipai db migrate"));
  }
}
