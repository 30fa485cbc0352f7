package ing.paperclip.cli.db;

import com.fasterxml.jackson.databind.JsonNode;
import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.Progress;
import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupResult;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.schedule.InstanceLock;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.keys.InstanceKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The database half of instance archives, for {@code paperclipai instance}: a logical backup made
 * and signed exactly as {@code db backup} makes one, and a restore run by the {@code db restore}
 * command itself (pre-flight, instance lock, verification, plugin roles, key check), so an archive
 * holds nothing a plain backup would not and restores the same way.
 *
 * <p>Stateless; one command at a time.
 */
public final class DatabaseArchives {
  private DatabaseArchives() {}

  /** Returns the instance's master key when it has one (none is created). */
  public static Optional<InstanceKey> instanceKey(CliContext ctx) {
    return BackupsCommands.instanceKey(ctx);
  }

  /**
   * Writes one signed logical backup of the context's database into {@code dir}, under the
   * instance lock as {@code db backup} does.
   *
   * @throws PaperclipException {@link ErrorCode#CONFLICT} while a restore holds the lock
   */
  public static BackupResult backup(CliContext ctx, Path dir, boolean json) {
    BackupOptions options = BackupOptions.builder().filenamePrefix("paperclip").signingKey(instanceKey(ctx)).build();
    BackupService service = new BackupService(ctx.database().runtimeSpec(), dir, new CatalogSchemaScripter(), options);
    InstanceLock lock = new InstanceLock(ctx.database().runtimeSpec());
    InstanceLock.Lease lease = lock.tryBackup().orElseThrow(() -> new PaperclipException(ErrorCode.CONFLICT,
        "refusing to archive the instance: " + lock.holder().orElse("a restore") + " holds the instance lock; "
            + "nothing was written. Run it again when the restore has finished"));
    try (Progress.Backup progress = Progress.forBackup(ctx, json)) {
      return service.backup(progress);
    } finally {
      lease.close();
    }
  }

  /**
   * Runs {@code db restore --json FILE} in the given context and returns its JSON report. The
   * command's errors propagate as they are (its report, when it printed one before failing, is
   * lost with them).
   *
   * @param ctx the target instance's context; its standard output receives the JSON report
   * @param report where that context's standard output goes, read after the run
   * @param clean drop the target's schemas first
   * @param acceptUnsigned accept a backup not signed by the target's key
   */
  public static JsonNode restore(CliContext ctx, java.io.StringWriter report, Path file, boolean clean,
      boolean acceptUnsigned) {
    List<String> args = new ArrayList<>(List.of("--json"));
    if (clean) {
      args.add("--clean");
    }
    if (acceptUnsigned) {
      args.add("--accept-unsigned");
    }
    args.add(file.toString());
    // parsed by picocli, then called directly: its errors reach the caller as they are
    DbRestoreCommand command = new DbRestoreCommand(ctx);
    new CommandLine(command).parseArgs(args.toArray(String[]::new));
    int code = command.call();
    ctx.out().flush();
    if (code != 0) {
      throw new PaperclipException(ErrorCode.RESTORE, "the database restore of " + file.getFileName()
          + " ended with status " + code);
    }
    try {
      return ctx.json().readTree(report.toString());
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.RESTORE, "the database restore printed no report: " + e.getMessage(), e);
    }
  }
}
