package ing.paperclip.db.core.testing;

import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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
    try (Connection c = connectAdmin(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + SqlIdentifiers.quote(name) + " " + clause);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + " on "
          + admin.redacted() + ": " + e.getMessage() + "; the role in " + PostgresExtension.ENV_URL
          + " must be allowed to create databases (CREATEDB)", e);
    }
    return new TestDatabase(this, admin.withDatabase(name));
  }

  /** Drops a database created by {@link #createDatabase}, terminating its sessions first. */
  public void dropDatabase(String name) {
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
