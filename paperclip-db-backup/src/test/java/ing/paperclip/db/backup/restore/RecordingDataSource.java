package ing.paperclip.db.backup.restore;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * A data source that records what its connections receive: every simple statement
 * ({@code Statement.execute} and friends), every {@code COPY ... FROM STDIN} started through the
 * driver's {@link CopyManager} (with when it ended), and every prepared statement, each with the
 * connection it went to and a global sequence number at its start and at its end.
 */
final class RecordingDataSource implements DataSource {
  /** How a statement was sent. */
  enum Kind { SIMPLE, COPY, PREPARED }

  /** One statement the server received. */
  static final class Sent {
    final int connection;
    final Kind kind;
    final String sql;
    final long start;
    volatile long end = Long.MAX_VALUE;

    Sent(int connection, Kind kind, String sql, long start) {
      this.connection = connection;
      this.kind = kind;
      this.sql = sql;
      this.start = start;
    }

    @Override
    public String toString() {
      return "#" + connection + " " + kind + " [" + start + "-" + end + "] " + sql;
    }
  }

  private final DataSource real;
  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Sent> sent = new ArrayList<>();

  RecordingDataSource(DataSource real) {
    this.real = real;
  }

  /** What was sent so far, in start order. */
  synchronized List<Sent> sent() {
    return List.copyOf(sent);
  }

  private synchronized Sent record(int connection, Kind kind, String sql) {
    Sent s = new Sent(connection, kind, sql, clock.incrementAndGet());
    sent.add(s);
    return s;
  }

  private void ended(Sent s) {
    s.end = clock.incrementAndGet();
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(real.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrap(real.getConnection(username, password));
  }

  private Connection wrap(Connection c) {
    int id = connections.incrementAndGet();
    InvocationHandler h = (proxy, m, args) -> {
      switch (m.getName()) {
        case "createStatement" -> {
          Statement st = (Statement) call(c, m, args);
          return statement(id, st);
        }
        case "prepareStatement" -> {
          record(id, Kind.PREPARED, (String) args[0]);
          return call(c, m, args);
        }
        case "unwrap" -> {
          if (((Class<?>) args[0]).isAssignableFrom(PGConnection.class)) {
            return pgConnection(id, c.unwrap(PGConnection.class), c.unwrap(BaseConnection.class));
          }
          return call(c, m, args);
        }
        default -> {
          return call(c, m, args);
        }
      }
    };
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  private Statement statement(int id, Statement st) {
    InvocationHandler h = (proxy, m, args) -> {
      if (m.getName().startsWith("execute") && args != null && args.length >= 1 && args[0] instanceof String sql) {
        Sent s = record(id, Kind.SIMPLE, sql);
        try {
          return call(st, m, args);
        } finally {
          ended(s);
        }
      }
      if (m.getName().equals("addBatch")) {
        throw new UnsupportedOperationException("batches are not recorded");
      }
      return call(st, m, args);
    };
    return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class}, h);
  }

  private PGConnection pgConnection(int id, PGConnection pg, BaseConnection base) throws SQLException {
    CopyManager copies = new CopyManager(base) {
      @Override
      public CopyIn copyIn(String sql) throws SQLException {
        Sent s = record(id, Kind.COPY, sql);
        CopyIn in = super.copyIn(sql);
        InvocationHandler h = (proxy, m, args) -> {
          Object r = call(in, m, args);
          if (m.getName().equals("endCopy") || m.getName().equals("cancelCopy")) {
            ended(s);
          }
          return r;
        };
        return (CopyIn) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CopyIn.class}, h);
      }
    };
    InvocationHandler h = (proxy, m, args) -> m.getName().equals("getCopyAPI") ? copies : call(pg, m, args);
    return (PGConnection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PGConnection.class}, h);
  }

  private static Object call(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return real.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    real.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    real.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return real.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return real.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return real.isWrapperFor(iface);
  }
}
