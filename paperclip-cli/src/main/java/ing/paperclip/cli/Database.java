package ing.paperclip.cli;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.settings.DatabaseMode;
import ing.paperclip.db.core.settings.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The database a command works on: the runtime and migration pools of the resolved settings,
 * after starting or reusing the embedded server when the mode is embedded. Built by
 * {@link CliContext#database()}; closed with the context.
 */
public final class Database implements AutoCloseable {
  private final DatabaseSettings settings;
  private final ConnectionSpec runtimeSpec;
  private final ConnectionSpec migrationSpec;
  private final HikariDataSource runtime;
  private final HikariDataSource migration;
  private final EmbeddedStart embedded;

  private Database(DatabaseSettings settings, ConnectionSpec runtimeSpec,
      ConnectionSpec migrationSpec, HikariDataSource runtime, HikariDataSource migration,
      EmbeddedStart embedded) {
    this.settings = settings;
    this.runtimeSpec = runtimeSpec;
    this.migrationSpec = migrationSpec;
    this.runtime = runtime;
    this.migration = migration;
    this.embedded = embedded;
  }

  static Database open(CliContext ctx) {
    DatabaseSettings s = ctx.settings();
    EmbeddedStart started = null;
    ConnectionSpec runtimeSpec;
    if (s.mode() == DatabaseMode.EMBEDDED) {
      started = EmbeddedStart.start(ctx, s);
      runtimeSpec = started.spec();
    } else {
      runtimeSpec = s.url().orElseThrow();
    }
    ConnectionSpec migrationSpec = s.migrationUrl().orElse(runtimeSpec);
    HikariDataSource runtime = ConnectionPools.open(runtimeSpec, s.pool(), "paperclip-runtime");
    HikariDataSource migration = null;
    try {
      migration = migrationSpec.equals(runtimeSpec) ? runtime
          : ConnectionPools.openMigration(migrationSpec, s.pool());
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    return new Database(s, runtimeSpec, migrationSpec, runtime, migration, started);
  }

  /** Returns the settings this database was opened with. */
  public DatabaseSettings settings() {
    return settings;
  }

  /** Returns the mode: embedded or external. */
  public DatabaseMode mode() {
    return settings.mode();
  }

  /** Returns the pool for application queries. */
  public DataSource runtime() {
    return runtime;
  }

  /** Returns the pool for schema checks and migrations. */
  public DataSource migration() {
    return migration;
  }

  /** Returns how the runtime pool connects (password inside: never print, use redacted()). */
  public ConnectionSpec runtimeSpec() {
    return runtimeSpec;
  }

  /** Returns how the migration pool connects. */
  public ConnectionSpec migrationSpec() {
    return migrationSpec;
  }

  /** Returns the embedded server's start details, or null in external mode. */
  public EmbeddedStart embedded() {
    return embedded;
  }

  /** Returns the server's version string, e.g. {@code 15.20}. */
  public String serverVersion() {
    try (Connection c = runtime.getConnection()) {
      return c.getMetaData().getDatabaseProductVersion();
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.DATABASE, "cannot read the server version from "
          + runtimeSpec.redacted() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (migration != runtime && migration != null) {
      migration.close();
    }
    runtime.close();
  }
}
