package ing.paperclip.cli.db;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.Progress;
import ing.paperclip.cli.plugins.PluginsCommands;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestorePlan;
import ing.paperclip.db.backup.restore.RestoreResult;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.backup.restore.RestoreStep;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paperclipai db restore FILE}: restore a backup into the resolved database. */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Restore a backup (paperclip-db, plain pg_dump, or the original Paperclip's .sql/.sql.gz) "
        + "into the database after verifying the file. Our files restore in parallel (--jobs); a failure "
        + "drops everything the restore created. --single-transaction, --jobs 1 and other "
        + "formats run in one transaction (the output says why when it was not asked for). A non-empty database is refused unless --clean (a new instance's "
        + "untouched core schema counts as empty and is replaced).")
final class DbRestoreCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(index = "0", paramLabel = "FILE", description = "The backup file.")
  Path file;
  @Option(names = "--clean", description = "Drop every schema of the target first. In parallel "
      + "the drop is committed first (a failure leaves the target empty); with --single-transaction it is "
      + "part of the transaction, so a failure keeps the old content.")
  boolean clean;
  @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Connections for a parallel restore "
      + "(default: processors, at most 4; 1 = one transaction).")
  Integer jobs;
  @Option(names = "--single-transaction", description = "Run everything in one transaction on one "
      + "connection (slower; a failure rolls back).")
  boolean singleTransaction;
  @Option(names = "--plan", description = "Verify the file and print the restore plan; change nothing.")
  boolean plan;
  @Option(names = "--keep-owner", description = "Run ALTER ... OWNER TO statements of pg_dump files.")
  boolean keepOwner;
  @Option(names = "--trust-file", description = "Run every statement the file holds, even ones no backup "
      + "contains (roles, COPY ... PROGRAM, event triggers, DO blocks...): only for a file you made or vouch for.")
  boolean trustFile;
  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  DbRestoreCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    int j = jobs == null ? RestoreOptions.defaultJobs() : jobs;
    if (j < 1 || j > RestoreOptions.MAX_JOBS) {
      throw new ing.paperclip.db.core.PaperclipException(ing.paperclip.db.core.ErrorCode.INVALID_INPUT,
          "--jobs must be between 1 and " + RestoreOptions.MAX_JOBS + ", got " + j);
    }
    RestoreOptions options = new RestoreOptions(clean, !keepOwner, j, singleTransaction, trustFile);
    if (plan) {
      RestorePlan p = new ing.paperclip.db.backup.restore.RestorePlanner().plan(file, options);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", p.file().toString());
        m.put("format", p.format());
        m.put("tables", p.tables());
        m.put("rows", p.rows());
        m.put("steps", p.steps().stream().map(RestoreStep::describe).toList());
        m.put("warnings", p.warnings());
        ctx.printJson(m);
      } else {
        ctx.out().print(p.print());
      }
      return 0;
    }
    // Its own connections, not the small migration pool: a parallel restore needs --jobs of them.
    // A new instance's core schema is recognised through the cluster's superuser (a scratch database).
    RestoreService service = new RestoreService(ctx.database().migrationSpec(), ctx.database().embedded() == null
        ? ctx.database().migrationSpec() : ctx.database().embedded().adminSpec());
    long start = System.nanoTime();
    RestoreListener listener = json || !ctx.interactive() ? RestoreListener.NONE : new RestoreListener() {
      private long rows;

      @Override
      public void tableDone(String name, long tableRows, int done, int total, long bytes) {
        rows += tableRows;
        Progress.draw(ctx.err(), "restore", done, total, rows, bytes, start);
      }
    };
    RestoreResult r = service.restore(file, options, listener);
    // Roles are not part of a database backup: give the restored plugin namespaces their login roles back.
    List<String> pluginRoles = PluginsCommands.repairAfterRestore(ctx);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", r.file().toString());
      m.put("format", r.format());
      m.put("statements", r.statements());
      m.put("tables", r.tables());
      m.put("rows", r.rows());
      m.put("cleaned", r.cleaned());
      m.put("jobs", r.jobs());
      m.put("singleTransaction", r.singleTransaction());
      m.put("durationMillis", r.duration().toMillis());
      m.put("phaseMillis", r.phaseMillis());
      m.put("warnings", r.warnings());
      m.put("pluginRolesRepaired", pluginRoles);
      ctx.printJson(m);
    } else {
      ctx.out().printf(Locale.ROOT, "restored %s (%s): %d tables, %d rows, %d statements in %.1f s (%s)%n",
          r.file().getFileName(), r.format(), r.tables(), r.rows(), r.statements(), r.duration().toMillis() / 1000.0,
          r.singleTransaction() ? "one transaction" : r.jobs() + " connections");
      r.warnings().forEach(w -> ctx.err().println("warning: " + w));
      if (!pluginRoles.isEmpty()) {
        ctx.out().println("repaired " + pluginRoles.size() + " plugin login role(s)");
      }
    }
    return 0;
  }
}
