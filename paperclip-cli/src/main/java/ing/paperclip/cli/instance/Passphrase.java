package ing.paperclip.cli.instance;

import ing.paperclip.cli.CliContext;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.Console;
import java.util.Arrays;

/**
 * The archive passphrase: from {@code PAPERCLIP_ARCHIVE_PASSPHRASE}, else a terminal prompt
 * without echo; never from an argument, never printed. Callers clear the array after use.
 */
final class Passphrase {
  /** The environment variable holding the passphrase. */
  static final String ENV = "PAPERCLIP_ARCHIVE_PASSPHRASE";

  private Passphrase() {}

  /**
   * Reads the passphrase.
   *
   * @param confirm ask twice at a terminal (when sealing)
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} when neither source is available
   */
  static char[] read(CliContext ctx, String why, boolean confirm) {
    String env = ctx.env().get(ENV);
    if (env != null && !env.isEmpty()) {
      return env.toCharArray();
    }
    Console console = ctx.interactive() ? System.console() : null;
    if (console == null) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, why + " needs the archive passphrase: set " + ENV
          + " or run at a terminal to be asked for it");
    }
    char[] first = console.readPassword("archive passphrase: ");
    if (first == null) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "no passphrase was entered; nothing was written");
    }
    if (confirm) {
      char[] again = console.readPassword("the same passphrase again: ");
      boolean same = again != null && Arrays.equals(first, again);
      if (again != null) {
        Arrays.fill(again, '\0');
      }
      if (!same) {
        Arrays.fill(first, '\0');
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "the two passphrases differ; nothing was written");
      }
    }
    return first;
  }
}
