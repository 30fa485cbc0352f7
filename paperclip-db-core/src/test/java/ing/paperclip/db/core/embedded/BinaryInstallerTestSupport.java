package ing.paperclip.db.core.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

final class BinaryInstallerTestSupport {
  /** The descriptor paperclip-db-embedded ships (a test dependency of core). */
  static final String DESCRIPTOR = "META-INF/paperclip-db/postgres-binaries.properties";

  private BinaryInstallerTestSupport() {}

  static String artifactVersion() {
    Properties p = new Properties();
    try (InputStream in = BinaryInstallerTestSupport.class.getClassLoader().getResourceAsStream(DESCRIPTOR)) {
      if (in == null) {
        throw new IllegalStateException(DESCRIPTOR + " is not on the test classpath (paperclip-db-embedded)");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }
}
