package ing.paperclip.db.core.testing;

import ing.paperclip.db.core.settings.ConnectionSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * One fresh database on a {@link TestServer}, owned by a test class.
 *
 * @param server the server it lives on
 * @param spec how to connect to it
 */
public record TestDatabase(TestServer server, ConnectionSpec spec) {
  /** Validates. */
  public TestDatabase {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(spec, "spec");
  }

  /** Returns the database name. */
  public String name() {
    return spec.database();
  }

  /** Opens a new connection (autocommit on). The caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(spec.jdbcUrl(), spec.driverProperties());
  }

  /** Returns a non-pooling data source for this database. */
  public javax.sql.DataSource dataSource() {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setURL(spec.jdbcUrl());
    spec.userName().ifPresent(ds::setUser);
    if (spec.password() != null) {
      ds.setPassword(spec.password());
    }
    return ds;
  }

  /** Runs SQL (one or more statements, simple protocol) in autocommit. */
  public void execute(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + name() + ": " + e.getMessage(), e);
    }
  }

  /** Runs a query and returns its first column, row by row, as text (null for NULL). */
  public java.util.List<String> strings(String sql) {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (Connection c = connect(); Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("query failed on " + name() + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Creates another fresh, empty database on the same server, e.g. a restore target. */
  public TestDatabase sibling(String hint) {
    return server.createDatabase(hint);
  }

  /** Drops this database and returns when it is gone. */
  public void drop() {
    server.dropDatabase(name());
  }

  /**
   * Drops this database on a background connection and returns at once, for a database nothing
   * else needs gone (see {@link TestServer#dropDatabaseInBackground}).
   */
  public void dropInBackground() {
    server.dropDatabaseInBackground(name());
  }
}
