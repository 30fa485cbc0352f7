package ing.paperclip.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code paperclipai}: the root command; prints usage when run without a subcommand. */
@Command(name = "paperclipai", mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Paperclip database tool: embedded or external PostgreSQL, migrations, "
        + "backups, secrets and plugin namespaces.")
final class RootCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command: try 'paperclipai --help'");
  }
}
