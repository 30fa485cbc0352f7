package ing.paperclip.db;

import ing.paperclip.db.backup.BackupListener;
import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupResult;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreResult;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.backup.retention.BackupCandidate;
import ing.paperclip.db.backup.retention.BackupListing;
import ing.paperclip.db.backup.retention.BackupPruner;
import ing.paperclip.db.backup.retention.PruneResult;
import ing.paperclip.db.backup.retention.RetentionPolicy;
import ing.paperclip.db.core.settings.ConnectionSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * Backups of one {@link PaperclipDatabase}, in its instance's backup directory: take one, restore
 * one into the database, verify, list, prune — the short forms of {@link BackupService},
 * {@link RestoreService}, {@link BackupVerifier}, {@link BackupListing} and {@link BackupPruner}
 * with their defaults.
 *
 * <p>Immutable and thread-safe.
 */
public final class PaperclipBackups {
  private final Path directory;
  private final ConnectionSpec source;
  private final ConnectionSpec target;
  private final ConnectionSpec inspector;
  /** Closes the database's own idle pool sessions on the target, which a swap needs gone. */
  private final Runnable releaseSessions;

  PaperclipBackups(Path directory, ConnectionSpec source, ConnectionSpec target, ConnectionSpec inspector,
      Runnable releaseSessions) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.source = Objects.requireNonNull(source, "source");
    this.target = Objects.requireNonNull(target, "target");
    this.inspector = Objects.requireNonNull(inspector, "inspector");
    this.releaseSessions = Objects.requireNonNull(releaseSessions, "releaseSessions");
  }

  /** Returns the directory backups are written to and listed from. */
  public Path directory() {
    return directory;
  }

  /** Takes a backup with the default options; the file is complete and verified when this returns. */
  public BackupResult backup() {
    return backup(BackupOptions.defaults());
  }

  /** Takes a backup with the given options. */
  public BackupResult backup(BackupOptions options) {
    return new BackupService(source, directory, new CatalogSchemaScripter(), options).backup(BackupListener.NONE);
  }

  /**
   * Restores a backup into this database, replacing what it holds ({@code clean}): in parallel
   * into a scratch database swapped in for this one in one transaction (the database's own idle
   * pool connections are closed for the swap; a connection the application holds in use makes
   * it restore in one transaction instead, and the result says why), so a failed restore leaves
   * the old content.
   */
  public RestoreResult restore(Path file) {
    RestoreOptions d = RestoreOptions.DEFAULTS;
    return restore(file, new RestoreOptions(true, d.noOwner(), d.jobs(), d.singleTransaction(), d.trustFile()));
  }

  /** Restores a backup into this database with the given options. */
  public RestoreResult restore(Path file, RestoreOptions options) {
    return new RestoreService(target, inspector).withBeforeSwap(releaseSessions)
        .restore(file, options, RestoreListener.NONE);
  }

  /** Checks a backup file end to end (every checksum, the manifest) without a database. */
  public VerificationReport verify(Path file) {
    return new BackupVerifier().verify(file);
  }

  /** Lists the backups in the directory, newest first, each verified. */
  public List<BackupCandidate> list() {
    return new BackupListing(new BackupVerifier()).list(directory, ZoneId.systemDefault());
  }

  /** Deletes the backups the default retention policy no longer keeps. */
  public PruneResult prune() {
    return new BackupPruner(RetentionPolicy.DEFAULTS, new BackupVerifier(), Clock.systemDefaultZone())
        .prune(directory, false);
  }
}
