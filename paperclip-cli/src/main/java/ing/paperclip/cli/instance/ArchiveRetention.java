package ing.paperclip.cli.instance;

import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.retention.BackupCandidate;
import ing.paperclip.db.backup.retention.BackupPruner;
import ing.paperclip.db.backup.retention.PruneResult;
import ing.paperclip.db.backup.retention.RetentionPolicy;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Retention of instance archives by the backup retention's tiers ({@link BackupPruner}): the
 * archives of a directory ({@code paperclip-instance-YYYYMMDD-HHMMSS.tar}, the UTC time their name
 * holds) are kept or deleted as {@code db backups prune} keeps or deletes backups, and the newest
 * complete archive is never deleted. Complete means every member is present and matches the
 * manifest's size and SHA-256 (read through, nothing written); the sealed key and the HMAC need the
 * passphrase and the key, which a prune does not ask for. Any other file of the directory (backups
 * included) is never touched. Stateless.
 */
final class ArchiveRetention {
  private static final Pattern NAME = Pattern.compile(Pattern.quote(InstanceBackupCommand.PREFIX)
      + "(\\d{8}-\\d{6})\\.tar");

  private ArchiveRetention() {}

  /** Tells whether a file name is one an archive gets. */
  static boolean isArchiveName(String name) {
    return NAME.matcher(name).matches();
  }

  /** The archives of a directory, with their time and size (missing directory: none). */
  static List<BackupCandidate> archives(Path dir) {
    List<BackupCandidate> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches() || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Instant at;
        try {
          at = Instant.from(InstanceArchive.STAMP.parse(m.group(1)));
        } catch (DateTimeParseException e) {
          continue; // 20261399-...: not a name this tool wrote
        }
        out.add(new BackupCandidate(p, at, Files.size(p), false));
      }
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.IO, "cannot list the archive directory " + dir + ": " + e.getMessage()
          + "; check its permissions", e);
    }
    return out;
  }

  /** Tells whether an archive is whole: every member there and equal to the manifest (nothing is written). */
  static boolean complete(Path archive) {
    try {
      InstanceArchive.read(archive, null);
      return true;
    } catch (PaperclipException damaged) {
      return false;
    }
  }

  /**
   * Applies a policy to the archives of a directory.
   *
   * @param dir the archive directory
   * @param policy what to keep
   * @param dryRun decide and report, delete nothing
   * @param clock the current time and the local zone of ISO weeks
   */
  static PruneResult prune(Path dir, RetentionPolicy policy, boolean dryRun, Clock clock) {
    return new BackupPruner(policy, new BackupVerifier(), clock).prune(archives(dir), c -> complete(c.file()), dryRun);
  }
}
