package ing.paperclip.cli.references;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.Database;
import ing.paperclip.cli.GroupCommand;
import ing.paperclip.db.core.references.IssueReferenceBackfill;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paperclipai issue-references ...}. */
@Command(name = "issue-references", mixinStandardHelpOptions = true,
    description = "Issue references (PAP-123 mentions) between issues, comments and documents.")
public final class IssueReferencesCommands extends GroupCommand {
  private IssueReferencesCommands() {}

  /** Builds the command group. */
  public static CommandLine create(CliContext ctx) {
    CommandLine c = new CommandLine(new IssueReferencesCommands());
    c.addSubcommand(new Backfill(ctx));
    return c;
  }

  @Command(name = "backfill", mixinStandardHelpOptions = true,
      description = "Rebuild issue_reference_mentions for existing issues, comments and documents, "
          + "oldest first in batches (safe to re-run and to interrupt).")
  static final class Backfill implements Callable<Integer> {
    private final CliContext ctx;
    @Option(names = "--company", paramLabel = "ID", description = "Only this company.")
    UUID company;
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500", description = "Issues per transaction (default 500).")
    int batchSize;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Backfill(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Database db = ctx.database();
      db.requireCurrentSchema(ctx);
      long t0 = System.nanoTime();
      boolean tty = ctx.interactive() && !json;
      IssueReferenceBackfill.Result r = new IssueReferenceBackfill(db.runtime(), batchSize).run(
          Optional.ofNullable(company), p -> {
            if (tty) {
              ctx.err().printf(Locale.ROOT, "\rbackfill: %,d issues, %,d comments, %,d documents, %,d mentions",
                  p.issues(), p.comments(), p.documents(), p.mentions());
              ctx.err().flush();
            }
          });
      if (tty) {
        ctx.err().println();
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("issues", r.issues());
      m.put("comments", r.comments());
      m.put("documents", r.documents());
      m.put("mentions", r.mentions());
      m.put("batches", r.batches());
      m.put("durationMillis", (System.nanoTime() - t0) / 1_000_000);
      if (json) {
        ctx.printJson(m);
      } else {
        ctx.out().printf(Locale.ROOT, "scanned %d issues, %d comments, %d documents; wrote %d mentions in %d ms%n",
            r.issues(), r.comments(), r.documents(), r.mentions(), m.get("durationMillis"));
      }
      return 0;
    }
  }
}
