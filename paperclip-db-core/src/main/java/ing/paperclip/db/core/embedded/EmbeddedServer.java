package ing.paperclip.db.core.embedded;

import ing.paperclip.db.core.settings.ConnectionSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A running embedded server, as {@link EmbeddedPostgres#start()} found or made it.
 *
 * @param spec connection to the configured database (password inside: never print it)
 * @param dataDir the data directory
 * @param port the port it listens on (127.0.0.1)
 * @param pid the postmaster's process id
 * @param version the PostgreSQL version of its binaries, e.g. {@code 18.3}
 * @param initialized whether initdb ran during this start (a brand-new cluster)
 * @param reused whether a server already running on this data directory was reused
 * @param startup how long {@code start()} took
 */
public record EmbeddedServer(ConnectionSpec spec, Path dataDir, int port, long pid, String version,
    boolean initialized, boolean reused, Duration startup) {
  /** Validates. */
  public EmbeddedServer {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(startup, "startup");
  }
}
