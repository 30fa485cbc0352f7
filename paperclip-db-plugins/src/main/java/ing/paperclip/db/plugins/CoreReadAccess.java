package ing.paperclip.db.plugins;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The core tables in {@code public} a plugin role may read, and the columns it may not: those that
 * can hold credentials (agent adapter and runtime configuration, project env, per-issue adapter
 * overrides). Granted column by column, so {@code SELECT *} on those tables is refused; plugins name
 * their columns. Foreign keys into core tables are not granted (no {@code REFERENCES}): a plugin
 * row must never block deleting a company.
 */
public final class CoreReadAccess {
  private CoreReadAccess() {}

  /** Readable table to the columns withheld from plugins. */
  public static final Map<String, Set<String>> HIDDEN_COLUMNS = Map.of(
      "companies", Set.of(),
      "agents", Set.of("adapter_config", "runtime_config"),
      "projects", Set.of("env"),
      "issues", Set.of("assignee_adapter_overrides"));

  /** The readable tables, sorted. */
  public static final Set<String> TABLES = java.util.Collections.unmodifiableSet(new TreeSet<>(HIDDEN_COLUMNS.keySet()));
}
