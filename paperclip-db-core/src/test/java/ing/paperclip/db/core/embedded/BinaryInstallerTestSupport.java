package ing.paperclip.db.core.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

final class BinaryInstallerTestSupport {
  private BinaryInstallerTestSupport() {}

  static String artifactVersion() {
    Properties p = new Properties();
    try (InputStream in = BinaryInstallerTestSupport.class.getResourceAsStream(
        "/ing/paperclip/db/core/embedded/postgres-binaries.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }
}
