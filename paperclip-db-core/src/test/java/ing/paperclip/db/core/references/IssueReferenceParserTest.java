package ing.paperclip.db.core.references;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IssueReferenceParserTest {
  private final IssueReferenceParser parser = new IssueReferenceParser();

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "See PAP-12 and pap-3.|PAP-12,PAP-3",
      "PAP-1 at start, end PAP-2|PAP-1,PAP-2",
      "dupes PAP-1 PAP-1 pap-1|PAP-1",
      "glued XPAP-1 is another id, PAP-12a and 1PAP-2 and PAP_3 and A-B-1 are not|XPAP-1",
      "inline `PAP-9` code and ``PAP-8 ` PAP-7`` spans; PAP-6 counts|PAP-6",
      "\"```\nPAP-5 in a fence\n```\nafter PAP-4\"|PAP-4",
      "\"~~~ sql\nPAP-5\n~~~~\nPAP-40\"|PAP-40",
      "\"```\nunclosed PAP-5 fence\"|NONE",
      "[link](https://x.example/PAP/issues/PAP-21) and /issues/pap-22.|PAP-21,PAP-22",
      "(see /issues/PAP-30)|PAP-30",
      "path /issues/PAP-31?tab=1#c and /issues/PAP-32/comments|PAP-31,PAP-32",
      "not ids: /issues/new, /issues/PAP-, PAP- 1, -1, PAP-x|NONE",
      "unicode ümlaut-PAP-5 éPAP-6 «PAP-7»|PAP-7",
      "numbers PAP-0001 keep zeros, AB12-3 has digits in prefix|PAP-0001,AB12-3",
      "punctuation PAP-1, PAP-2; PAP-3! PAP-4? PAP-5: (PAP-6) [PAP-7]|PAP-1,PAP-2,PAP-3,PAP-4,PAP-5,PAP-6,PAP-7"})
  void table(String text, String expected) {
    List<String> want = expected.equals("NONE") ? List.of() : Arrays.asList(expected.split(","));
    assertEquals(want, parser.parse(text).stream().map(IssueReference::identifier).collect(Collectors.toList()));
  }

  @ParameterizedTest
  @CsvSource({"'Fix pap-12 now', pap-12, 4"})
  void keepsMatchedTextAndOffset(String text, String matched, int offset) {
    IssueReference r = parser.parse(text).get(0);
    assertEquals("PAP-12", r.identifier());
    assertEquals(matched, r.matchedText());
    assertEquals(offset, r.offset());
  }
}
