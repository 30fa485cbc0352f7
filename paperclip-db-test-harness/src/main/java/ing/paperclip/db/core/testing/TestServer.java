package ing.paperclip.db.core.testing;

import ing.paperclip.db.core.embedded.EmbeddedServer;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * A PostgreSQL server that tests may create and drop databases on. {@link #admin()} connects to a
 * maintenance database as a superuser (or a role with CREATEDB).
 *
 * @param admin connection to the maintenance database
 * @param kind "external" or "embedded", for log lines
 */
public record TestServer(ConnectionSpec admin, String kind) {
  /** Validates. */
  public TestServer {
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(kind, "kind");
  }

  /**
   * The settings of an embedded server a test started for itself, a throw-away cluster in a
   * temporary directory: no durability (nothing there must survive a crash), so commits, the
   * checkpoints every {@code DROP DATABASE} waits for and the restores' writes do not wait for the
   * disk. Never for a user's server, nor for the external one.
   */
  static final List<String> THROW_AWAY_SETTINGS = List.of("fsync = off", "synchronous_commit = off",
      "full_page_writes = off");

  /**
   * Returns the test server of an embedded PostgreSQL that a test started for itself (its
   * superuser, on the {@code postgres} database), with {@link #THROW_AWAY_SETTINGS} set on its
   * cluster ({@code ALTER SYSTEM}, reloaded; in effect for every new session when this returns).
   * Only for a throw-away cluster in a temporary directory, never for a user's data directory.
   *
   * @param started what {@code EmbeddedPostgres.start()} returned
   * @throws IllegalStateException when the settings cannot be applied
   */
  public static TestServer embedded(EmbeddedServer started) {
    TestServer server = new TestServer(started.adminSpec().withDatabase("postgres"), "embedded");
    try (Connection c = server.connectAdmin(); Statement s = c.createStatement()) {
      for (String setting : THROW_AWAY_SETTINGS) {
        s.execute("ALTER SYSTEM SET " + setting);
      }
      s.execute("SELECT pg_catalog.pg_reload_conf()");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot turn durability off on the embedded test server in "
          + started.dataDir() + ": " + e.getMessage(), e);
    }
    // The postmaster rereads the configuration asynchronously; sessions started after it did
    // have the settings.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!server.durabilityOff()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the embedded test server in " + started.dataDir()
            + " did not reload fsync = off within 10 s; see its log under " + started.dataDir().getParent().resolve("logs"));
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the embedded test server reloaded", e);
      }
    }
    return server;
  }

  private boolean durabilityOff() {
    try (Connection c = connectAdmin(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT current_setting('fsync') = 'off'"
            + " AND current_setting('full_page_writes') = 'off'"
            + " AND current_setting('synchronous_commit') = 'off'")) {
      return r.next() && r.getBoolean(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the embedded test server's settings: " + e.getMessage(), e);
    }
  }

  /** Opens a connection to the maintenance database. */
  public Connection connectAdmin() throws SQLException {
    return DriverManager.getConnection(admin.jdbcUrl(), admin.driverProperties());
  }

  /**
   * Creates a new, empty database with a unique name derived from {@code hint} and returns it.
   *
   * @param hint a readable part of the name, e.g. the test class's simple name
   */
  public TestDatabase createDatabase(String hint) {
    return create(hint, "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
  }

  /**
   * Creates a copy of another database on this server ({@code CREATE DATABASE ... TEMPLATE}),
   * with a unique name derived from {@code hint}. Nobody may be connected to the template.
   *
   * @param template name of the database to copy
   * @param hint a readable part of the new name
   */
  public TestDatabase cloneDatabase(String template, String hint) {
    return create(hint, "TEMPLATE " + SqlIdentifiers.quote(template));
  }

  private TestDatabase create(String hint, String clause) {
    String clean = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (clean.length() > 40) {
      clean = clean.substring(0, 40);
    }
    String name = "it_" + clean + "_" + UUID.randomUUID().toString().substring(0, 8);
    long t0 = System.nanoTime();
    try (Connection c = connectAdmin(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + SqlIdentifiers.quote(name) + " " + clause);
      DatabaseChurn.created(System.nanoTime() - t0);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + " on "
          + admin.redacted() + ": " + e.getMessage() + "; the role in " + PostgresExtension.ENV_URL
          + " must be allowed to create databases (CREATEDB)", e);
    }
    return new TestDatabase(this, admin.withDatabase(name));
  }

  /**
   * Drops a database created by {@link #createDatabase}, terminating its sessions first, and
   * returns when it is gone (a drop waits for a checkpoint: see {@link #dropDatabaseInBackground}).
   */
  public void dropDatabase(String name) {
    long t0 = System.nanoTime();
    drop(name);
    DatabaseChurn.dropped(System.nanoTime() - t0);
  }

  /**
   * Drops a database created by {@link #createDatabase} later, on a background connection, and
   * returns at once: for a database nothing else needs gone (not, e.g., before dropping a role
   * that owns objects in it). Queued drops finish before the JVM exits; one that fails is logged
   * (with the database's name) rather than thrown.
   */
  public void dropDatabaseInBackground(String name) {
    DatabaseChurn.dropInBackground(this, name);
  }

  void drop(String name) {
    try (Connection c = connectAdmin(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + SqlIdentifiers.quote(name) + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Returns the server's major version, e.g. 15 or 18. */
  public int majorVersion() {
    try (Connection c = connectAdmin()) {
      return c.getMetaData().getDatabaseMajorVersion();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read server version: " + e.getMessage(), e);
    }
  }
}
