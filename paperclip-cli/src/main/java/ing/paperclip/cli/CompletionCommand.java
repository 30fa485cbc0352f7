package ing.paperclip.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code paperclipai completion bash|zsh}: a completion script generated from the command tree
 * (picocli's {@link AutoComplete}). The script serves both shells: under zsh it loads
 * {@code bashcompinit} itself.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = "Print a shell completion script: source <(paperclipai completion bash), "
        + "or for zsh source <(paperclipai completion zsh).")
final class CompletionCommand implements Runnable {
  /** The shells the script supports. */
  enum Shell { bash, zsh }

  private final CliContext ctx;
  @Spec
  CommandSpec spec;
  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  CompletionCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    String script = AutoComplete.bash("paperclipai", spec.root().commandLine());
    if (shell == Shell.zsh && !script.contains("bashcompinit")) {
      script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
    }
    if (ctx.jsonOutput()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("shell", shell.name());
      r.put("script", script);
      ctx.printJson(r);
    } else {
      ctx.out().print(script);
      ctx.out().flush();
    }
  }
}
