package ing.paperclip.cli;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.settings.DatabaseMode;
import ing.paperclip.db.core.settings.DatabaseSettings;
import ing.paperclip.db.core.migrate.MigrationPolicy;
import ing.paperclip.db.core.migrate.MigrationState;
import ing.paperclip.db.core.migrate.Migrator;
import java.sql.Connection;
import java.util.List;
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
  private HikariDataSource admin;

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
    Database db = new Database(s, runtimeSpec, migrationSpec, runtime, migration, started);
    if (started != null) {
      try {
        db.migrateFreshEmbedded(ctx);
      } catch (RuntimeException e) {
        db.close();
        throw e;
      }
    }
    return db;
  }

  /**
   * A database the embedded server just created (or one it created that is still empty) gets the
   * core schema at once: there is nothing to protect and nobody to ask.
   */
  private void migrateFreshEmbedded(CliContext ctx) {
    MigrationState state = migrator().status();
    boolean empty = state instanceof MigrationState.Pending p && p.applied() == 0;
    if (embedded.initialized() || empty) {
      announce(ctx, migrator().migrate(), "to the new embedded database");
    }
  }

  /**
   * Says on standard error, in one line, which migrations were just applied and why: a schema
   * change never happens silently (standard output stays the command's own, JSON included).
   */
  static void announce(CliContext ctx, List<MigrationState.Changeset> applied, String why) {
    if (!applied.isEmpty()) {
      ctx.err().println("note: applied " + applied.size() + " core schema migration(s) " + why + ": "
          + String.join(", ", applied.stream().map(MigrationState.Changeset::id).toList()));
      ctx.err().flush();
    }
  }

  /** Returns a migrator for the core schema on the migration pool. */
  public Migrator migrator() {
    return new Migrator(migration);
  }

  /**
   * Makes sure the core schema is current, applying pending migrations when the policy of SPEC §2
   * allows (auto-apply setting, or a person at a terminal says yes).
   *
   * @throws PaperclipException {@link ErrorCode#MIGRATION} when migrations are pending and may not
   *     be applied, or the database is unsafe to migrate
   */
  public void requireCurrentSchema(CliContext ctx) {
    MigrationState state = migrator().status();
    if (state instanceof MigrationState.UpToDate) {
      return;
    }
    if (state instanceof MigrationState.Unsafe) {
      migrator().migrate(); // throws the one-line refusal with its fix
      return;
    }
    int pending = ((MigrationState.Pending) state).pending().size();
    MigrationPolicy.Prompter prompter = ctx.interactive() ? Database::ask : null;
    if (new MigrationPolicy(ctx.env()).decide(false, pending, prompter) == MigrationPolicy.Decision.APPLY) {
      announce(ctx, migrator().migrate(), ctx.interactive() ? "as confirmed"
          : "because " + MigrationPolicy.ENV_AUTO_APPLY + "=true");
    } else {
      throw new PaperclipException(ErrorCode.MIGRATION, MigrationPolicy.refusal(pending));
    }
  }

  /** Asks a person at the terminal a yes/no question (no by default, and without a console). */
  public static boolean ask(String question) {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    String answer = console.readLine("%s [y/N] ", question);
    return answer != null && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
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

  /**
   * Returns a data source with the rights to manage roles and to restore objects only a superuser
   * may create: in embedded mode a small pool on the cluster's superuser, opened on first use
   * (the runtime role is not a superuser); in external mode the migration pool, since the
   * operator chose the most privileged connection there.
   */
  public DataSource admin() {
    if (embedded == null) {
      return migration;
    }
    if (admin == null) {
      admin = ConnectionPools.open(embedded.adminSpec(), settings.pool().withMaxSize(Math.min(2, settings.pool().maxSize())),
          "paperclip-admin");
    }
    return admin;
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

  /**
   * Closes the idle connections of every pool (in-use ones when they are returned); the pools stay
   * open and connect again when next used. A restore calls it before it renames the database,
   * which PostgreSQL refuses while any other session is connected to it.
   */
  public void releaseIdleConnections() {
    ConnectionPools.releaseIdle(runtime, migration, admin);
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
    if (migration != runtime && migration != null) {
      migration.close();
    }
    runtime.close();
  }
}
