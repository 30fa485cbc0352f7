package ing.paperclip.db.plugins;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.ConnectionSpec;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * A plugin's runtime data source: a small HikariCP pool of its own whose connections log in as the
 * plugin's login role ({@link NamespaceNames#role}) with {@code search_path} set to the plugin
 * schema and the runtime {@code statement_timeout} and {@code lock_timeout} of
 * {@link PluginSettings}. The database enforces the boundary: whatever SQL the plugin sends, even
 * {@code RESET ROLE} or {@code SET SESSION AUTHORIZATION}, runs as that role. Core pools are never
 * involved.
 *
 * <p>Closing a connection rolls back what is open and runs {@code DISCARD ALL} (settings, temporary
 * tables, prepared statements, listeners, advisory locks are gone) before the pool takes it back;
 * a connection that cannot be reset is evicted. Connections, statements, result sets and metadata
 * do not unwrap to driver objects. Thread-safe; close it when the plugin stops.
 */
public final class PluginDataSource implements DataSource, AutoCloseable {
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(PluginDataSource.class);
  private static final Set<Class<?>> GUARDED = Set.of(Statement.class, PreparedStatement.class,
      CallableStatement.class, ResultSet.class, DatabaseMetaData.class);

  private final HikariDataSource pool;
  private final String schema;
  private final String role;

  private PluginDataSource(HikariDataSource pool, String schema, String role) {
    this.pool = pool;
    this.schema = schema;
    this.role = role;
  }

  /**
   * Opens a plugin's pool. The role must exist ({@link PluginNamespaces#migrate} creates it).
   *
   * @param server where the database is (user and password in it are not used)
   * @param pluginKey the plugin
   * @param slug its namespace slug, if any
   * @param credentials gives the role's password
   * @param settings pool size and runtime timeouts
   * @throws ing.paperclip.db.core.PaperclipException when the role cannot log in
   */
  public static PluginDataSource open(ConnectionSpec server, String pluginKey, Optional<String> slug,
      PluginCredentials credentials, PluginSettings settings) {
    String schema = NamespaceNames.schema(pluginKey, slug);
    String role = NamespaceNames.role(schema, server.database());
    ConnectionSpec spec = roleSpec(server, schema, role, credentials.password(role),
        settings.runtimeStatementTimeout(), settings.runtimeLockTimeout());
    HikariConfig c = new HikariConfig();
    c.setPoolName("paperclip-plugin-" + schema);
    c.setJdbcUrl(spec.jdbcUrl());
    spec.driverProperties().forEach((k, v) -> c.addDataSourceProperty((String) k, v));
    c.setMaximumPoolSize(settings.runtimePoolSize());
    c.setMinimumIdle(0);
    c.setConnectionTimeout(10_000);
    c.setInitializationFailTimeout(10_000);
    try {
      return new PluginDataSource(new HikariDataSource(c), schema, role);
    } catch (RuntimeException e) {
      throw ConnectionPools.connectionFailed(spec, e.getCause() != null ? e.getCause() : e);
    }
  }

  /**
   * How a plugin role connects: the server's address, the role and its password, and the session
   * defaults every reset returns to ({@code DISCARD ALL} and {@code RESET} go back to these).
   */
  static ConnectionSpec roleSpec(ConnectionSpec server, String schema, String role, String password,
      Duration statementTimeout, Duration lockTimeout) {
    ConnectionSpec s = new ConnectionSpec(server.host(), server.port(), server.database(), role, password,
        server.parameters());
    // The schema name is [a-z0-9_] only (NamespaceNames), so it needs no escaping in options.
    return s.withParameter("options", "-c search_path=" + schema + " -c statement_timeout=" + statementTimeout.toMillis()
            + " -c lock_timeout=" + lockTimeout.toMillis() + " -c idle_in_transaction_session_timeout="
            + Math.max(statementTimeout.toMillis(), 60_000) + " -c standard_conforming_strings=on")
        .withParameter("ApplicationName", "paperclip-plugin");
  }

  /** Returns the plugin schema. */
  public String schema() {
    return schema;
  }

  /** Returns the login role the connections use. */
  public String role() {
    return role;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = pool.getConnection();
    return (Connection) Proxy.newProxyInstance(PluginDataSource.class.getClassLoader(),
        new Class<?>[] {Connection.class}, new ConnectionGuard(c));
  }

  /** Not supported: the plugin's role is the only identity. */
  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("a plugin data source connects as its plugin role only");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // no driver log writer for plugin pools
  }

  @Override
  public void setLoginTimeout(int seconds) {
    // fixed by the pool
  }

  @Override
  public int getLoginTimeout() {
    return 10;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no java.util.logging parent");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("a plugin data source does not expose its pool");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }

  /** Closes the pool and its connections. */
  @Override
  public void close() {
    pool.close();
  }

  /** The connection handed to plugin code: resets on close, hides the driver. */
  private final class ConnectionGuard implements InvocationHandler {
    private final Connection target;
    private boolean closed;

    ConnectionGuard(Connection target) {
      this.target = target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close" -> {
          if (!closed) {
            closed = true;
            release();
          }
          return null;
        }
        case "isClosed" -> {
          return closed || target.isClosed();
        }
        case "unwrap" -> {
          return unwrap(proxy, (Class<?>) args[0]);
        }
        case "isWrapperFor" -> {
          return ((Class<?>) args[0]).isInstance(proxy);
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "PluginConnection[" + role + "]";
        }
        default -> { }
      }
      if (closed) {
        throw new SQLException("connection is closed", "08003");
      }
      return guard(proxy, call(target, method, args), method.getReturnType());
    }

    private void release() {
      try {
        if (!target.getAutoCommit()) {
          target.rollback();
          target.setAutoCommit(true);
        }
        try (Statement s = target.createStatement()) {
          // A transaction opened with a BEGIN statement is invisible to getAutoCommit().
          s.execute("ROLLBACK");
          s.execute("DISCARD ALL");
        }
        target.close();
      } catch (SQLException e) {
        LOG.warn("evicting a connection of {} that could not be reset: {}", role, e.getMessage());
        pool.evictConnection(target);
      }
    }
  }

  /** Wraps driver objects so that getConnection() gives the guarded connection and nothing unwraps. */
  private static Object guard(Object connectionProxy, Object value, Class<?> type) {
    if (value == null || !GUARDED.contains(type)) {
      return value;
    }
    return Proxy.newProxyInstance(PluginDataSource.class.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> switch (method.getName()) {
          case "getConnection" -> connectionProxy;
          case "unwrap" -> unwrap(proxy, (Class<?>) args[0]);
          case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(proxy);
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> guard(connectionProxy, call(value, method, args), method.getReturnType());
        });
  }

  private static Object unwrap(Object proxy, Class<?> iface) throws SQLException {
    if (iface.isInstance(proxy)) {
      return proxy;
    }
    throw new SQLException("plugin connections do not unwrap to " + iface.getName());
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
