package ing.paperclip.db.plugins;

import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source for a plugin's runtime queries: every connection it hands out runs as the plugin's
 * role ({@code SET ROLE}) with {@code search_path} set to the plugin schema, so the database
 * refuses anything outside the plugin boundary; closing the connection resets both before it
 * goes back to the pool. Thread-safe.
 */
public final class PluginDataSource implements DataSource {
  private final DataSource delegate;
  private final String schema;
  private final String role;

  /**
   * Wraps a (pooled) data source for one plugin.
   *
   * @param delegate the runtime data source
   * @param pluginKey the plugin
   * @param slug its namespace slug, if any
   */
  public PluginDataSource(DataSource delegate, String pluginKey, Optional<String> slug) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.schema = NamespaceNames.schema(pluginKey, slug);
    this.role = NamespaceNames.role(schema);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrap(delegate.getConnection(username, password));
  }

  private Connection wrap(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET ROLE " + SqlIdentifiers.quote(role));
      s.execute("SET search_path = " + SqlIdentifiers.quote(schema));
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          if (method.getName().equals("close") && (args == null || args.length == 0)) {
            try (Statement s = c.createStatement()) {
              if (!c.getAutoCommit()) {
                c.rollback();
              }
              s.execute("RESET ROLE");
              s.execute("RESET search_path");
            } catch (SQLException ignored) {
              // the pool validates the connection anyway
            }
            c.close();
            return null;
          }
          try {
            return method.invoke(c, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("a plugin data source does not expose its delegate");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
