package ing.paperclip.db.core.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
  @TempDir
  Path dir;

  @Test
  void missingFileIsEmptyAndWriteCreatesIt0600() throws IOException {
    Path p = dir.resolve("inst/config.json");
    ConfigFile c = ConfigFile.read(p);
    assertFalse(c.exists());
    c.with("database.mode", TextNode.valueOf("embedded-postgres")).write();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    assertEquals("embedded-postgres", ConfigFile.read(p).getText("database.mode").orElseThrow());
  }

  @Test
  void unknownKeysSurviveARewrite() throws IOException {
    Path p = dir.resolve("config.json");
    Files.writeString(p, "{\"$meta\":{\"version\":1},\"server\":{\"port\":3100},\"database\":{\"mode\":\"embedded-postgres\",\"x-custom\":[1,2]}}");
    ConfigFile.read(p).with("database.connectionString", TextNode.valueOf("postgres://u@h/db")).write();
    ConfigFile again = ConfigFile.read(p);
    assertEquals("3100", again.getText("server.port").orElseThrow());
    assertEquals("1", again.getText("$meta.version").orElseThrow());
    assertEquals(2, again.get("database.x-custom").orElseThrow().size());
    assertEquals("postgres://u@h/db", again.getText("database.connectionString").orElseThrow());
  }

  @Test
  void malformedFileIsReportedWithLineAndNeverOverwritten() throws IOException {
    Path p = dir.resolve("config.json");
    String broken = "{\n  \"database\": {\n    \"mode\": \"postgres\",,\n  }\n}\n";
    Files.writeString(p, broken);
    PaperclipException e = assertThrows(PaperclipException.class, () -> ConfigFile.read(p));
    assertEquals(ErrorCode.CONFIGURATION, e.code());
    assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("line 3"), e.getMessage());
    assertEquals(broken, Files.readString(p));
  }

  @Test
  void nonObjectTopLevelIsRefused() throws IOException {
    Path p = dir.resolve("config.json");
    Files.writeString(p, "[1,2]");
    assertThrows(PaperclipException.class, () -> ConfigFile.read(p));
  }
}
