package ing.paperclip.db.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a stored database setting is written back: list settings element by element, as pg_dump does. */
class DatabaseSwapTest {
  @Test
  void aListSettingIsSplitIntoItsQuotedElements() {
    assertEquals(List.of("$user", "public", "we'ird, x", "a\"b"), DatabaseSwap.splitList("\"$user\", public, \"we'ird, x\", \"a\"\"b\""));
    assertEquals(List.of(), DatabaseSwap.splitList(""));
    assertEquals(" SET \"search_path\" = '$user', 'public', 'we''ird, x'",
        DatabaseSwap.setClause("search_path=\"$user\", public, \"we'ird, x\""));
  }

  @Test
  void anyOtherSettingIsOneLiteral() {
    assertEquals(" SET \"work_mem\" = '12MB'", DatabaseSwap.setClause("work_mem=12MB"));
    assertEquals(" SET \"app.note\" = 'a, b = ''c'''", DatabaseSwap.setClause("app.note=a, b = 'c'"));
  }
}
