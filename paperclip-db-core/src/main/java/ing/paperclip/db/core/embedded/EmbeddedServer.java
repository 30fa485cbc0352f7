package ing.paperclip.db.core.embedded;

import ing.paperclip.db.core.settings.ConnectionSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A running embedded server, as {@link EmbeddedPostgres#start()} found or made it.
 *
 * @param spec connection to the configured database as the runtime role: not a superuser, owner
 *     of the database; what pools, migrations and plugins use (password inside: never print it)
 * @param adminSpec connection to the same database as the cluster's superuser, for role
 *     management and restoring objects only a superuser may create (password inside)
 * @param credentialsFile the 0600 file holding both roles' random passwords (a libpq password
 *     file, usable as {@code PGPASSFILE})
 * @param dataDir the data directory
 * @param port the port it listens on (127.0.0.1)
 * @param pid the postmaster's process id
 * @param version the PostgreSQL version of its binaries, e.g. {@code 18.3}
 * @param initialized whether initdb ran during this start (a brand-new cluster)
 * @param reused whether a server already running on this data directory was reused
 * @param startup how long {@code start()} took
 * @param notes what this start changed that an operator should hear about (e.g. the fixed
 *     password of a data directory made by an earlier version was replaced); usually empty
 */
public record EmbeddedServer(ConnectionSpec spec, ConnectionSpec adminSpec, Path credentialsFile, Path dataDir,
    int port, long pid, String version, boolean initialized, boolean reused, Duration startup, List<String> notes) {
  /** Validates and copies. */
  public EmbeddedServer {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(adminSpec, "adminSpec");
    Objects.requireNonNull(credentialsFile, "credentialsFile");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(startup, "startup");
    notes = List.copyOf(notes);
  }
}
