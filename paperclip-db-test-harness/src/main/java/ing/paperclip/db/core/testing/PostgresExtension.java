package ing.paperclip.db.core.testing;

import ing.paperclip.db.core.settings.ConnectionSpec;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one JUnit 5 extension that gives every {@code *IT} a real PostgreSQL: the server named by
 * {@code PAPERCLIP_TEST_DATABASE_URL} (a {@code postgres://} or {@code jdbc:postgresql://} URL of
 * a role that may create databases) when set, otherwise the project's embedded server, started
 * once per JVM. Each test class gets a fresh database, dropped afterwards (in the background:
 * {@link TestDatabase#dropInBackground}). Use it through
 * {@link WithPostgres}.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  /** Environment variable naming an external test server. */
  public static final String ENV_URL = "PAPERCLIP_TEST_DATABASE_URL";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresExtension.class);
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(PostgresExtension.class);

  private static TestServer server;

  /** Created by JUnit for {@link WithPostgres}. */
  public PostgresExtension() {}

  /** Returns the JVM-wide test server, starting the embedded one on first use if needed. */
  public static TestServer server() {
    return server(() -> null);
  }

  /**
   * Returns the JVM-wide test server. On first use: the server named by {@link #ENV_URL} when set;
   * else what {@code alternative} returns (e.g. a container; {@code null} declines); else the
   * embedded server. The choice is logged once.
   *
   * @param alternative asked only on first use, only when {@link #ENV_URL} is unset
   */
  public static synchronized TestServer server(Supplier<TestServer> alternative) {
    if (server == null) {
      String url = System.getenv(ENV_URL);
      if (url != null && !url.isBlank()) {
        server = new TestServer(ConnectionSpec.parse(url), "external");
      } else {
        TestServer other = alternative.get();
        server = other != null ? other : EmbeddedTestServer.start();
      }
      LOG.info("integration tests use the {} PostgreSQL server at {} (version {})",
          server.kind(), server.admin().redacted(), server.majorVersion());
    }
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    TestDatabase db = server().createDatabase(context.getRequiredTestClass().getSimpleName());
    context.getStore(NS).put(TestDatabase.class, db);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestDatabase db = context.getStore(NS).remove(TestDatabase.class, TestDatabase.class);
    if (db != null) {
      // The next class need not wait for this drop's checkpoint.
      db.dropInBackground();
    }
    LOG.info("after {}: {}", context.getRequiredTestClass().getSimpleName(), DatabaseChurn.summary());
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    Class<?> type = pc.getParameter().getType();
    return type == TestDatabase.class || type == TestServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    if (pc.getParameter().getType() == TestServer.class) {
      return server();
    }
    ExtensionContext c = ec;
    while (c != null) {
      TestDatabase db = c.getStore(NS).get(TestDatabase.class, TestDatabase.class);
      if (db != null) {
        return db;
      }
      c = c.getParent().orElse(null);
    }
    throw new IllegalStateException("no test database: annotate the class with @WithPostgres");
  }
}
