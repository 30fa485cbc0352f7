package ing.paperclip.cli.db;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.Database;
import ing.paperclip.cli.EmbeddedStart;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.DatabaseMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paperclipai db start}: start (or find running) the embedded server. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = "Start the embedded PostgreSQL (initdb and migrations on first use); it keeps "
        + "running until 'db stop'.")
final class DbStartCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  DbStartCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (ctx.settings().mode() != DatabaseMode.EMBEDDED) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "the database is external ("
          + ctx.settings().source() + "): there is no embedded server to start");
    }
    Database db = ctx.database();
    EmbeddedStart e = db.embedded();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("dataDir", e.dataDir().toString());
    r.put("port", e.port());
    r.put("version", e.version());
    r.put("initialized", e.initialized());
    r.put("reused", e.reused());
    r.put("startupMillis", e.startup().toMillis());
    r.put("url", e.spec().redacted());
    r.put("credentialsFile", e.credentialsFile().toString());
    if (json) {
      ctx.printJson(r);
    } else {
      ctx.out().println((e.reused() ? "already running" : "started") + ": PostgreSQL " + e.version()
          + " on 127.0.0.1:" + e.port() + " (data " + e.dataDir() + ")");
    }
    return 0;
  }
}
