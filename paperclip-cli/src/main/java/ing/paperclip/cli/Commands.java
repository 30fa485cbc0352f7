package ing.paperclip.cli;

import ing.paperclip.cli.db.DbCommands;
import picocli.CommandLine;

/**
 * The registration list: builds the command tree from instances. Each area adds its commands
 * with one line here.
 */
public final class Commands {
  private Commands() {}

  /** Builds the command tree for one run. */
  static CommandLine build(CliContext ctx, GlobalOptions options) {
    CommandLine root = new CommandLine(new RootCommand());
    root.addMixin("global", options);
    root.addSubcommand(DbCommands.create(ctx));
    root.addSubcommand(ing.paperclip.cli.secrets.SecretsCommands.create(ctx));
    root.addSubcommand(ing.paperclip.cli.secrets.SecretsCommands.configure(ctx));
    root.addSubcommand(ing.paperclip.cli.references.IssueReferencesCommands.create(ctx));
    root.addSubcommand(ing.paperclip.cli.plugins.PluginsCommands.create(ctx));
    return root;
  }
}
