package ing.paperclip.cli.plugins;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.Database;
import ing.paperclip.cli.GroupCommand;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.plugins.PluginMigrationResult;
import ing.paperclip.db.plugins.PluginNamespaces;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paperclipai plugins ...}: plugin database namespaces. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    description = "Plugin database namespaces: migrate, list, purge.")
public final class PluginsCommands extends GroupCommand {
  private PluginsCommands() {}

  /** Builds the command group. */
  public static CommandLine create(CliContext ctx) {
    CommandLine c = new CommandLine(new PluginsCommands());
    c.addSubcommand(new Migrate(ctx));
    c.addSubcommand(new ListCommand(ctx));
    c.addSubcommand(new Purge(ctx));
    return c;
  }

  private static PluginNamespaces namespaces(CliContext ctx) {
    Database db = ctx.database();
    db.requireCurrentSchema(ctx);
    return new PluginNamespaces(db.migration());
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = "Apply a plugin's *.sql migrations (name order) in its own schema, under its own role.")
  static final class Migrate implements Callable<Integer> {
    private final CliContext ctx;
    @Option(names = "--plugin-key", required = true, paramLabel = "KEY")
    String key;
    @Option(names = "--dir", required = true, paramLabel = "DIR")
    Path dir;
    @Option(names = "--slug", paramLabel = "S")
    String slug;
    @Option(names = "--plugin-version", paramLabel = "V", defaultValue = "0.0.0")
    String version;

    Migrate(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      PluginMigrationResult r = namespaces(ctx).migrate(key, Optional.ofNullable(slug), version, dir);
      r.applied().forEach(f -> ctx.out().println("applied " + f));
      ctx.out().println("plugin " + key + ": schema " + r.schema() + ", " + r.applied().size() + " applied, "
          + r.alreadyApplied().size() + " already applied");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List plugin namespaces and their migrations.")
  static final class ListCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    ListCommand(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      List<PluginNamespaces.Namespace> all = namespaces(ctx).list();
      if (json) {
        ctx.printJson(Map.of("namespaces", all));
      } else if (all.isEmpty()) {
        ctx.out().println("no plugin namespaces");
      } else {
        all.forEach(n -> ctx.out().printf("%-30s %-50s %-17s %d applied%s%n", n.pluginKey(), n.schema(), n.status(),
            n.applied().size(), n.failed().isEmpty() ? "" : ", failed: " + String.join(", ", n.failed())));
      }
      return 0;
    }
  }

  @Command(name = "purge", mixinStandardHelpOptions = true,
      description = "Drop a plugin's schema, role and ledger rows (its data is gone).")
  static final class Purge implements Callable<Integer> {
    private final CliContext ctx;
    @Parameters(index = "0", paramLabel = "KEY")
    String key;
    @Option(names = "--yes", description = "Confirm: the plugin's data is deleted.")
    boolean yes;

    Purge(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      if (!yes) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "purging plugin " + key
            + " deletes its schema and data; add --yes to confirm");
      }
      boolean done = namespaces(ctx).purge(key);
      ctx.out().println(done ? "purged plugin " + key : "plugin " + key + " has no namespace; nothing to purge");
      return 0;
    }
  }
}
