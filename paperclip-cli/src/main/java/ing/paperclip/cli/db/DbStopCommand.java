package ing.paperclip.cli.db;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.EmbeddedStart;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.DatabaseMode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code paperclipai db stop}: stop the embedded server. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stop the embedded PostgreSQL (fast shutdown).")
final class DbStopCommand implements Callable<Integer> {
  private final CliContext ctx;

  DbStopCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (ctx.settings().mode() != DatabaseMode.EMBEDDED) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "the database is external ("
          + ctx.settings().source() + "): there is no embedded server to stop");
    }
    boolean was = EmbeddedStart.manager(ctx, ctx.settings()).stop();
    if (ctx.jsonOutput()) {
      ctx.printJson(java.util.Map.of("stopped", was));
    } else {
      ctx.out().println(was ? "stopped the embedded PostgreSQL" : "the embedded PostgreSQL was not running");
    }
    return 0;
  }
}
