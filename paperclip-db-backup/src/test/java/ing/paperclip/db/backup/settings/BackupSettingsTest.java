package ing.paperclip.db.backup.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.InstanceLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupSettingsTest {
  @TempDir
  Path home;

  @Test
  void defaultsThenConfigThenEnvironment() throws Exception {
    InstanceLayout l = new InstanceLayout(home, "default");
    BackupSettings d = BackupSettings.resolve(l, Map.of());
    assertTrue(d.enabled());
    assertEquals(60, d.intervalMinutes());
    assertEquals(7, d.retentionDays());
    assertEquals(l.backupDir(), d.dir());
    assertEquals("default", d.sources().get("dir"));

    Files.createDirectories(l.instanceDir());
    Files.writeString(l.configFile(), "{\"database\":{\"backup\":{\"enabled\":false,\"intervalMinutes\":30,\"dir\":\"/b\"}}}");
    BackupSettings c = BackupSettings.resolve(l, Map.of("PAPERCLIP_DB_BACKUP_INTERVAL_MINUTES", "15"));
    assertFalse(c.enabled());
    assertEquals(15, c.intervalMinutes());
    assertEquals(Path.of("/b"), c.dir());
    assertEquals("environment PAPERCLIP_DB_BACKUP_INTERVAL_MINUTES", c.sources().get("intervalMinutes"));
    assertTrue(c.sources().get("enabled").startsWith("database.backup.enabled in "));
  }

  @Test
  void badValuesNameTheSetting() {
    InstanceLayout l = new InstanceLayout(home, "default");
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> BackupSettings.resolve(l, Map.of("PAPERCLIP_DB_BACKUP_RETENTION_DAYS", "0")));
    assertTrue(e.getMessage().contains("retention 0 days") && e.getMessage().contains("1..3650"), e.getMessage());
    e = assertThrows(PaperclipException.class,
        () -> BackupSettings.resolve(l, Map.of("PAPERCLIP_DB_BACKUP_ENABLED", "maybe")));
    assertTrue(e.getMessage().contains("'maybe'"));
  }
}
