package ing.paperclip.db.testkit;

import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * One database given to a test by {@link WithPaperclipDatabase} or {@link PaperclipTestServers}: the
 * migrated Paperclip schema (plus its fixture, if any), owned by the test and dropped after it.
 *
 * <p>Immutable and thread-safe; {@link #toString()} never shows the password.
 */
public final class PaperclipTestDatabase {
  private final TestDatabase db;
  private com.zaxxer.hikari.HikariDataSource pool;

  PaperclipTestDatabase(TestDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** Returns the database's name (unique per test class or method). */
  public String name() {
    return db.name();
  }

  /** Returns how to connect (its {@code toString} hides the password). */
  public ConnectionSpec connectionSpec() {
    return db.spec();
  }

  /** Returns the JDBC URL, without user or password; see {@link #username()}/{@link #password()}. */
  public String jdbcUrl() {
    return db.spec().jdbcUrl();
  }

  /** Returns the user name, if the server URL named one. */
  public Optional<String> username() {
    return db.spec().userName();
  }

  /** Returns the password, if the server URL carried one. */
  public Optional<String> password() {
    return Optional.ofNullable(db.spec().password());
  }

  /** Returns "external", "testcontainers" or "embedded". */
  public String serverKind() {
    return db.server().kind();
  }

  /** Returns a non-pooling data source for this database; {@link #pooledDataSource()} is pooled. */
  public DataSource dataSource() {
    return db.dataSource();
  }

  /**
   * Returns a connection pool on this database (HikariCP, at most 4 connections, opened on first
   * use), as the code under test would use in production; closed by {@link #drop()}.
   */
  public synchronized DataSource pooledDataSource() {
    if (pool == null) {
      pool = ing.paperclip.db.core.pool.ConnectionPools.open(db.spec(),
          ing.paperclip.db.core.settings.PoolSettings.DEFAULTS.withMaxSize(4), "paperclip-test-" + db.name());
    }
    return pool;
  }

  /** Opens a new connection (autocommit on); the caller closes it. */
  public Connection connect() throws SQLException {
    return db.connect();
  }

  /**
   * Runs SQL (one or more statements, simple protocol) in autocommit.
   *
   * @throws IllegalStateException naming the database and the server's message on failure
   */
  public void execute(String sql) {
    db.execute(sql);
  }

  /**
   * Replaces this database's contents with a backup made by {@code paperclipai db backup} (or a
   * plain {@code pg_dump} file), then applies the migrations the backup predates, so tests run
   * against production-shaped data at the current schema. The restore is one transaction: on
   * failure the database is unchanged.
   *
   * @param backup the backup file ({@code .sql.gz} or {@code .sql})
   * @throws ing.paperclip.db.core.PaperclipException for a damaged file or a failed restore
   */
  public void loadBackup(Path backup) {
    new RestoreService(dataSource()).restore(backup, RestoreOptions.DEFAULTS.withClean(true),
        RestoreListener.NONE);
    new Migrator(dataSource()).migrate();
  }

  /** Drops the database (its sessions are ended first). */
  public void drop() {
    synchronized (this) {
      if (pool != null) {
        pool.close();
        pool = null;
      }
    }
    db.drop();
  }

  @Override
  public String toString() {
    return "PaperclipTestDatabase[" + db.spec().redacted() + ", " + serverKind() + "]";
  }
}
