package ing.paperclip.db.core.embedded;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What {@link EmbeddedPostgres#status()} found on the data directory. Immutable.
 *
 * @param running true when a live postmaster owns the data directory and accepts connections
 * @param port the port from {@code postmaster.pid}, when a server is running
 * @param pid the postmaster's process id, when a server is running
 * @param initialized true when the data directory holds a PostgreSQL cluster
 */
public record EmbeddedStatus(boolean running, OptionalInt port, OptionalLong pid, boolean initialized) {
  /** Validates. */
  public EmbeddedStatus {
    java.util.Objects.requireNonNull(port, "port");
    java.util.Objects.requireNonNull(pid, "pid");
  }
}
