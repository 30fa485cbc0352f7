package ing.paperclip.db.backup.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of paperclip-db, from a resource filtered at build time. Stateless. */
public final class ToolVersion {
  private ToolVersion() {}

  /** Returns the tool version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown}. */
  public static String get() {
    try (InputStream in = ToolVersion.class.getResourceAsStream("tool.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
