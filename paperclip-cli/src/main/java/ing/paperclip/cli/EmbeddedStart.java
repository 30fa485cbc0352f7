package ing.paperclip.cli;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.settings.DatabaseSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the embedded server came up for this command.
 *
 * @param spec connection to the {@code paperclip} database
 * @param dataDir the server's data directory
 * @param port the port it listens on
 * @param initialized whether initdb ran now (a fresh database: migrations auto-apply)
 * @param reused whether a live server was found and reused
 * @param startup how long getting it ready took
 */
public record EmbeddedStart(ConnectionSpec spec, Path dataDir, int port, boolean initialized,
    boolean reused, Duration startup) {

  static EmbeddedStart start(CliContext ctx, DatabaseSettings settings) {
    throw new PaperclipException(ErrorCode.EMBEDDED_SERVER,
        "the embedded server is not wired yet; set DATABASE_URL");
  }
}
