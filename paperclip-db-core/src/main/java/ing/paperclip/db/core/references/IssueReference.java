package ing.paperclip.db.core.references;

import java.util.Objects;

/**
 * A reference to an issue found in text.
 *
 * @param identifier the identifier, upper-cased (e.g. {@code PAP-12})
 * @param matchedText the text as written (e.g. {@code pap-12} or {@code /issues/PAP-12})
 * @param offset where it starts in the text (UTF-16 index)
 */
public record IssueReference(String identifier, String matchedText, int offset) {
  /** Validates. */
  public IssueReference {
    Objects.requireNonNull(identifier, "identifier");
    Objects.requireNonNull(matchedText, "matchedText");
  }
}
