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
        + "A database with tables but no migration journal is refused; one made by the original "
        + "Paperclip (Drizzle journal) can be adopted with --adopt.")
final class DbMigrateCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = {"--adopt", "--baseline"}, description = "Adopt a database that already holds the "
      + "Paperclip core tables but no journal of ours (e.g. the original Paperclip's): compare the "
      + "core tables with what this version creates (in a scratch database, needs CREATEDB), and "
      + "only if they match mark every migration applied without running it. Never writes to "
      + "drizzle.*. --baseline is the older name.")
  boolean adopt;

  DbMigrateCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Migrator m = ctx.database().migrator();
    if (adopt) {
      return adopt(m);
    }
    List<MigrationState.Changeset> done = m.migrate();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("applied", done.stream().map(MigrationState.Changeset::id).toList());
    r.put("migrations", m.status().label());
    if (json) {
      ctx.printJson(r);
    } else if (done.isEmpty()) {
      ctx.out().println("core schema is up to date; nothing to apply");
    } else {
      done.forEach(c -> ctx.out().println("applied " + c.id()));
      ctx.out().println("applied " + done.size() + " migration(s); core schema is up to date");
    }
    return 0;
  }

  private int adopt(Migrator m) {
    MigrationState.Adoption a = m.adopt(ctx.database().migrationSpec());
    List<String> marked = a.marked().stream().map(MigrationState.Changeset::id).toList();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("adopted", !marked.isEmpty());
    r.put("marked", marked);
    r.put("comparedTables", a.comparedTables());
    a.drizzle().ifPresent(j -> r.put("drizzleMigrations", j.migrations()));
    MigrationState after = m.status();
    r.put("migrations", after.label());
    if (json) {
      ctx.printJson(r);
    } else if (marked.isEmpty()) {
      ctx.out().println("the database already has paperclipai's journal; nothing to adopt"
          + (after instanceof MigrationState.Pending p
              ? " (" + p.pending().size() + " migration(s) pending: run 'paperclipai db migrate')" : ""));
    } else {
      ctx.out().println("the " + a.comparedTables().size() + " core tables match this version's schema "
          + "(columns, types, defaults, indexes, constraints, triggers)");
      marked.forEach(id -> ctx.out().println("marked applied " + id));
      ctx.out().println("adopted: " + marked.size() + " changeset(s) recorded as applied without running"
          + a.drizzle().map(j -> "; the Drizzle journal (" + j.migrations() + " migrations) is untouched").orElse(""));
    }
    return 0;
  }
}
