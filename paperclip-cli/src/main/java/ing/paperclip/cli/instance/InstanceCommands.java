package ing.paperclip.cli.instance;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.GroupCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code paperclipai instance ...}: whole-instance archives (database, files, optionally the key). */
@Command(name = "instance", mixinStandardHelpOptions = true,
    description = "Instance archives: back up, verify and restore a whole instance (database, config.json, "
        + "data/storage, .env without secrets, optionally the sealed master key).")
public final class InstanceCommands extends GroupCommand {
  private InstanceCommands() {}

  /** Builds the {@code instance} command with its subcommands. */
  public static CommandLine create(CliContext ctx) {
    CommandLine c = new CommandLine(new InstanceCommands());
    c.addSubcommand(new InstanceBackupCommand(ctx));
    c.addSubcommand(new InstanceVerifyCommand(ctx));
    c.addSubcommand(new InstanceRestoreCommand(ctx));
    c.addSubcommand(new InstancePruneCommand(ctx));
    return c;
  }
}
