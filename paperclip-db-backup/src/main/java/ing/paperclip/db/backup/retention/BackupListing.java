package ing.paperclip.db.backup.retention;

import ing.paperclip.db.backup.file.BackupFile;
import ing.paperclip.db.backup.file.BackupHeader;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The backups in a directory shared with the original Paperclip, as retention and listing see
 * them. Files ending in {@code .sql} or {@code .sql.gz} (not hidden) are looked at: ours carry a
 * paperclip-db header; the original's its own header line (foreign to this tool, but
 * Paperclip-made); anything else is left out and never touched. A file's time is the one in its
 * name (ours: UTC; the original's: local wall-clock time, read in the zone given), or its
 * modification time when the name holds none, as the original dates every file.
 *
 * <p>Reads at most each file's first line (a damaged file of ours: its whole text). Thread-safe.
 */
public final class BackupListing {
  private final BackupVerifier verifier;

  /** Creates a listing that tells damaged and foreign files apart with {@code verifier}. */
  public BackupListing(BackupVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * Lists the backups of a directory: ours and the original Paperclip's, each with its time;
   * other files are left out.
   *
   * @param dir the directory (missing: none)
   * @param zone the local time zone of the original's file names
   * @return the backups, in file name order; {@code verified} is false for all
   * @throws PaperclipException {@link ErrorCode#IO} when the directory cannot be listed
   */
  public List<BackupCandidate> list(Path dir, ZoneId zone) {
    List<BackupCandidate> out = new ArrayList<>();
    for (Path p : listSqlFiles(dir)) {
      BackupCandidate.Origin origin;
      // The header is cheap to read for an intact file; the verifier still tells a damaged file
      // of ours (and stops after the first line of anything else).
      VerificationReport.Kind kind = BackupHeader.read(p).isPresent()
          ? VerificationReport.Kind.PAPERCLIP_DB : verifier.verify(p).kind();
      if (kind == VerificationReport.Kind.PAPERCLIP_DB) {
        origin = BackupCandidate.Origin.PAPERCLIP_DB;
      } else if (kind == VerificationReport.Kind.PAPERCLIP_LEGACY) {
        origin = BackupCandidate.Origin.PAPERCLIP_ORIGINAL;
      } else {
        continue; // not a Paperclip backup: never ours to delete
      }
      Optional<BackupFile> named = BackupFile.parse(p);
      Instant at;
      if (named.isEmpty()) {
        at = modified(p);
      } else if (origin == BackupCandidate.Origin.PAPERCLIP_DB) {
        at = named.get().createdAt();
      } else {
        // the original writes its local wall-clock time into the name
        at = LocalDateTime.ofInstant(named.get().createdAt(), ZoneOffset.UTC).atZone(zone).toInstant();
      }
      out.add(new BackupCandidate(p, at, size(p), false, origin));
    }
    return out;
  }

  private static List<Path> listSqlFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return !n.startsWith(".") && (n.endsWith(".sql") || n.endsWith(".sql.gz")) && Files.isRegularFile(p);
      }).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new PaperclipException(ErrorCode.IO, "cannot list backup directory " + dir + ": "
          + e.getMessage() + "; check its permissions", e);
    }
  }

  static Instant modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toInstant();
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.IO, "cannot read the time of " + p + ": " + e.getMessage(), e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}
