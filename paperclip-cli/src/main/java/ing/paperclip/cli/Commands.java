package ing.paperclip.cli;

import ing.paperclip.cli.db.DbCommands;
import ing.paperclip.db.core.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The registration list: builds the command tree from instances. Each area adds its commands
 * with one line here. Then every command of the tree gets what the CLI promises of all of them:
 * a {@code --json} option (commands that print a result declare their own; the rest get this one,
 * so errors are JSON too) and the exit codes in its {@code --help}.
 */
public final class Commands {
  /** The option every command accepts. */
  static final String JSON = "--json";

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
    root.addSubcommand(ing.paperclip.cli.instance.InstanceCommands.create(ctx));
    root.addSubcommand(new CommandLine(new HelpCommand(ctx)));
    root.addSubcommand(new CommandLine(new CompletionCommand(ctx)));
    Map<String, String> exitCodes = exitCodes();
    forEach(root, cl -> {
      CommandSpec spec = cl.getCommandSpec();
      if (spec.findOption(JSON) == null) {
        spec.addOption(OptionSpec.builder(JSON).description("Print JSON on standard output "
            + "(an error as {\"error\": {\"code\", \"exitStatus\", \"message\"}}).").build());
      }
      spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes);
    });
    return root;
  }

  /** Returns whether any command on the parsed path was given {@code --json}. */
  static boolean jsonRequested(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption(JSON)) {
        return true;
      }
    }
    return false;
  }

  /** The exit statuses of every command: 0, usage errors, and one per {@link ErrorCode}. */
  static Map<String, String> exitCodes() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put("0", "success");
    codes.put("1", "unhealthy (db backups health)");
    for (ErrorCode c : ErrorCode.values()) {
      String name = c.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
      codes.merge(Integer.toString(c.exitCode()), name, (a, b) -> a + ", " + b);
    }
    codes.merge(Integer.toString(CliErrors.USAGE_EXIT), "usage error", (a, b) -> b + ", " + a);
    return codes;
  }

  private static void forEach(CommandLine cl, java.util.function.Consumer<CommandLine> action) {
    action.accept(cl);
    cl.getSubcommands().values().forEach(sub -> forEach(sub, action));
  }
}
