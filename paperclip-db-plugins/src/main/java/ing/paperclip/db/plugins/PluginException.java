package ing.paperclip.db.plugins;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;

/** A plugin namespace or plugin migration failure or refusal. */
public class PluginException extends PaperclipException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public PluginException(String message) {
    super(ErrorCode.PLUGIN, message);
  }

  /** Creates the exception with a cause. */
  public PluginException(String message, Throwable cause) {
    super(ErrorCode.PLUGIN, message, cause);
  }
}
