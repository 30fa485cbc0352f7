package ing.paperclip.cli.db;

import ing.paperclip.cli.CliContext;
import ing.paperclip.db.core.migrate.MigrationState;
import ing.paperclip.db.core.migrate.Migrator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paperclipai db migrate}: apply pending core schema migrations. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Apply pending core schema migrations (on DATABASE_MIGRATION_URL when set). "
        + "A database with tables but no migration journal is refused.")
final class DbMigrateCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--baseline", description = "Mark every migration applied without running it, "
      + "for a database that already holds the Paperclip core schema but no journal.")
  boolean baseline;

  DbMigrateCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Migrator m = ctx.database().migrator();
    List<MigrationState.Changeset> done = baseline ? m.baseline() : m.migrate();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put(baseline ? "baselined" : "applied", done.stream().map(MigrationState.Changeset::id).toList());
    r.put("migrations", m.status().label());
    if (json) {
      ctx.printJson(r);
    } else if (done.isEmpty()) {
      ctx.out().println("core schema is up to date; nothing to apply");
    } else {
      done.forEach(c -> ctx.out().println((baseline ? "marked  " : "applied ") + c.id()));
      ctx.out().println((baseline ? "marked " : "applied ") + done.size() + " migration(s); core schema is up to date");
    }
    return 0;
  }
}
