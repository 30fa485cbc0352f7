package ing.paperclip.db.backup.schedule;

import java.nio.file.Path;

/** One backup run for the {@link BackupScheduler}: writes a file and returns it. */
@FunctionalInterface
public interface BackupJob {
  /**
   * Runs one backup.
   *
   * @param signal fired when the run times out or the scheduler closes; register an abort action
   *     that unblocks the job (e.g. aborting its connection)
   * @return the backup file written
   * @throws Exception on failure; the scheduler records it and keeps its schedule
   */
  Path run(CancelSignal signal) throws Exception;
}
