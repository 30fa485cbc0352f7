package ing.paperclip.db.core.testing;

/** Starts the project's embedded PostgreSQL once per JVM for tests. */
final class EmbeddedTestServer {
  private EmbeddedTestServer() {}

  static TestServer start() {
    // Wired to ing.paperclip.db.core.embedded once the embedded manager lands (issue 2).
    throw new IllegalStateException("the embedded test server is not available yet: set "
        + PostgresExtension.ENV_URL + "=postgres://postgres@127.0.0.1:5432/postgres");
  }
}
