package ing.paperclip.db.backup.internal;

import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;

/** Rethrows what a worker thread failed with, as the caller's own checked exception types. */
public final class WorkerFailure {
  private WorkerFailure() {}

  /**
   * Rethrows the cause of {@code e}: an {@link SQLException}, {@link IOException} or unchecked
   * exception as it is, anything else wrapped in an {@link IOException}.
   *
   * @param what the work that failed, for the wrapped message (e.g. "backup worker")
   * @return never returns; declared so callers can write {@code throw WorkerFailure.rethrow(...)}
   */
  public static IOException rethrow(ExecutionException e, String what) throws SQLException, IOException {
    Throwable cause = e.getCause();
    if (cause instanceof SQLException s) {
      throw s;
    }
    if (cause instanceof IOException io) {
      throw io;
    }
    if (cause instanceof RuntimeException r) {
      throw r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new IOException(what + " failed: " + cause, cause);
  }
}
