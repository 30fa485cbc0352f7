package ing.paperclip.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Base of commands that only group subcommands: running one alone is a usage error. */
public abstract class GroupCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: try '"
        + spec.qualifiedName() + " --help'");
  }
}
