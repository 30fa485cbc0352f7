package ing.paperclip.db.secrets;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;

/** A secrets failure: wrong key, tampered material, key file problems, store conflicts. */
public class SecretsException extends PaperclipException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message never holds a key or a secret value. */
  public SecretsException(String message) {
    super(ErrorCode.SECRETS, message);
  }

  /** Creates the exception with a cause. */
  public SecretsException(String message, Throwable cause) {
    super(ErrorCode.SECRETS, message, cause);
  }
}
