package ing.paperclip.db.core.embedded;

import ing.paperclip.db.core.settings.ConnectionSpec;
import java.time.Duration;
import java.util.Objects;

/**
 * A running embedded server, as returned by {@link EmbeddedPostgres#start()}. Immutable.
 *
 * @param host always {@code 127.0.0.1}
 * @param port the TCP port the server listens on
 * @param spec connection to the configured database as the configured superuser
 * @param initialized true when initdb ran during this start
 * @param reused true when a live server on the data directory was found and reused
 * @param startup how long the start took
 * @param pid the postmaster's process id
 */
public record EmbeddedServer(
    String host, int port, ConnectionSpec spec, boolean initialized, boolean reused,
    Duration startup, long pid) {
  /** Validates. */
  public EmbeddedServer {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(startup, "startup");
  }
}
