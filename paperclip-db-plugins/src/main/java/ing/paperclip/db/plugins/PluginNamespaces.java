package ing.paperclip.db.plugins;

import ing.paperclip.db.core.sql.SqlIdentifiers;
import ing.paperclip.db.plugins.sql.PluginSqlValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin namespace registry and migration runner (SPEC §5), on the MIGRATION connection.
 *
 * <ul>
 *   <li>Each plugin gets a schema ({@link NamespaceNames}) owned by its own NOLOGIN role, which
 *       may use {@code public} and SELECT the {@link PluginSqlValidator#READABLE_CORE_TABLES}
 *       only.
 *   <li>Migrations are the {@code *.sql} files of a directory, applied in name order, each in
 *       one transaction with its ledger row ({@code plugin_migrations}), run under
 *       {@code SET LOCAL ROLE <plugin role>} with {@code search_path} set to the plugin schema,
 *       so PostgreSQL itself refuses what the validator might miss.
 *   <li>One advisory lock per plugin serializes concurrent runs; an applied file's SHA-256 must
 *       never change.
 *   <li>A failing file rolls back. On a first install nothing remains (no schema, role or rows);
 *       on an existing namespace the file is recorded {@code failed} with its error and the
 *       namespace marked {@code migration_failed}.
 * </ul>
 *
 * <p>Thread-safe; state lives in the database.
 */
public final class PluginNamespaces {
  private static final Logger LOG = LoggerFactory.getLogger(PluginNamespaces.class);

  private final DataSource migration;

  /** Creates the registry over the migration data source. */
  public PluginNamespaces(DataSource migration) {
    this.migration = Objects.requireNonNull(migration, "migration");
  }

  /**
   * Applies a plugin's migrations.
   *
   * @param pluginKey the plugin's key
   * @param slug its namespace slug, if it declares one
   * @param pluginVersion its version, recorded in the ledger
   * @param dir the directory of {@code *.sql} files
   * @throws PluginException for a refused or failing file, a changed checksum, or a lock timeout
   */
  public PluginMigrationResult migrate(String pluginKey, Optional<String> slug, String pluginVersion, Path dir) {
    String schema = NamespaceNames.schema(pluginKey, slug);
    String role = NamespaceNames.role(schema);
    Map<String, String> files = readFiles(dir);
    PluginSqlValidator validator = new PluginSqlValidator(schema);
    files.forEach((name, sql) -> validator.validate(sql, name));
    List<String> applied = new ArrayList<>();
    List<String> already = new ArrayList<>();
    try (Connection c = migration.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_lock(hashtextextended(?, 0))")) {
        lock.setString(1, "paperclip-plugin:" + pluginKey);
        lock.execute();
      }
      try {
        c.setAutoCommit(false);
        Map<String, String> ledger = ledger(c, pluginKey);
        for (Map.Entry<String, String> f : files.entrySet()) {
          String checksum = NamespaceNames.sha256Hex(f.getValue());
          String recorded = ledger.get(f.getKey());
          if (recorded != null && recorded.startsWith("applied:")) {
            if (!recorded.substring(8).equals(checksum)) {
              throw new PluginException("plugin " + pluginKey + " migration " + f.getKey() + " changed after it was "
                  + "applied (sha256 " + recorded.substring(8, 20) + "... now " + checksum.substring(0, 12)
                  + "...); restore the original file and put changes in a new migration");
            }
            already.add(f.getKey());
            continue;
          }
          boolean firstInstall = !namespaceExists(c, pluginKey);
          try {
            UUID pluginId = upsertPlugin(c, pluginKey, pluginVersion);
            if (firstInstall) {
              createNamespace(c, pluginId, pluginKey, schema, role);
            } else {
              ensureRole(c, schema, role);
            }
            try (Statement s = c.createStatement()) {
              s.execute("SET LOCAL search_path = " + SqlIdentifiers.quote(schema));
              s.execute("SET LOCAL ROLE " + SqlIdentifiers.quote(role));
              s.execute(f.getValue());
              s.execute("RESET ROLE");
              s.execute("SET LOCAL search_path = public");
            }
            writeLedger(c, pluginId, pluginKey, schema, f.getKey(), checksum, pluginVersion, "applied", null);
            c.commit();
            applied.add(f.getKey());
            LOG.info("applied plugin {} migration {}", pluginKey, f.getKey());
          } catch (SQLException e) {
            c.rollback();
            String error = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
            if (!firstInstall) {
              UUID pluginId = upsertPlugin(c, pluginKey, pluginVersion);
              writeLedger(c, pluginId, pluginKey, schema, f.getKey(), checksum, pluginVersion, "failed", error);
              try (PreparedStatement ps = c.prepareStatement("UPDATE public.plugin_database_namespaces "
                  + "SET status = 'migration_failed', updated_at = now() WHERE plugin_key = ?")) {
                ps.setString(1, pluginKey);
                ps.executeUpdate();
              }
              c.commit();
            }
            throw new PluginException("plugin " + pluginKey + " migration " + f.getKey() + " failed: " + error
                + (firstInstall ? "; nothing was installed" : "; recorded as failed, namespace marked migration_failed"), e);
          }
        }
        if (!applied.isEmpty()) {
          try (PreparedStatement ps = c.prepareStatement("UPDATE public.plugin_database_namespaces "
              + "SET status = 'active', updated_at = now() WHERE plugin_key = ?")) {
            ps.setString(1, pluginKey);
            ps.executeUpdate();
          }
          c.commit();
        }
      } finally {
        c.setAutoCommit(true);
        try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
          unlock.setString(1, "paperclip-plugin:" + pluginKey);
          unlock.execute();
        }
      }
    } catch (SQLException e) {
      throw new PluginException("plugin " + pluginKey + " migration failed: " + e.getMessage(), e);
    }
    return new PluginMigrationResult(pluginKey, schema, role, applied, already);
  }

  /**
   * A plugin namespace as listed.
   *
   * @param pluginKey the plugin
   * @param schema its schema
   * @param status {@code active} or {@code migration_failed}
   * @param applied applied migration keys in order
   * @param failed failed migration keys
   */
  public record Namespace(String pluginKey, String schema, String status, List<String> applied, List<String> failed) {}

  /** Lists every plugin namespace with its migrations. */
  public List<Namespace> list() {
    List<Namespace> out = new ArrayList<>();
    try (Connection c = migration.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT n.plugin_key, n.namespace_name, n.status, "
            + "coalesce(array_agg(m.migration_key ORDER BY m.migration_key) FILTER (WHERE m.status = 'applied'), '{}'), "
            + "coalesce(array_agg(m.migration_key ORDER BY m.migration_key) FILTER (WHERE m.status = 'failed'), '{}') "
            + "FROM public.plugin_database_namespaces n LEFT JOIN public.plugin_migrations m ON m.plugin_id = n.plugin_id "
            + "GROUP BY 1, 2, 3 ORDER BY 1")) {
      while (rs.next()) {
        out.add(new Namespace(rs.getString(1), rs.getString(2), rs.getString(3),
            List.of((String[]) rs.getArray(4).getArray()), List.of((String[]) rs.getArray(5).getArray())));
      }
    } catch (SQLException e) {
      throw new PluginException("cannot list plugin namespaces: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Purges a plugin's data: drops its schema and role and deletes its namespace and ledger rows
   * (the plugins row stays). Irreversible.
   *
   * @return whether there was anything to purge
   */
  public boolean purge(String pluginKey) {
    try (Connection c = migration.getConnection()) {
      c.setAutoCommit(false);
      String schema;
      try (PreparedStatement ps = c.prepareStatement("SELECT namespace_name FROM public.plugin_database_namespaces WHERE plugin_key = ?")) {
        ps.setString(1, pluginKey);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return false;
          }
          schema = rs.getString(1);
        }
      }
      String role = NamespaceNames.role(schema);
      try (Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + SqlIdentifiers.quote(schema) + " CASCADE");
        Savepoint sp = c.setSavepoint();
        try {
          s.execute("DROP OWNED BY " + SqlIdentifiers.quote(role));
          s.execute("DROP ROLE IF EXISTS " + SqlIdentifiers.quote(role));
        } catch (SQLException e) {
          c.rollback(sp); // the role still owns objects in another database: keep it
          LOG.warn("kept role {}: {}", role, e.getMessage());
        }
      }
      for (String table : new String[] {"plugin_migrations", "plugin_database_namespaces"}) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM public." + table + " WHERE plugin_key = ?")) {
          ps.setString(1, pluginKey);
          ps.executeUpdate();
        }
      }
      c.commit();
      return true;
    } catch (SQLException e) {
      throw new PluginException("cannot purge plugin " + pluginKey + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> readFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new PluginException("plugin migrations directory " + dir + " does not exist");
    }
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList()) {
        files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new PluginException("cannot read plugin migrations in " + dir + ": " + e.getMessage(), e);
    }
    return files;
  }

  private static Map<String, String> ledger(Connection c, String pluginKey) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT migration_key, status, checksum FROM public.plugin_migrations WHERE plugin_key = ?")) {
      ps.setString(1, pluginKey);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2) + ":" + rs.getString(3));
        }
      }
    }
    c.commit();
    return out;
  }

  private static boolean namespaceExists(Connection c, String pluginKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM public.plugin_database_namespaces WHERE plugin_key = ?")) {
      ps.setString(1, pluginKey);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static UUID upsertPlugin(Connection c, String pluginKey, String version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO public.plugins (plugin_key, package_name, version, manifest_json) "
        + "VALUES (?, ?, ?, '{}'::jsonb) ON CONFLICT (plugin_key) DO UPDATE SET version = EXCLUDED.version, updated_at = now() RETURNING id")) {
      ps.setString(1, pluginKey);
      ps.setString(2, pluginKey);
      ps.setString(3, version);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getObject(1, UUID.class);
      }
    }
  }

  private static void createNamespace(Connection c, UUID pluginId, String pluginKey, String schema, String role) throws SQLException {
    try (Statement s = c.createStatement()) {
      boolean roleExists;
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
        ps.setString(1, role);
        try (ResultSet rs = ps.executeQuery()) {
          roleExists = rs.next();
        }
      }
      if (!roleExists) {
        s.execute("CREATE ROLE " + SqlIdentifiers.quote(role) + " NOLOGIN NOINHERIT");
      }
      s.execute("CREATE SCHEMA " + SqlIdentifiers.quote(schema) + " AUTHORIZATION " + SqlIdentifiers.quote(role));
      s.execute("GRANT USAGE ON SCHEMA public TO " + SqlIdentifiers.quote(role));
      for (String t : new java.util.TreeSet<>(PluginSqlValidator.READABLE_CORE_TABLES)) {
        s.execute("GRANT SELECT, REFERENCES ON public." + SqlIdentifiers.quote(t) + " TO " + SqlIdentifiers.quote(role));
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO public.plugin_database_namespaces "
        + "(plugin_id, plugin_key, namespace_name) VALUES (?, ?, ?)")) {
      ps.setObject(1, pluginId);
      ps.setString(2, pluginKey);
      ps.setString(3, schema);
      ps.executeUpdate();
    }
  }

  /**
   * After a restore into another server the plugin's role may be missing and its objects owned by
   * whoever restored them: recreate the role and give it the schema and its relations back.
   */
  private static void ensureRole(Connection c, String schema, String role) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles r JOIN pg_namespace n ON n.nspowner = r.oid "
        + "WHERE n.nspname = ? AND r.rolname = ?")) {
      ps.setString(1, schema);
      ps.setString(2, role);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    List<String> relations = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          relations.add(rs.getString(1));
        }
      }
    }
    try (Statement s = c.createStatement();
        PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      exists.setString(1, role);
      boolean roleExists;
      try (ResultSet rs = exists.executeQuery()) {
        roleExists = rs.next();
      }
      if (!roleExists) {
        s.execute("CREATE ROLE " + SqlIdentifiers.quote(role) + " NOLOGIN NOINHERIT");
      }
      s.execute("ALTER SCHEMA " + SqlIdentifiers.quote(schema) + " OWNER TO " + SqlIdentifiers.quote(role));
      for (String r : relations) {
        s.execute("ALTER TABLE " + SqlIdentifiers.qualified(schema, r) + " OWNER TO " + SqlIdentifiers.quote(role));
      }
      s.execute("GRANT USAGE ON SCHEMA public TO " + SqlIdentifiers.quote(role));
      for (String t : new java.util.TreeSet<>(PluginSqlValidator.READABLE_CORE_TABLES)) {
        s.execute("GRANT SELECT, REFERENCES ON public." + SqlIdentifiers.quote(t) + " TO " + SqlIdentifiers.quote(role));
      }
    }
    LOG.info("gave plugin schema {} back to its role {}", schema, role);
  }

  private static void writeLedger(Connection c, UUID pluginId, String pluginKey, String schema, String key,
      String checksum, String version, String status, String error) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO public.plugin_migrations (plugin_id, plugin_key, "
        + "namespace_name, migration_key, checksum, plugin_version, status, applied_at, error_message) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, CASE WHEN ? = 'applied' THEN now() END, ?) "
        + "ON CONFLICT (plugin_id, migration_key) DO UPDATE SET checksum = EXCLUDED.checksum, "
        + "plugin_version = EXCLUDED.plugin_version, status = EXCLUDED.status, started_at = now(), "
        + "applied_at = EXCLUDED.applied_at, error_message = EXCLUDED.error_message")) {
      ps.setObject(1, pluginId);
      ps.setString(2, pluginKey);
      ps.setString(3, schema);
      ps.setString(4, key);
      ps.setString(5, checksum);
      ps.setString(6, version);
      ps.setString(7, status);
      ps.setString(8, status);
      ps.setString(9, error);
      ps.executeUpdate();
    }
  }
}
