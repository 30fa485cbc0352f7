package ing.paperclip.db.backup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class CopyLineTest {
  @Test
  void aNameWithANewlineStaysOnOneLineAndParsesBack() {
    CopyLine line = new CopyLine("s", "line\nbreak", List.of("a\r\"b\\", "plain"));
    String text = line.format();
    assertFalse(text.contains("\n") || text.contains("\r"), text);
    assertEquals("COPY \"s\".U&\"line\\000abreak\" (U&\"a\\000d\"\"b\\\\\", \"plain\") FROM stdin;", text);
    assertEquals(line, CopyLine.parse(text).orElseThrow());
  }

  @Test
  void ordinaryNamesAreQuotedAsBefore() {
    CopyLine line = new CopyLine("public", "t", List.of("a"));
    assertEquals("COPY \"public\".\"t\" (\"a\") FROM stdin;", line.format());
    assertEquals(line, CopyLine.parse(line.format()).orElseThrow());
  }
}
