package ing.paperclip.db.backup.retention;

import java.util.Objects;

/**
 * What retention does with one backup, and why.
 *
 * @param candidate the backup
 * @param keep whether it is kept
 * @param reason a short explanation, e.g. {@code "newest of ISO week 2026-W47"}
 */
public record RetentionDecision(BackupCandidate candidate, boolean keep, String reason) {
  /** Validates. */
  public RetentionDecision {
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(reason, "reason");
  }
}
