package ing.paperclip.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/EMBEDDING.md shows the code EmbeddingSnippets compiles, line for line. */
class EmbeddingDocTest {
  private static final Path DOC = Path.of("..", "docs", "EMBEDDING.md");
  private static final Path SOURCE = Path.of("src", "test", "java", "ing", "paperclip", "db", "EmbeddingSnippets.java");

  static Map<String, String> snippets() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?s)// snippet:(\\w+)\\n(.*?)\\n\\s*// end:\\1").matcher(Files.readString(SOURCE));
    while (m.find()) {
      out.put(m.group(1), dedent(m.group(2)));
    }
    return out;
  }

  static Map<String, String> documented() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?s)<!-- snippet:(\\w+) -->\\s*```java\\n(.*?)\\n```").matcher(Files.readString(DOC));
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  private static String dedent(String block) {
    List<String> lines = block.lines().toList();
    int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
        .min().orElse(0);
    return String.join("\n", lines.stream().map(l -> l.length() >= indent ? l.substring(indent) : l.strip()).toList());
  }

  @Test
  void everyDocumentedSnippetIsTheCompiledOne() throws IOException {
    Map<String, String> code = snippets();
    Map<String, String> doc = documented();
    assertFalse(code.isEmpty(), "snippets found in " + SOURCE);
    assertEquals(code.keySet(), doc.keySet(), "every snippet is in the doc and every marked block is a snippet");
    code.forEach((name, text) -> assertEquals(text, doc.get(name), "snippet " + name + " in " + DOC));
  }

  @Test
  void theFirstExampleIsTheHelloSnippetAndAtMostEightLines() throws IOException {
    String text = Files.readString(DOC);
    int firstBlock = text.indexOf("```java");
    assertTrue(firstBlock > 0 && text.lastIndexOf("<!-- snippet:hello -->", firstBlock) >= 0
        && text.indexOf("```java", text.indexOf("<!-- snippet:hello -->")) == firstBlock, "the first code block is hello");
    assertTrue(documented().get("hello").lines().count() <= 8, documented().get("hello"));
  }
}
