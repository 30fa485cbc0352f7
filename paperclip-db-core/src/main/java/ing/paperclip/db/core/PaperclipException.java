package ing.paperclip.db.core;

import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

/**
 * Root of every error paperclip-db raises. Unchecked, with a stable {@link ErrorCode} that maps
 * to a process exit status, and a message that says what failed, on what, and what to do.
 *
 * <p>{@link SQLException}s and {@link java.io.IOException}s are kept as causes; when the cause
 * chain holds an {@code SQLException}, {@link #sqlState()} exposes its SQLSTATE. Messages never
 * contain secret material (passwords, keys, secret values). Instances are immutable.
 */
public class PaperclipException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /**
   * Creates an exception.
   *
   * @param code the error code, not null
   * @param message one line: what failed, on what, and the fix; not null
   */
  public PaperclipException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param code the error code, not null
   * @param message one line: what failed, on what, and the fix; not null
   * @param cause the underlying error, may be null
   */
  public PaperclipException(ErrorCode code, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** Returns the error code, never null. */
  public ErrorCode code() {
    return code;
  }

  /** Returns the process exit status for this error ({@code code().exitCode()}). */
  public int exitCode() {
    return code.exitCode();
  }

  /** Returns the SQLSTATE of the first {@link SQLException} in the cause chain, if any. */
  public Optional<String> sqlState() {
    for (Throwable t = getCause(); t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return Optional.of(sql.getSQLState());
      }
    }
    return Optional.empty();
  }
}
