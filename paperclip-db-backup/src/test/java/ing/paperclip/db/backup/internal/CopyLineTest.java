package ing.paperclip.db.backup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void copyLinesParseAndFormat() {
    CopyLine l = new CopyLine("a\"b", "t.x", List.of("c 1", "Ü"));
    assertEquals("COPY \"a\"\"b\".\"t.x\" (\"c 1\", \"Ü\") FROM stdin;", l.format());
    assertEquals(l, CopyLine.parse(l.format()).orElseThrow());
    assertEquals(new CopyLine("public", "t", List.of()), CopyLine.parse("COPY public.t FROM stdin;").orElseThrow());
    assertEquals(new CopyLine("public", "t", List.of("id", "Nm")),
        CopyLine.parse("COPY public.t (id, \"Nm\") FROM stdin;").orElseThrow());
    assertTrue(CopyLine.parse("COPY t FROM stdin;").isEmpty());
    assertTrue(CopyLine.parse("COPY public.t (a FROM stdin;").isEmpty());
    assertTrue(CopyLine.parse("COPY public.t TO stdout;").isEmpty());
  }
}
