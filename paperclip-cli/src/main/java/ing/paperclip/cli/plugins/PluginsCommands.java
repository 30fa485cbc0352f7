package ing.paperclip.cli.plugins;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.Database;
import ing.paperclip.cli.GroupCommand;
import ing.paperclip.cli.secrets.SecretsCommands;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.plugins.PluginCredentials;
import ing.paperclip.db.plugins.PluginMigrationResult;
import ing.paperclip.db.plugins.PluginNamespaces;
import ing.paperclip.db.plugins.PluginSettings;
import ing.paperclip.db.secrets.MasterKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
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
    description = "Plugin database namespaces: migrate, list, purge, repair-roles.")
public final class PluginsCommands extends GroupCommand {
  /** Environment: longest one plugin migration statement may run, in milliseconds. */
  public static final String ENV_MIGRATION_TIMEOUT = "PAPERCLIP_PLUGIN_MIGRATION_TIMEOUT_MS";
  /** Environment: largest plugin migration file, in bytes. */
  public static final String ENV_MAX_FILE_BYTES = "PAPERCLIP_PLUGIN_MAX_MIGRATION_BYTES";

  private PluginsCommands() {}

  /** Builds the command group. */
  public static CommandLine create(CliContext ctx) {
    CommandLine c = new CommandLine(new PluginsCommands());
    c.addSubcommand(new Migrate(ctx));
    c.addSubcommand(new ListCommand(ctx));
    c.addSubcommand(new Purge(ctx));
    c.addSubcommand(new RepairRoles(ctx));
    return c;
  }

  /**
   * Plugin role passwords derived from the instance's secrets master key (HMAC-SHA256 under a
   * plugin-role label, so the key itself never becomes a password).
   */
  static PluginCredentials credentials(MasterKey key) {
    byte[] bytes = key.bytes();
    try {
      return PluginCredentials.hmacSha256(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  static PluginSettings settings(CliContext ctx) {
    PluginSettings s = PluginSettings.defaults();
    String timeout = ctx.env().get(ENV_MIGRATION_TIMEOUT);
    if (timeout != null && !timeout.isBlank()) {
      s = s.withMigrationStatementTimeout(Duration.ofMillis(positive(ENV_MIGRATION_TIMEOUT, timeout)));
    }
    String max = ctx.env().get(ENV_MAX_FILE_BYTES);
    if (max != null && !max.isBlank()) {
      s = s.withMaxMigrationFileBytes(positive(ENV_MAX_FILE_BYTES, max));
    }
    return s;
  }

  private static long positive(String name, String value) {
    try {
      long v = Long.parseLong(value.strip());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new PaperclipException(ErrorCode.CONFIGURATION, name + " must be a positive whole number, got '" + value + "'");
  }

  private static PluginNamespaces namespaces(CliContext ctx, MasterKey key) {
    Database db = ctx.database();
    return new PluginNamespaces(db.migration(), db.admin(), db.migrationSpec(), credentials(key), settings(ctx));
  }

  private static PluginNamespaces namespaces(CliContext ctx) {
    ctx.database().requireCurrentSchema(ctx);
    return namespaces(ctx, SecretsCommands.loadKey(ctx, ctx.database()).key());
  }

  /** Whether the database has the plugin registry with at least one namespace. */
  private static boolean hasNamespaces(Database db) {
    try (Connection c = db.migration().getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT to_regclass('public.plugin_database_namespaces') IS NOT NULL")) {
        if (!rs.next() || !rs.getBoolean(1)) {
          return false;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM public.plugin_database_namespaces)")) {
        return rs.next() && rs.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.DATABASE, "cannot read the plugin registry: " + e.getMessage(), e);
    }
  }

  /**
   * After a restore: recreates the login roles, passwords and grants of every plugin namespace the
   * restored database holds (roles are not part of a database backup). Does nothing when there
   * are none.
   *
   * @return the roles repaired
   */
  public static List<String> repairAfterRestore(CliContext ctx) {
    if (!hasNamespaces(ctx.database())) {
      return List.of();
    }
    return namespaces(ctx, SecretsCommands.loadKey(ctx, ctx.database()).key()).repairRoles();
  }

  /**
   * After {@code secrets rekey --apply}: sets every plugin role's password to the one derived from
   * the new key.
   *
   * @return the number of roles changed
   */
  public static int rotatePasswords(CliContext ctx, MasterKey oldKey, MasterKey newKey) {
    if (!hasNamespaces(ctx.database())) {
      return 0;
    }
    return namespaces(ctx, oldKey).rotatePasswords(credentials(newKey));
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = "Apply a plugin's *.sql migrations (name order) in its own schema, logged in as its own role.")
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
      if (ctx.jsonOutput()) {
        ctx.printJson(r);
        return 0;
      }
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

  @Command(name = "repair-roles", mixinStandardHelpOptions = true,
      description = "Recreate every plugin's login role, password, schema ownership and grants "
          + "(after a restore, a move to another server or a core upgrade).")
  static final class RepairRoles implements Callable<Integer> {
    private final CliContext ctx;

    RepairRoles(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      List<String> roles = namespaces(ctx).repairRoles();
      if (ctx.jsonOutput()) {
        ctx.printJson(Map.of("repaired", roles));
        return 0;
      }
      roles.forEach(r -> ctx.out().println("repaired " + r));
      ctx.out().println(roles.isEmpty() ? "no plugin namespaces" : "repaired " + roles.size() + " plugin role(s)");
      return 0;
    }
  }

  @Command(name = "purge", mixinStandardHelpOptions = true,
      description = "Drop a plugin's schema, login role and ledger rows (its data is gone).")
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
      if (ctx.jsonOutput()) {
        ctx.printJson(Map.of("pluginKey", key, "purged", done));
        return 0;
      }
      ctx.out().println(done ? "purged plugin " + key : "plugin " + key + " has no namespace; nothing to purge");
      return 0;
    }
  }
}
