package ing.paperclip.cli.instance;

import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.DotEnvFile;
import ing.paperclip.db.secrets.strict.SensitiveKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code .env} as archived: every line kept but those whose variable looks sensitive
 * ({@link SensitiveKeys}, the definition strict mode uses too) or whose value is a URL with a password in it, which
 * become a comment naming the variable only. Stateless.
 */
final class EnvRedaction {
  private static final Pattern URL_PASSWORD = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/@\\s]*:[^/@\\s]*@");

  private EnvRedaction() {}

  /**
   * The redacted text and the names whose values were removed.
   *
   * @param text the redacted file
   * @param removed the variable names left out (names only, safe to print)
   */
  record Result(String text, List<String> removed) {}

  static Result redact(List<String> lines, String source) {
    StringBuilder out = new StringBuilder();
    List<String> removed = new ArrayList<>();
    for (String line : lines) {
      Map<String, String> one;
      try {
        one = DotEnvFile.parse(List.of(line), source);
      } catch (PaperclipException notAnEntry) {
        // a line the reader refuses is kept out: it might be a continuation of a secret
        out.append("# (a line that is not KEY=value was left out by 'paperclipai instance backup')\n");
        continue;
      }
      if (one.isEmpty()) {
        out.append(line).append('\n');
        continue;
      }
      Map.Entry<String, String> e = one.entrySet().iterator().next();
      if (SensitiveKeys.isSensitive(e.getKey()) || URL_PASSWORD.matcher(e.getValue()).find()) {
        removed.add(e.getKey());
        out.append("# ").append(e.getKey()).append("=  (secret value removed by 'paperclipai instance backup'; "
            + "set it again)\n");
      } else {
        out.append(line).append('\n');
      }
    }
    return new Result(out.toString(), List.copyOf(removed));
  }
}
