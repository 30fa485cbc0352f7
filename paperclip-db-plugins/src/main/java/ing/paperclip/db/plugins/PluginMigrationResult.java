package ing.paperclip.db.plugins;

import java.util.List;

/**
 * What one plugin migration run did.
 *
 * @param pluginKey the plugin
 * @param schema its schema
 * @param role the role owning the schema
 * @param applied migration files applied now, in order
 * @param alreadyApplied files found applied before (checksums verified)
 */
public record PluginMigrationResult(String pluginKey, String schema, String role, List<String> applied,
    List<String> alreadyApplied) {
  /** Copies. */
  public PluginMigrationResult {
    applied = List.copyOf(applied);
    alreadyApplied = List.copyOf(alreadyApplied);
  }
}
