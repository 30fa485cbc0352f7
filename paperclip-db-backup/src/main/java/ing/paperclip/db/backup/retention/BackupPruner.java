package ing.paperclip.db.backup.retention;

import ing.paperclip.db.backup.file.BackupFile;
import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link RetentionPolicy} to a backup directory, by the original Paperclip's tiers (see
 * {@link RetentionPlanner}). Files ending in {@code .sql} or {@code .sql.gz} are looked at, and
 * pruned when they are ours (a paperclip-db header) or the original Paperclip's (its header line;
 * such files are foreign to this tool but Paperclip-made, their name's time is local time); any
 * other file is never touched. A file's time comes from its name, or from its modification time
 * when the name holds none (as the original does for every file). The newest backup that passes
 * verification is protected: files are verified newest first until one passes. Temporary files
 * of processes that no longer run are removed: ours ({@code .<name>.tmp-<pid>-...}) at once, the
 * original's ({@code <name>.sql.gz.<pid>.<tag>.partial}) once older than the daily tier.
 *
 * <p>Stateless apart from its collaborators; thread-safe, but two prunes of one directory at once
 * are the caller's to avoid.
 */
public final class BackupPruner {
  private static final Logger LOG = LoggerFactory.getLogger(BackupPruner.class);
  private static final Pattern TEMP_PID = Pattern.compile("\\..+\\.tmp-(\\d+)-.*");
  private static final Pattern ORIGINAL_PARTIAL = Pattern.compile("[^.].*\\.sql\\.gz\\.(\\d+)\\.[a-z0-9-]+\\.partial");

  private final RetentionPolicy policy;
  private final BackupVerifier verifier;
  private final Clock clock;

  /**
   * Creates a pruner.
   *
   * @param policy what to keep
   * @param verifier checks files when looking for the newest good backup
   * @param clock the current time; its zone is the local time zone of the original Paperclip's
   *     file names and of ISO weeks (pass {@link Clock#systemDefaultZone()} in production)
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
    Instant now = clock.instant();
    List<BackupCandidate> found = new BackupListing(verifier).list(dir, clock.getZone());
    PruneResult files = prune(found, this::isComplete, dryRun);
    List<Path> temps = new ArrayList<>(abandonedTemporaryFiles(dir));
    temps.addAll(abandonedOriginalPartials(dir, now.minus(Duration.ofDays(policy.dailyDays()))));
    long freed = files.bytesFreed();
    for (Path t : temps) {
      freed += size(t);
      if (!dryRun) {
        delete(t);
        LOG.info("removed abandoned temporary file {}", t);
      }
    }
    return new PruneResult(dryRun, files.decisions(), files.deleted(), temps, freed);
  }

  /**
   * Prunes a set of files that are not backup files of a directory listing (instance archives):
   * the same tiers, the same protection of the newest complete one, with the caller's idea of
   * complete.
   *
   * @param found the files, each with its time and size
   * @param completeness tells whether a file is complete (may read it; asked newest first until one
   *     is, and for files whose tier depends on it); asked at most once per file
   * @param dryRun decide and report, delete nothing
   * @return what was (or would be) deleted, and every decision with its reason
   * @throws PaperclipException {@link ErrorCode#IO} when a file cannot be deleted
   */
  public PruneResult prune(List<BackupCandidate> found, RetentionPlanner.Completeness completeness, boolean dryRun) {
    Instant now = clock.instant();
    ZoneId zone = clock.getZone();
    Map<Path, Boolean> checked = new HashMap<>();
    RetentionPlanner.Completeness complete = b -> checked.computeIfAbsent(b.file(), p -> completeness.complete(b));
    List<BackupCandidate> newestFirst = new ArrayList<>(found);
    newestFirst.sort(Comparator.comparing(BackupCandidate::createdAt).reversed());
    BackupCandidate newestGood = newestFirst.stream().filter(complete::complete).findFirst().orElse(null);
    List<BackupCandidate> candidates = new ArrayList<>(found.size());
    for (BackupCandidate b : found) {
      candidates.add(b == newestGood
          ? new BackupCandidate(b.file(), b.createdAt(), b.bytes(), true, b.origin()) : b);
    }
    List<RetentionDecision> decisions = new RetentionPlanner(policy).plan(candidates, now, zone, complete);
    List<Path> deleted = new ArrayList<>();
    long freed = 0;
    for (RetentionDecision d : decisions) {
      if (!d.keep()) {
        if (!dryRun) {
          delete(d.candidate().file());
          LOG.info("deleted {}: {}", d.candidate().file(), d.reason());
        }
        deleted.add(d.candidate().file());
        freed += d.candidate().bytes();
      }
    }
    return new PruneResult(dryRun, decisions, deleted, List.of(), freed);
  }

  /**
   * Whether a backup is complete: ours pass {@link BackupVerifier}; the original's, which carry no
   * checksums, are a whole, non-empty gzip stream (as the original checks them; an uncompressed
   * {@code .sql} file never counts as complete, as there).
   */
  private boolean isComplete(BackupCandidate b) {
    if (b.origin() == BackupCandidate.Origin.PAPERCLIP_DB) {
      return verifier.verify(b.file()).complete();
    }
    if (!b.file().getFileName().toString().endsWith(".sql.gz") || size(b.file()) < 20) {
      return false;
    }
    try (InputStream in = BackupFormat.openText(b.file())) {
      return in.transferTo(OutputStream.nullOutputStream()) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** The original's temporary files older than {@code before} whose writing process is gone. */
  private static List<Path> abandonedOriginalPartials(Path dir, Instant before) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> {
        Matcher m = ORIGINAL_PARTIAL.matcher(p.getFileName().toString());
        return m.matches() && Files.isRegularFile(p) && BackupListing.modified(p).isBefore(before) && !alive(m.group(1));
      }).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new PaperclipException(ErrorCode.IO, "cannot list backup directory " + dir + ": "
          + e.getMessage() + "; check its permissions", e);
    }
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
    return m.matches() && alive(m.group(1));
  }

  private static boolean alive(String pid) {
    try {
      Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(pid));
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
