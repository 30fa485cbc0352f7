package ing.paperclip.db.backup.dump;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a connection so that every statement execution through it is counted. */
final class StatementCounter {
  private final AtomicInteger count = new AtomicInteger();
  private final Connection connection;

  StatementCounter(Connection target) {
    this.connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, m, args) -> {
          Object r = invoke(target, m, args);
          if (r instanceof CallableStatement cs) {
            return wrap(cs, CallableStatement.class);
          }
          if (r instanceof PreparedStatement ps) {
            return wrap(ps, PreparedStatement.class);
          }
          if (r instanceof Statement st) {
            return wrap(st, Statement.class);
          }
          return r;
        });
  }

  /** Returns the counting connection. */
  Connection connection() {
    return connection;
  }

  /** Returns how many execute calls ran so far. */
  int count() {
    return count.get();
  }

  private Object wrap(Statement st, Class<?> type) {
    InvocationHandler h = (proxy, m, args) -> {
      if (m.getName().startsWith("execute")) {
        count.incrementAndGet();
      }
      return invoke(st, m, args);
    };
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
