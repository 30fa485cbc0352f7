package ing.paperclip.db.core.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.PaperclipException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DotEnvFileTest {
  @Test
  void parsesCommonForms() {
    Map<String, String> m = DotEnvFile.parse(List.of(
        "# comment", "", "export A=1", "B = two words # trailing", "C='lit $x \\n'",
        "D=\"esc\\n\\\"q\\\"\"", "E=", "A=override"), ".env");
    assertEquals("override", m.get("A"));
    assertEquals("two words", m.get("B"));
    assertEquals("lit $x \\n", m.get("C"));
    assertEquals("esc\n\"q\"", m.get("D"));
    assertEquals("", m.get("E"));
  }

  @Test
  void badLinesNameTheLine() {
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> DotEnvFile.parse(List.of("A=1", "not a pair"), "/x/.env"));
    assertTrue(e.getMessage().contains("/x/.env line 2"), e.getMessage());
    e = assertThrows(PaperclipException.class, () -> DotEnvFile.parse(List.of("A=\"open"), ".env"));
    assertTrue(e.getMessage().contains("unterminated"), e.getMessage());
  }
}
