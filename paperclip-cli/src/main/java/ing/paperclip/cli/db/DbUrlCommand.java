package ing.paperclip.cli.db;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.Database;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.ConnectionSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code paperclipai db url}: the connection URL for people and tools that connect by hand
 * ({@code psql "$(paperclipai db url --show-password)"}). The password is masked unless asked for;
 * in embedded mode the server is started (or reused) first, since its port may vary.
 */
@Command(name = "url", mixinStandardHelpOptions = true,
    description = "Print the database's connection URL (password masked unless --show-password). "
        + "In embedded mode: the runtime role paperclip_app, or the superuser with --admin.")
final class DbUrlCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--show-password", description = "Print the password in the URL (for psql and other tools; "
      + "it lands in your terminal's scroll-back and shell history if you paste it).")
  boolean showPassword;
  @Option(names = "--admin", description = "Embedded mode: the superuser's URL instead of the runtime role's.")
  boolean admin;
  @Option(names = "--migration", description = "The migration URL (DATABASE_MIGRATION_URL when set).")
  boolean migration;
  @Option(names = "--jdbc", description = "Print a jdbc:postgresql:// URL (user and password as parameters).")
  boolean jdbc;

  DbUrlCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Database db = ctx.database();
    ConnectionSpec spec;
    if (admin) {
      if (db.embedded() == null) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "--admin is for the embedded server; the database "
            + "is external (" + ctx.settings().source() + "): its superuser is whoever you made it");
      }
      spec = db.embedded().adminSpec();
    } else {
      spec = migration ? db.migrationSpec() : db.runtimeSpec();
    }
    String url;
    if (jdbc) {
      ConnectionSpec s = spec.user() == null ? spec : spec.withParameter("user", spec.user());
      if (spec.password() != null) {
        s = s.withParameter("password", showPassword ? spec.password() : "****");
      }
      url = s.jdbcUrl();
    } else {
      url = showPassword ? spec.libpqUri() : spec.redacted();
    }
    if (ctx.jsonOutput()) {
      ctx.printJson(java.util.Map.of("url", url, "source", admin ? "embedded superuser"
          : migration ? ctx.settings().migrationSource() : ctx.settings().source()));
    } else {
      ctx.out().println(url);
    }
    return 0;
  }
}
