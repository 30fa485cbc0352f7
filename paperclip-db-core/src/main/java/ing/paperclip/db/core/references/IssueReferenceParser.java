package ing.paperclip.db.core.references;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds issue references in Markdown text: bare identifiers ({@code [A-Z][A-Z0-9]*-\d+},
 * case-insensitive, normalized to upper case, not glued to letters, digits, {@code -} or
 * {@code _}) and {@code /issues/<ID>} in links and paths. Fenced code blocks ({@code ```} and
 * {@code ~~~}) and inline code spans are ignored; trailing {@code .,!?;:} and unbalanced
 * {@code )} / {@code ]} are trimmed from link targets; duplicates are dropped (first occurrence
 * kept).
 *
 * <p>A small hand-written scanner; stateless and thread-safe.
 */
public final class IssueReferenceParser {
  /** Creates a parser. */
  public IssueReferenceParser() {}

  /** Returns the references in a text, in order of first occurrence, without duplicates. */
  public List<IssueReference> parse(String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    String masked = maskCode(text);
    Map<String, IssueReference> found = new LinkedHashMap<>();
    int n = masked.length();
    for (int i = 0; i < n; i++) {
      char c = masked.charAt(i);
      if (c == '/' && masked.regionMatches(true, i, "/issues/", 0, 8)) {
        int start = i + 8;
        int end = start;
        while (end < n && !isTerminator(masked.charAt(end))) {
          end++;
        }
        String target = trimTrailing(masked.substring(start, end));
        String id = identifierOf(target);
        if (id != null) {
          found.putIfAbsent(id, new IssueReference(id, text.substring(i, start + target.length()), i));
        }
        i = end - 1;
        continue;
      }
      if (isAsciiLetter(c) && (i == 0 || !glued(masked.charAt(i - 1)))) {
        int j = i;
        while (j < n && isAsciiLetterOrDigit(masked.charAt(j))) {
          j++;
        }
        if (j < n && masked.charAt(j) == '-' && j + 1 < n && isDigit(masked.charAt(j + 1))) {
          int k = j + 1;
          while (k < n && isDigit(masked.charAt(k))) {
            k++;
          }
          if (k >= n || !(isAsciiLetterOrDigit(masked.charAt(k)) || masked.charAt(k) == '_'
              || (masked.charAt(k) == '-' && k + 1 < n && isAsciiLetterOrDigit(masked.charAt(k + 1))))) {
            String raw = text.substring(i, k);
            String id = raw.toUpperCase(Locale.ROOT);
            found.putIfAbsent(id, new IssueReference(id, raw, i));
          }
          i = k - 1;
        } else {
          i = j - 1;
        }
      }
    }
    return List.copyOf(found.values());
  }

  /** Returns the identifier if the whole string is one, upper-cased; else null. */
  static String identifierOf(String s) {
    int dash = s.indexOf('-');
    if (dash < 1 || dash == s.length() - 1 || !isAsciiLetter(s.charAt(0))) {
      return null;
    }
    for (int i = 1; i < dash; i++) {
      if (!isAsciiLetterOrDigit(s.charAt(i))) {
        return null;
      }
    }
    for (int i = dash + 1; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return null;
      }
    }
    return s.toUpperCase(Locale.ROOT);
  }

  private static String trimTrailing(String s) {
    String t = s;
    boolean changed = true;
    while (changed && !t.isEmpty()) {
      changed = false;
      char last = t.charAt(t.length() - 1);
      if (".,!?;:".indexOf(last) >= 0) {
        t = t.substring(0, t.length() - 1);
        changed = true;
      } else if ((last == ')' && count(t, '(') < count(t, ')')) || (last == ']' && count(t, '[') < count(t, ']'))) {
        t = t.substring(0, t.length() - 1);
        changed = true;
      }
    }
    return t;
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }

  private static boolean isTerminator(char c) {
    return Character.isWhitespace(c) || c == '/' || c == '?' || c == '#' || c == '"' || c == '\''
        || c == '<' || c == '>' || c == '`';
  }

  private static boolean glued(char c) {
    return isAsciiLetterOrDigit(c) || c == '-' || c == '_' || Character.isLetterOrDigit(c);
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return isAsciiLetter(c) || isDigit(c);
  }

  /** Replaces fenced code blocks and inline code spans by spaces, keeping offsets. */
  static String maskCode(String text) {
    char[] out = text.toCharArray();
    int n = text.length();
    int lineStart = 0;
    boolean inFence = false;
    char fenceChar = 0;
    int fenceLen = 0;
    while (lineStart < n) {
      int lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) {
        lineEnd = n;
      }
      int p = lineStart;
      int indent = 0;
      while (p < lineEnd && text.charAt(p) == ' ' && indent < 4) {
        p++;
        indent++;
      }
      int run = 0;
      char ch = p < lineEnd ? text.charAt(p) : 0;
      if (indent < 4 && (ch == '`' || ch == '~')) {
        while (p + run < lineEnd && text.charAt(p + run) == ch) {
          run++;
        }
      }
      boolean fenceLine = run >= 3;
      if (inFence) {
        boolean closes = fenceLine && ch == fenceChar && run >= fenceLen
            && text.substring(p + run, lineEnd).isBlank();
        blank(out, lineStart, lineEnd);
        if (closes) {
          inFence = false;
        }
      } else if (fenceLine && !(ch == '`' && text.substring(p + run, lineEnd).indexOf('`') >= 0)) {
        inFence = true;
        fenceChar = ch;
        fenceLen = run;
        blank(out, lineStart, lineEnd);
      } else {
        maskInline(text, out, lineStart, lineEnd);
      }
      lineStart = lineEnd + 1;
    }
    return new String(out);
  }

  private static void maskInline(String text, char[] out, int from, int to) {
    int i = from;
    while (i < to) {
      if (text.charAt(i) != '`') {
        i++;
        continue;
      }
      int run = 0;
      while (i + run < to && text.charAt(i + run) == '`') {
        run++;
      }
      int j = i + run;
      int close = -1;
      while (j < to) {
        if (text.charAt(j) == '`') {
          int r = 0;
          while (j + r < to && text.charAt(j + r) == '`') {
            r++;
          }
          if (r == run) {
            close = j;
            break;
          }
          j += r;
        } else {
          j++;
        }
      }
      if (close < 0) {
        i += run; // an unmatched run is literal text
        continue;
      }
      blank(out, i, close + run);
      i = close + run;
    }
  }

  private static void blank(char[] out, int from, int to) {
    for (int k = from; k < to; k++) {
      if (out[k] != '\n') {
        out[k] = ' ';
      }
    }
  }

}
