package ing.paperclip.cli;

import ing.paperclip.db.core.embedded.EmbeddedPostgres;
import ing.paperclip.db.core.embedded.EmbeddedPostgresConfig;
import ing.paperclip.db.core.embedded.EmbeddedServer;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.settings.DatabaseSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the embedded server came up for this command.
 *
 * @param spec connection to the {@code paperclip} database as the runtime role (not a superuser)
 * @param adminSpec connection to it as the cluster's superuser (password inside: never print it)
 * @param credentialsFile the 0600 file holding both passwords
 * @param dataDir the server's data directory
 * @param port the port it listens on
 * @param version the PostgreSQL version of the embedded binaries
 * @param initialized whether initdb ran now (a fresh database: migrations auto-apply)
 * @param reused whether a live server was found and reused
 * @param startup how long getting it ready took
 */
public record EmbeddedStart(ConnectionSpec spec, ConnectionSpec adminSpec, Path credentialsFile, Path dataDir, int port, String version,
    boolean initialized, boolean reused, Duration startup) {

  /** Returns the embedded server manager for the instance's settings. */
  public static EmbeddedPostgres manager(CliContext ctx, DatabaseSettings settings) {
    EmbeddedPostgresConfig.Builder b = EmbeddedPostgresConfig
        .builder(settings.embeddedDataDir(), ctx.layout().runtimeDir())
        .port(settings.embeddedPort());
    String install = ctx.env().get("PAPERCLIP_EMBEDDED_POSTGRES_INSTALL_DIR");
    if (install != null && !install.isBlank()) {
      b.installDir(Path.of(install));
    } else {
      ctx.config().getText("database.embeddedPostgresInstallDir").map(Path::of).ifPresent(b::installDir);
    }
    return new EmbeddedPostgres(b.build());
  }

  static EmbeddedStart start(CliContext ctx, DatabaseSettings settings) {
    EmbeddedServer s = manager(ctx, settings).start();
    if (s.port() != settings.embeddedPort() && !s.reused()) {
      ctx.err().println("note: port " + settings.embeddedPort() + " is taken; the embedded "
          + "PostgreSQL listens on port " + s.port());
    }
    s.notes().forEach(n -> ctx.err().println("note: " + n));
    return new EmbeddedStart(s.spec(), s.adminSpec(), s.credentialsFile(), s.dataDir(), s.port(), s.version(), s.initialized(),
        s.reused(), s.startup());
  }
}
