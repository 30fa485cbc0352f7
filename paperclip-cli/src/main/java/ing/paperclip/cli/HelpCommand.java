package ing.paperclip.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code paperclipai help [command...]}: the usage of the tool or of one command. */
@Command(name = "help", mixinStandardHelpOptions = true,
    description = "Print the usage of paperclipai or of a command, e.g. 'paperclipai help db backup'.")
final class HelpCommand implements Runnable {
  private final CliContext ctx;
  @Spec
  CommandSpec spec;
  @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "The command, e.g. 'db backup'.")
  List<String> words = new ArrayList<>();

  HelpCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    CommandLine target = spec.root().commandLine();
    for (String w : words) {
      CommandLine next = target.getSubcommands().get(w);
      if (next == null) {
        throw new ParameterException(spec.commandLine(), "unknown command '" + w + "' under '"
            + target.getCommandSpec().qualifiedName() + "': it has " + target.getSubcommands().keySet());
      }
      target = next;
    }
    String usage = target.getUsageMessage(CommandLine.Help.Ansi.OFF);
    if (ctx.jsonOutput()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("command", target.getCommandSpec().qualifiedName());
      r.put("subcommands", List.copyOf(target.getSubcommands().keySet()));
      r.put("usage", usage);
      ctx.printJson(r);
    } else {
      ctx.out().print(usage);
      ctx.out().flush();
    }
  }
}
