package ing.paperclip.db.core.settings;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an instance's {@code .env} file: {@code KEY=value} lines, optional {@code export },
 * {@code #} comments, values in single quotes (literal) or double quotes (with {@code \n},
 * {@code \"} and {@code \\} escapes). Stateless and thread-safe.
 */
public final class DotEnvFile {
  private DotEnvFile() {}

  /**
   * Parses the file; a missing file gives an empty map.
   *
   * @return the variables in file order (a later duplicate wins), unmodifiable
   * @throws PaperclipException {@link ErrorCode#CONFIGURATION} naming the line of a bad entry
   */
  public static Map<String, String> read(Path path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.IO, "cannot read " + path + ": " + e.getMessage(), e);
    }
    return parse(lines, path.toString());
  }

  /** Parses lines of a {@code .env} file; {@code source} names it in errors. */
  public static Map<String, String> parse(List<String> lines, String source) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new PaperclipException(ErrorCode.CONFIGURATION, source + " line " + (i + 1)
            + " is not KEY=value; fix or remove that line");
      }
      String key = line.substring(0, eq).strip();
      if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new PaperclipException(ErrorCode.CONFIGURATION, source + " line " + (i + 1)
            + " has an invalid variable name; use letters, digits and '_'");
      }
      out.put(key, value(line.substring(eq + 1).strip(), source, i + 1));
    }
    return Map.copyOf(out);
  }

  private static String value(String raw, String source, int lineNo) {
    if (raw.startsWith("'")) {
      int end = raw.indexOf('\'', 1);
      if (end < 0) {
        throw unterminated(source, lineNo);
      }
      return raw.substring(1, end);
    }
    if (raw.startsWith("\"")) {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c == '"') {
          return sb.toString();
        }
        if (c == '\\' && i + 1 < raw.length()) {
          char n = raw.charAt(++i);
          sb.append(switch (n) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            default -> n;
          });
        } else {
          sb.append(c);
        }
      }
      throw unterminated(source, lineNo);
    }
    int hash = raw.indexOf(" #");
    return (hash >= 0 ? raw.substring(0, hash) : raw).strip();
  }

  private static PaperclipException unterminated(String source, int lineNo) {
    return new PaperclipException(ErrorCode.CONFIGURATION, source + " line " + lineNo
        + " has an unterminated quoted value; close the quote");
  }
}
