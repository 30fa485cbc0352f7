package ing.paperclip.db.core.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ing.paperclip.db.core.PaperclipException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlIdentifiersTest {
  @Test
  void quotesIdentifiersAndLiteralsAndRefusesNul() {
    assertEquals("\"my\"\"name\"", SqlIdentifiers.quote("my\"name"));
    assertEquals("\"s\".\"t\"", SqlIdentifiers.qualified("s", "t"));
    assertEquals("'it''s \\n'", SqlIdentifiers.literal("it's \\n"));
    assertThrows(PaperclipException.class, () -> SqlIdentifiers.quote(""));
    assertThrows(PaperclipException.class, () -> SqlIdentifiers.quote("a\0b"));
    assertThrows(PaperclipException.class, () -> SqlIdentifiers.literal("a\0b"));
  }

  @Test
  void splitsAtDotsOutsideQuotesAndUnquotes() {
    assertEquals(List.of("a.b", "c\"d"), SqlIdentifiers.splitQualified("\"a.b\".\"c\"\"d\"", false));
    assertEquals(List.of("t"), SqlIdentifiers.splitQualified("t", false));
    assertEquals(List.of("s", "t", "c"), SqlIdentifiers.splitQualified("s.\"t\".c", true));
    assertEquals(List.of("", ""), SqlIdentifiers.splitQualified(".", false));
  }

  @Test
  void foldsOnlyWhatPostgresqlFolds() {
    // unquoted: blanks dropped, ASCII lower-cased, other letters kept (PostgreSQL in UTF-8)
    assertEquals(List.of("public", "mytable"), SqlIdentifiers.splitQualified(" Public . MyTable ", true));
    assertEquals(List.of("Äpfel"), SqlIdentifiers.splitQualified("Äpfel", true));
    // quoted: exactly as written, blanks at either end included
    assertEquals(List.of(" S ", " T"), SqlIdentifiers.splitQualified("\" S \" . \" T\"", true));
    // without folding, text outside quotes is kept as the catalog wrote it
    assertEquals(List.of("Mixed Case", "x"), SqlIdentifiers.splitQualified("Mixed Case.x", false));
  }

  @Test
  void splitOfQuotedPartsInvertsQualified() {
    for (String[] p : new String[][] {{"s", "t"}, {"a.b", "c\"d"}, {" ", "\"\""}, {"Ä", "."}}) {
      assertEquals(List.of(p), SqlIdentifiers.splitQualified(SqlIdentifiers.qualified(p[0], p[1]), true));
      assertEquals(List.of(p), SqlIdentifiers.splitQualified(SqlIdentifiers.qualified(p[0], p[1]), false));
    }
  }
}
