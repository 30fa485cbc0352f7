package ing.paperclip.cli.db;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.GroupCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code paperclipai db ...}: the database commands. */
@Command(name = "db", mixinStandardHelpOptions = true,
    description = "Database: status, migrations, the embedded server, backups and restores.")
public final class DbCommands extends GroupCommand {
  private DbCommands() {}

  /** Builds the {@code db} command with its subcommands. */
  public static CommandLine create(CliContext ctx) {
    CommandLine db = new CommandLine(new DbCommands());
    db.addSubcommand(new DbStatusCommand(ctx));
    db.addSubcommand(new DbUrlCommand(ctx));
    db.addSubcommand(new DbMigrateCommand(ctx));
    db.addSubcommand(new DbStartCommand(ctx));
    db.addSubcommand(new DbStopCommand(ctx));
    db.addSubcommand(new DbBackupCommand(ctx));
    db.addSubcommand(new DbRestoreCommand(ctx));
    db.addSubcommand(BackupsCommands.create(ctx));
    return db;
  }
}
