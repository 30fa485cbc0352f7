package ing.paperclip.db.backup.settings;

import com.fasterxml.jackson.databind.JsonNode;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.ConfigFile;
import ing.paperclip.db.core.settings.InstanceLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Automatic backup settings of an instance, each with where it came from: the environment
 * ({@code PAPERCLIP_DB_BACKUP_ENABLED}, {@code _INTERVAL_MINUTES}, {@code _RETENTION_DAYS},
 * {@code _DIR}) wins over {@code config.json} ({@code database.backup.enabled},
 * {@code intervalMinutes}, {@code retentionDays}, {@code dir}), which wins over the defaults
 * (enabled, 60 minutes, 7 days, {@code <instance>/data/backups}).
 *
 * @param enabled whether scheduled backups run
 * @param intervalMinutes minutes between scheduled backups, 1..10080
 * @param retentionDays the daily retention window, 1..3650
 * @param dir the backup directory
 * @param sources for each setting name, where its value came from
 */
public record BackupSettings(boolean enabled, int intervalMinutes, int retentionDays, Path dir,
    Map<String, String> sources) {

  /** Validates and copies. */
  public BackupSettings {
    Objects.requireNonNull(dir, "dir");
    if (intervalMinutes < 1 || intervalMinutes > 10080) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "backup interval " + intervalMinutes
          + " minutes is out of range: use 1..10080 (one week)");
    }
    if (retentionDays < 1 || retentionDays > 3650) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "backup retention " + retentionDays
          + " days is out of range: use 1..3650");
    }
    sources = Map.copyOf(sources);
  }

  /** Resolves the settings of an instance from the environment and its config.json. */
  public static BackupSettings resolve(InstanceLayout layout, Map<String, String> env) {
    ConfigFile config = ConfigFile.read(layout.configFile());
    Map<String, String> sources = new LinkedHashMap<>();
    boolean enabled = pick(env, config, "ENABLED", "enabled", sources)
        .map(v -> bool(v, "backup enabled")).orElse(true);
    int interval = pick(env, config, "INTERVAL_MINUTES", "intervalMinutes", sources)
        .map(v -> integer(v, "backup interval minutes")).orElse(60);
    int days = pick(env, config, "RETENTION_DAYS", "retentionDays", sources)
        .map(v -> integer(v, "backup retention days")).orElse(7);
    Path dir = pick(env, config, "DIR", "dir", sources).map(Path::of).orElse(layout.backupDir());
    return new BackupSettings(enabled, interval, days, dir, sources);
  }

  private static Optional<String> pick(Map<String, String> env, ConfigFile config, String envSuffix,
      String key, Map<String, String> sources) {
    String var = "PAPERCLIP_DB_BACKUP_" + envSuffix;
    String v = env.get(var);
    if (v != null && !v.isBlank()) {
      sources.put(key, "environment " + var);
      return Optional.of(v.strip());
    }
    Optional<String> c = config.get("database.backup." + key).filter(JsonNode::isValueNode).map(JsonNode::asText);
    sources.put(key, c.isPresent() ? "database.backup." + key + " in " + config.path() : "default");
    return c;
  }

  private static int integer(String v, String what) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, what + " '" + v + "' is not a whole number");
    }
  }

  private static boolean bool(String v, String what) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new PaperclipException(ErrorCode.CONFIGURATION, what + " '" + v
          + "' is not a boolean: use true or false");
    };
  }
}
