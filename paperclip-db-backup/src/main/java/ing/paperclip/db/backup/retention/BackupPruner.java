package ing.paperclip.db.backup.retention;

import ing.paperclip.db.backup.file.BackupFile;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link RetentionPolicy} to a backup directory. Only files named like backups are
 * considered (other files are never touched); temporary files left by processes that no longer
 * run ({@code .<name>.tmp-<pid>-...}) are removed. The newest backup that passes verification is
 * protected: files are verified newest first until one passes, so a prune reads at most a few
 * files.
 *
 * <p>Stateless apart from its collaborators; thread-safe, but two prunes of one directory at once
 * are the caller's to avoid.
 */
public final class BackupPruner {
  private static final Logger LOG = LoggerFactory.getLogger(BackupPruner.class);
  private static final Pattern TEMP_PID = Pattern.compile("\\..+\\.tmp-(\\d+)-.*");

  private final RetentionPolicy policy;
  private final BackupVerifier verifier;
  private final Clock clock;

  /**
   * Creates a pruner.
   *
   * @param policy what to keep
   * @param verifier checks files when looking for the newest good backup
   * @param clock the current time
   */
  public BackupPruner(RetentionPolicy policy, BackupVerifier verifier, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Prunes a directory.
   *
   * @param dir the backup directory (missing: nothing to do)
   * @param dryRun decide and report, delete nothing
   * @return what was (or would be) deleted, and every decision with its reason
   * @throws PaperclipException {@link ErrorCode#IO} when a file cannot be deleted
   */
  public PruneResult prune(Path dir, boolean dryRun) {
    List<BackupFile> files = BackupFile.list(dir);
    List<BackupCandidate> candidates = new ArrayList<>(files.size());
    boolean foundGood = false;
    for (int i = files.size() - 1; i >= 0; i--) {
      BackupFile f = files.get(i);
      boolean verified = false;
      if (!foundGood) {
        VerificationReport r = verifier.verify(f.path());
        verified = r.complete();
        foundGood = verified;
      }
      candidates.add(new BackupCandidate(f.path(), f.createdAt(), size(f.path()), verified));
    }
    List<RetentionDecision> decisions = new RetentionPlanner(policy).plan(candidates, clock.instant());
    List<Path> deleted = new ArrayList<>();
    long freed = 0;
    for (RetentionDecision d : decisions) {
      if (!d.keep()) {
        if (!dryRun) {
          delete(d.candidate().file());
          LOG.info("deleted backup {}: {}", d.candidate().file(), d.reason());
        }
        deleted.add(d.candidate().file());
        freed += d.candidate().bytes();
      }
    }
    List<Path> temps = abandonedTemporaryFiles(dir);
    for (Path t : temps) {
      freed += size(t);
      if (!dryRun) {
        delete(t);
        LOG.info("removed abandoned temporary file {}", t);
      }
    }
    return new PruneResult(dryRun, decisions, deleted, temps, freed);
  }

  /** Lists temporary backup files whose writing process no longer runs. */
  public static List<Path> abandonedTemporaryFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> BackupFile.isTemporary(p.getFileName().toString()))
          .filter(p -> !writerAlive(p.getFileName().toString())).sorted().toList();
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.IO, "cannot list backup directory " + dir + ": "
          + e.getMessage() + "; check its permissions", e);
    }
  }

  private static boolean writerAlive(String tempName) {
    Matcher m = TEMP_PID.matcher(tempName);
    if (!m.matches()) {
      return false;
    }
    try {
      long pid = Long.parseLong(m.group(1));
      Optional<ProcessHandle> h = ProcessHandle.of(pid);
      return h.isPresent() && h.get().isAlive();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.IO, "cannot delete " + p + ": " + e.getMessage()
          + "; check the directory's permissions", e);
    }
  }
}
