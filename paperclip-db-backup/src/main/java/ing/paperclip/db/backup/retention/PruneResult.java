package ing.paperclip.db.backup.retention;

import java.nio.file.Path;
import java.util.List;

/**
 * What one prune did (or, in a dry run, would do).
 *
 * @param dryRun whether nothing was deleted
 * @param decisions one decision per backup, newest first, with its reason
 * @param deleted backups deleted (or that would be)
 * @param removedTemporaryFiles abandoned temporary files of dead processes removed (or that would be)
 * @param bytesFreed bytes freed (or that would be)
 */
public record PruneResult(boolean dryRun, List<RetentionDecision> decisions, List<Path> deleted,
    List<Path> removedTemporaryFiles, long bytesFreed) {
  /** Copies. */
  public PruneResult {
    decisions = List.copyOf(decisions);
    deleted = List.copyOf(deleted);
    removedTemporaryFiles = List.copyOf(removedTemporaryFiles);
  }
}
