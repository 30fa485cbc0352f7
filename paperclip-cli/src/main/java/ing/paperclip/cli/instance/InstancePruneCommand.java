package ing.paperclip.cli.instance;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.db.BackupsCommands;
import ing.paperclip.db.backup.retention.PruneResult;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code paperclipai instance prune}: archive retention, as {@code db backups prune} for backups. */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = "Apply retention to the instance archives of the directory, by the tiers of 'db backups prune': "
        + "every archive of the last N days, the newest per ISO week for W weeks and per month for M months; never "
        + "the newest complete archive (every member matching its manifest). Other files are never touched.")
final class InstancePruneCommand implements Callable<Integer> {
  private final CliContext ctx;
  @Mixin
  BackupsCommands.DirOption dir = new BackupsCommands.DirOption();
  @Mixin
  BackupsCommands.RetentionOptions retention = new BackupsCommands.RetentionOptions();

  InstancePruneCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Path target = dir.resolve(ctx).toAbsolutePath();
    PruneResult r = ArchiveRetention.prune(target, retention.policy(ctx), retention.dryRun(), Clock.systemDefaultZone());
    BackupsCommands.print(ctx, target, r, dir.json());
    return 0;
  }
}
