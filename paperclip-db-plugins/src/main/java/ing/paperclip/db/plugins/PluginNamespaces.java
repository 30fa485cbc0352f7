package ing.paperclip.db.plugins;

import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.sql.SqlSplitter;
import ing.paperclip.db.core.sql.SqlStatement;
import ing.paperclip.db.core.sql.SqlSyntaxException;
import ing.paperclip.db.core.sql.SqlToken;
import ing.paperclip.db.plugins.sql.PluginSqlValidator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin namespace registry and migration runner (SPEC §5). PostgreSQL is the boundary:
 *
 * <ul>
 *   <li>Each plugin logs in as its own role ({@link NamespaceNames#role}: LOGIN NOSUPERUSER
 *       NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS, a member of nothing) that
 *       owns its schema, may CONNECT to the database and SELECT the granted columns of
 *       {@link CoreReadAccess#TABLES}, and nothing else: TEMPORARY on the database and CREATE on
 *       {@code public} are taken from PUBLIC (and given to the core users explicitly). The result
 *       is checked with the server's privilege functions after every change.
 *   <li>Its password comes from {@link PluginCredentials}; the server stores only a SCRAM verifier.
 *   <li>Migrations are the {@code *.sql} files of a directory in name order, each in one
 *       transaction on a connection of their own that logged in as the plugin role, with
 *       {@code statement_timeout} and {@code lock_timeout} from {@link PluginSettings}, and a
 *       client-side cancel as a backstop. Files are streamed statement by statement (size
 *       limit, checksum, validation, execution), never held whole.
 *   <li>Registry rows ({@code plugins}, {@code plugin_database_namespaces},
 *       {@code plugin_migrations}) are written on the migration connection; roles, schema and
 *       grants on the role-admin connection.
 *   <li>One advisory lock per plugin (held on the migration connection) serializes runs; an
 *       applied file's SHA-256 must never change. A failing file rolls back: on a first install
 *       nothing remains (schema, role and rows are removed); otherwise it is recorded
 *       {@code failed} and the namespace marked {@code migration_failed}.
 * </ul>
 *
 * <p>The ledger row is committed right after the file's own transaction: a crash between the two
 * commits leaves an applied file unrecorded, and the next run re-applies it (and usually fails on
 * "already exists", recorded as failed). Thread-safe; state lives in the database.
 */
public final class PluginNamespaces {
  private static final Logger LOG = LoggerFactory.getLogger(PluginNamespaces.class);

  private final DataSource migration;
  private final DataSource roleAdmin;
  private final ConnectionSpec server;
  private final PluginCredentials credentials;
  private final PluginSettings settings;

  /**
   * Creates the registry.
   *
   * @param migration the migration data source (a direct connection): registry rows, advisory locks
   * @param roleAdmin a connection allowed to create roles (superuser, or CREATEROLE and owner of the
   *     database); may be the same as {@code migration}
   * @param server where plugin roles connect: host, port, database and driver parameters (its user
   *     and password are ignored); normally the migration connection's spec
   * @param credentials plugin role passwords
   * @param settings timeouts, limits, validation
   */
  public PluginNamespaces(DataSource migration, DataSource roleAdmin, ConnectionSpec server,
      PluginCredentials credentials, PluginSettings settings) {
    this.migration = Objects.requireNonNull(migration, "migration");
    this.roleAdmin = Objects.requireNonNull(roleAdmin, "roleAdmin");
    this.server = Objects.requireNonNull(server, "server");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Applies a plugin's migrations.
   *
   * @param pluginKey the plugin's key
   * @param slug its namespace slug, if it declares one
   * @param pluginVersion its version, recorded in the ledger
   * @param dir the directory of {@code *.sql} files
   * @throws PluginException for a refused, oversized or failing file, a changed checksum, a role
   *     that could not be contained
   */
  public PluginMigrationResult migrate(String pluginKey, Optional<String> slug, String pluginVersion, Path dir) {
    String schema = NamespaceNames.schema(pluginKey, slug);
    List<Path> files = listFiles(dir);
    Map<String, String> checksums = new HashMap<>();
    PluginSqlValidator validator = new PluginSqlValidator(schema);
    for (Path f : files) {
      String name = f.getFileName().toString();
      checkSize(pluginKey, f);
      checksums.put(name, sha256(f));
      if (settings.validate()) {
        try (Reader r = reader(f)) {
          validator.validate(r, name);
        } catch (IOException e) {
          throw new PluginException("cannot read plugin migration " + f + ": " + e.getMessage(), e);
        }
      }
    }
    List<String> applied = new ArrayList<>();
    List<String> already = new ArrayList<>();
    String role;
    try (Connection c = migration.getConnection()) {
      c.setAutoCommit(true);
      role = NamespaceNames.role(schema, PluginRoles.scalarText(c, "SELECT current_database()"));
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_lock(hashtextextended(?, 0))")) {
        lock.setString(1, "paperclip-plugin:" + pluginKey);
        lock.execute();
      }
      try {
        Map<String, String> ledger = ledger(c, pluginKey);
        boolean ensured = false;
        for (Path f : files) {
          String name = f.getFileName().toString();
          String checksum = checksums.get(name);
          String recorded = ledger.get(name);
          if (recorded != null && recorded.startsWith("applied:")) {
            if (!recorded.substring(8).equals(checksum)) {
              throw new PluginException("plugin " + pluginKey + " migration " + name + " changed after it was "
                  + "applied (sha256 " + recorded.substring(8, 20) + "... now " + checksum.substring(0, 12)
                  + "...); restore the original file and put changes in a new migration");
            }
            already.add(name);
            continue;
          }
          boolean firstInstall = !namespaceExists(c, pluginKey);
          UUID pluginId = upsertPlugin(c, pluginKey, pluginVersion);
          if (firstInstall) {
            insertNamespace(c, pluginId, pluginKey, schema);
          }
          if (!ensured) {
            try {
              ensureRole(c, schema, role, firstInstall);
            } catch (RuntimeException | SQLException e) {
              if (firstInstall) {
                uninstall(c, pluginKey, schema, role);
              }
              throw e;
            }
            ensured = true;
          }
          try {
            runFile(f, schema, role);
          } catch (FileFailure e) {
            if (firstInstall) {
              uninstall(c, pluginKey, schema, role);
            } else {
              recordFailure(c, pluginId, pluginKey, schema, name, checksum, pluginVersion, e.getMessage());
            }
            throw new PluginException("plugin " + pluginKey + " migration " + name + " failed: " + e.getMessage()
                + (firstInstall ? "; nothing was installed" : "; recorded as failed, namespace marked migration_failed"),
                e.getCause());
          }
          c.setAutoCommit(false);
          writeLedger(c, pluginId, pluginKey, schema, name, checksum, pluginVersion, "applied", null);
          c.commit();
          c.setAutoCommit(true);
          applied.add(name);
          LOG.info("applied plugin {} migration {}", pluginKey, name);
        }
        if (!applied.isEmpty()) {
          try (PreparedStatement ps = c.prepareStatement("UPDATE public.plugin_database_namespaces "
              + "SET status = 'active', updated_at = now() WHERE plugin_key = ?")) {
            ps.setString(1, pluginKey);
            ps.executeUpdate();
          }
        }
      } finally {
        if (!c.getAutoCommit()) {
          c.rollback();
          c.setAutoCommit(true);
        }
        try (PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
          unlock.setString(1, "paperclip-plugin:" + pluginKey);
          unlock.execute();
        }
      }
    } catch (SQLException e) {
      throw new PluginException("plugin " + pluginKey + " migration failed: " + firstLine(e), e);
    }
    return new PluginMigrationResult(pluginKey, schema, role, applied, already);
  }

  /** A migration file failed on the server; the message is one line naming the statement. */
  private static final class FileFailure extends Exception {
    private static final long serialVersionUID = 1L;

    FileFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Runs one file in one transaction, as the plugin role, statement by statement. */
  private void runFile(Path f, String schema, String role) throws FileFailure {
    Duration timeout = settings.migrationStatementTimeout();
    ConnectionSpec spec = PluginDataSource.roleSpec(server, schema, role, credentials.password(role), timeout,
        settings.migrationLockTimeout());
    // Client-side cancel a second after the server's own timeout: a file that lifts statement_timeout
    // is still stopped.
    int clientSeconds = (int) Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000 + 1);
    int number = 0;
    SqlToken at = null;
    try (Connection p = DriverManager.getConnection(spec.jdbcUrl(), spec.driverProperties());
        Reader r = reader(f)) {
      p.setAutoCommit(false);
      SqlSplitter splitter = new SqlSplitter(r);
      try (Statement s = p.createStatement()) {
        s.setEscapeProcessing(false);
        s.setQueryTimeout(clientSeconds);
        for (SqlStatement st = splitter.next(); st != null; st = splitter.next()) {
          if (st.isBlank()) {
            continue;
          }
          number++;
          at = st.first().orElseThrow();
          s.execute(st.sql());
        }
        p.commit();
      } catch (SQLException e) {
        try {
          p.rollback();
        } catch (SQLException ignored) {
          // the connection is closed next anyway
        }
        String why = firstLine(e);
        if ("57014".equals(e.getSQLState())) {
          why += " (limit " + timeout.toMillis() + " ms, PluginSettings.migrationStatementTimeout)";
        }
        throw new FileFailure("statement " + number + (at == null ? "" : " at " + at.position()) + ": " + why, e);
      }
    } catch (SQLException e) {
      throw new FileFailure("cannot log in as plugin role " + role + ": " + firstLine(e)
          + "; run repairRoles (paperclipai plugins repair-roles) if the role or its password is out of date", e);
    } catch (SqlSyntaxException e) {
      throw new FileFailure(e.getMessage(), e);
    } catch (IOException | UncheckedIOException e) {
      throw new FileFailure("cannot read the file: " + e.getMessage(), e);
    }
  }

  private void ensureRole(Connection c, String schema, String role, boolean createSchema) throws SQLException {
    Set<String> coreUsers = new LinkedHashSet<>();
    coreUsers.add(PluginRoles.scalarText(c, "SELECT current_user"));
    try (Connection a = roleAdmin.getConnection()) {
      a.setAutoCommit(false);
      try {
        coreUsers.add(PluginRoles.scalarText(a, "SELECT current_user"));
        PluginRoles.ensure(a, schema, role, credentials.password(role), settings.runtimePoolSize() + 2, coreUsers,
            createSchema);
        a.commit();
      } catch (SQLException | RuntimeException e) {
        a.rollback();
        throw e;
      }
    }
  }

  /** Undoes a first install: schema, role and registry rows. */
  private void uninstall(Connection c, String pluginKey, String schema, String role) {
    try (Connection a = roleAdmin.getConnection()) {
      a.setAutoCommit(false);
      PluginRoles.drop(a, schema, role);
      a.commit();
    } catch (SQLException e) {
      LOG.warn("could not remove schema {} and role {} of a failed first install: {}", schema, role, e.getMessage());
    }
    try {
      for (String table : new String[] {"plugin_migrations", "plugin_database_namespaces", "plugins"}) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM public." + table + " WHERE plugin_key = ?")) {
          ps.setString(1, pluginKey);
          ps.executeUpdate();
        }
      }
    } catch (SQLException e) {
      LOG.warn("could not remove registry rows of plugin {}: {}", pluginKey, e.getMessage());
    }
  }

  private static void recordFailure(Connection c, UUID pluginId, String pluginKey, String schema, String name,
      String checksum, String version, String error) throws SQLException {
    c.setAutoCommit(false);
    writeLedger(c, pluginId, pluginKey, schema, name, checksum, version, "failed", error);
    try (PreparedStatement ps = c.prepareStatement("UPDATE public.plugin_database_namespaces "
        + "SET status = 'migration_failed', updated_at = now() WHERE plugin_key = ?")) {
      ps.setString(1, pluginKey);
      ps.executeUpdate();
    }
    c.commit();
    c.setAutoCommit(true);
  }

  /**
   * Opens a plugin's runtime pool (see {@link PluginDataSource}); the caller closes it.
   *
   * @throws ing.paperclip.db.core.PaperclipException when the role cannot log in
   */
  public PluginDataSource dataSource(String pluginKey, Optional<String> slug) {
    return PluginDataSource.open(server, pluginKey, slug, credentials, settings);
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
  public record Namespace(String pluginKey, String schema, String status, List<String> applied, List<String> failed) {
    /** Copies. */
    public Namespace {
      applied = List.copyOf(applied);
      failed = List.copyOf(failed);
    }
  }

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
      throw new PluginException("cannot list plugin namespaces: " + firstLine(e), e);
    }
    return out;
  }

  /**
   * Recreates or corrects the login role, password, schema ownership and grants of every namespace
   * in {@code plugin_database_namespaces}: after a restore (roles are not part of a database
   * backup, and restored objects belong to whoever restored them), after a core migration added
   * columns to a readable table, or after moving to another server. Privileges on {@code public}
   * held by plugin roles of other databases (restored grants) are revoked.
   *
   * @return the roles repaired, in plugin key order
   * @throws PluginException when a role cannot be contained or the registry cannot be read
   */
  public List<String> repairRoles() {
    List<String> out = new ArrayList<>();
    try (Connection c = migration.getConnection()) {
      String database = PluginRoles.scalarText(c, "SELECT current_database()");
      for (String schema : namespaces(c).values()) {
        String role = NamespaceNames.role(schema, database);
        boolean schemaExists = !PluginRoles.texts(c, "SELECT nspname FROM pg_namespace WHERE nspname = ?", schema).isEmpty();
        ensureRole(c, schema, role, !schemaExists);
        out.add(role);
        LOG.info("plugin role {} repaired for schema {}", role, schema);
      }
      try (Connection a = roleAdmin.getConnection()) {
        a.setAutoCommit(false);
        PluginRoles.revokeForeign(a, out);
        a.commit();
      }
    } catch (SQLException e) {
      throw new PluginException("cannot repair plugin roles: " + firstLine(e), e);
    }
    return out;
  }

  /**
   * Sets every plugin role's password to the one {@code next} derives (after the host secret
   * changed, e.g. {@code secrets rekey}). Build a new {@code PluginNamespaces} with {@code next}
   * afterwards.
   *
   * @return the number of roles changed
   */
  public int rotatePasswords(PluginCredentials next) {
    Objects.requireNonNull(next, "next");
    int n = 0;
    try (Connection c = migration.getConnection(); Connection a = roleAdmin.getConnection()) {
      String database = PluginRoles.scalarText(c, "SELECT current_database()");
      a.setAutoCommit(false);
      for (String schema : namespaces(c).values()) {
        String role = NamespaceNames.role(schema, database);
        if (PluginRoles.exists(a, role)) {
          PluginRoles.setPassword(a, role, next.password(role));
          n++;
        }
      }
      a.commit();
    } catch (SQLException e) {
      throw new PluginException("cannot rotate plugin role passwords: " + firstLine(e), e);
    }
    return n;
  }

  /**
   * Purges a plugin's data: drops its schema and login role (unless the role still owns objects in
   * another database; then it is kept without LOGIN) and deletes its namespace and ledger rows
   * (the plugins row stays). Irreversible.
   *
   * @return whether there was anything to purge
   */
  public boolean purge(String pluginKey) {
    try (Connection c = migration.getConnection()) {
      String schema = namespaces(c).get(pluginKey);
      if (schema == null) {
        return false;
      }
      String role = NamespaceNames.role(schema, PluginRoles.scalarText(c, "SELECT current_database()"));
      try (Connection a = roleAdmin.getConnection()) {
        a.setAutoCommit(false);
        PluginRoles.drop(a, schema, role);
        a.commit();
      }
      c.setAutoCommit(false);
      for (String table : new String[] {"plugin_migrations", "plugin_database_namespaces"}) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM public." + table + " WHERE plugin_key = ?")) {
          ps.setString(1, pluginKey);
          ps.executeUpdate();
        }
      }
      c.commit();
      return true;
    } catch (SQLException e) {
      throw new PluginException("cannot purge plugin " + pluginKey + ": " + firstLine(e), e);
    }
  }

  /** Plugin key to schema, for every namespace. */
  private static Map<String, String> namespaces(Connection c) throws SQLException {
    Map<String, String> out = new java.util.TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT plugin_key, namespace_name FROM public.plugin_database_namespaces")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  private static List<Path> listFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new PluginException("plugin migrations directory " + dir + " does not exist");
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".sql") && Files.isRegularFile(p)).sorted().toList();
    } catch (IOException e) {
      throw new PluginException("cannot list plugin migrations in " + dir + ": " + e.getMessage(), e);
    }
  }

  private void checkSize(String pluginKey, Path f) {
    long size;
    try {
      size = Files.size(f);
    } catch (IOException e) {
      throw new PluginException("cannot read plugin migration " + f + ": " + e.getMessage(), e);
    }
    if (size > settings.maxMigrationFileBytes()) {
      throw new PluginException("plugin " + pluginKey + " migration " + f.getFileName() + " is " + size
          + " bytes, over the limit of " + settings.maxMigrationFileBytes()
          + " (PluginSettings.maxMigrationFileBytes); split it into smaller files");
    }
  }

  /** SHA-256 of the file's bytes, streamed (the same value as over its UTF-8 text). */
  private static String sha256(Path f) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(f), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new PluginException("cannot read plugin migration " + f + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A strict UTF-8 reader: a malformed byte fails the read instead of turning into U+FFFD. */
  private static Reader reader(Path f) throws IOException {
    return new BufferedReader(new InputStreamReader(Files.newInputStream(f), StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 65536) {
      @Override
      public int read(char[] cbuf, int off, int len) throws IOException {
        try {
          return super.read(cbuf, off, len);
        } catch (CharacterCodingException e) {
          throw new IOException(f.getFileName() + " is not valid UTF-8", e);
        }
      }
    };
  }

  private static String firstLine(SQLException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
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

  private static void insertNamespace(Connection c, UUID pluginId, String pluginKey, String schema) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO public.plugin_database_namespaces "
        + "(plugin_id, plugin_key, namespace_name) VALUES (?, ?, ?)")) {
      ps.setObject(1, pluginId);
      ps.setString(2, pluginKey);
      ps.setString(3, schema);
      ps.executeUpdate();
    }
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
