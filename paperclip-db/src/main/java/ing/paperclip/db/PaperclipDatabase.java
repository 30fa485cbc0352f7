package ing.paperclip.db;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.embedded.EmbeddedPostgres;
import ing.paperclip.db.core.embedded.EmbeddedPostgresConfig;
import ing.paperclip.db.core.embedded.EmbeddedServer;
import ing.paperclip.db.core.migrate.MigrationState;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.references.IssueReferenceSync;
import ing.paperclip.db.core.settings.ConfigFile;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.settings.DatabaseMode;
import ing.paperclip.db.core.settings.DatabaseSettings;
import ing.paperclip.db.core.settings.InstanceLayout;
import ing.paperclip.db.core.settings.PoolSettings;
import ing.paperclip.db.plugins.PluginCredentials;
import ing.paperclip.db.plugins.PluginNamespaces;
import ing.paperclip.db.plugins.PluginSettings;
import ing.paperclip.db.secrets.LocalEncryptedProvider;
import ing.paperclip.db.secrets.MasterKey;
import ing.paperclip.db.secrets.MasterKeyLoader;
import ing.paperclip.db.secrets.store.KeyCheck;
import ing.paperclip.db.secrets.store.SecretStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Paperclip database, ready to use: the embedded server (when the instance has no external
 * database), the runtime and migration pools, the core schema migrated, and the services on top
 * — {@link #backups()}, {@link #secrets()}, {@link #plugins()}, {@link #references()}.
 *
 * <pre>{@code
 * try (PaperclipDatabase db = PaperclipDatabase.builder().instance(home, "default").start()) {
 *   DataSource ds = db.dataSource();
 *   db.backups().backup();
 * }
 * }</pre>
 *
 * <p>The same settings as {@code paperclipai} (SPEC §1: {@code DATABASE_URL}, the instance's
 * {@code .env} and {@code config.json}, libpq's {@code PG*}, else embedded) unless the builder
 * names a URL. The pieces stay available one by one (docs/EMBEDDING.md).
 *
 * <p>Thread-safe once started. {@link #close()} closes the pools and stops an embedded server this
 * object started (one it found already running is left running).
 */
public final class PaperclipDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PaperclipDatabase.class);

  private final InstanceLayout layout;
  private final Map<String, String> env;
  private final DatabaseSettings settings;
  private final EmbeddedPostgres embeddedPostgres;
  private final EmbeddedServer embedded;
  private final ConnectionSpec spec;
  private final ConnectionSpec migrationSpec;
  private final HikariDataSource runtime;
  private final HikariDataSource migration;
  private final List<MigrationState.Changeset> applied;
  private final PaperclipBackups backups;
  private MasterKey key;
  private SecretStore secrets;
  private PluginNamespaces plugins;
  private HikariDataSource admin;

  private PaperclipDatabase(Builder b) {
    this.env = b.env;
    this.layout = b.home != null ? new InstanceLayout(b.home, b.instance)
        : InstanceLayout.resolve(env, Optional.empty(), Optional.empty(), userHome(env));
    DatabaseSettings s = DatabaseSettings.resolve(layout, env, Optional.ofNullable(b.url), userHome(env));
    Optional<ConnectionSpec> mig = b.migrationUrl != null ? Optional.of(ConnectionSpec.parse(b.migrationUrl))
        : s.migrationUrl();
    this.settings = new DatabaseSettings(s.mode(), s.source(), s.url(), mig,
        b.migrationUrl != null ? "builder migrationUrl" : s.migrationSource(), s.embeddedDataDir(),
        s.embeddedPort(), b.pool != null ? b.pool : s.pool());
    if (settings.mode() == DatabaseMode.EMBEDDED) {
      embeddedPostgres = new EmbeddedPostgres(EmbeddedPostgresConfig
          .builder(settings.embeddedDataDir(), layout.runtimeDir()).port(settings.embeddedPort()).build());
      embedded = embeddedPostgres.start();
      spec = embedded.spec();
    } else {
      embeddedPostgres = null;
      embedded = null;
      spec = settings.url().orElseThrow();
    }
    migrationSpec = settings.migrationUrl().orElse(spec);
    HikariDataSource r = null;
    HikariDataSource m = null;
    try {
      r = ConnectionPools.open(spec, settings.pool(), "paperclip-runtime");
      m = migrationSpec.equals(spec) ? r : ConnectionPools.openMigration(migrationSpec, settings.pool());
      this.runtime = r;
      this.migration = m;
      this.applied = b.migrate ? new Migrator(m).migrate() : List.of();
    } catch (RuntimeException e) {
      closeQuietly(m, r);
      stopOwnServer();
      throw e;
    }
    if (!applied.isEmpty()) {
      LOG.info("applied {} core schema migration(s): {}", applied.size(),
          String.join(", ", applied.stream().map(MigrationState.Changeset::id).toList()));
    }
    this.backups = new PaperclipBackups(layout.backupDir(), spec, migrationSpec,
        embedded != null ? embedded.adminSpec() : migrationSpec, this::releaseIdleConnections);
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the pool for application queries (the runtime role; not a superuser when embedded). */
  public DataSource dataSource() {
    return runtime;
  }

  /** Returns the pool for schema changes (the migration URL's, else the runtime pool). */
  public DataSource migrationDataSource() {
    return migration;
  }

  /** Returns how the runtime pool connects (password inside: print {@code redacted()}). */
  public ConnectionSpec spec() {
    return spec;
  }

  /** Returns the resolved settings, with the source of each choice. */
  public DatabaseSettings settings() {
    return settings;
  }

  /** Returns the instance's files. */
  public InstanceLayout layout() {
    return layout;
  }

  /** Returns the embedded server, when this instance runs one. */
  public Optional<EmbeddedServer> embeddedServer() {
    return Optional.ofNullable(embedded);
  }

  /** Returns the core migrations {@link Builder#start()} applied (empty when it was current). */
  public List<MigrationState.Changeset> appliedMigrations() {
    return applied;
  }

  /** Returns a migrator for the core schema on the migration pool. */
  public Migrator migrator() {
    return new Migrator(migration);
  }

  /** Returns backups of this database into the instance's backup directory, and restores into it. */
  public PaperclipBackups backups() {
    return backups;
  }

  /**
   * Returns the company secrets, encrypted with the instance's master key (found in SPEC order;
   * the default key file is created, and logged, only while the database holds no secrets).
   *
   * @throws PaperclipException {@link ErrorCode#SECRETS} when the key cannot be found or read
   */
  public synchronized SecretStore secrets() {
    if (secrets == null) {
      boolean v2 = config().getText("secrets.localEncrypted.scheme").map("local_encrypted_v2"::equals).orElse(false);
      secrets = new SecretStore(runtime, new LocalEncryptedProvider(key(), v2));
    }
    return secrets;
  }

  /** Returns the plugin namespaces: each plugin's own schema and login role (docs/PLUGINS.md). */
  public synchronized PluginNamespaces plugins() {
    if (plugins == null) {
      byte[] bytes = key().bytes();
      PluginCredentials credentials;
      try {
        credentials = PluginCredentials.hmacSha256(bytes);
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
      plugins = new PluginNamespaces(migration, admin(), migrationSpec, credentials, PluginSettings.defaults());
    }
    return plugins;
  }

  /** Returns the issue-reference index over issues, comments and documents. */
  public IssueReferenceSync references() {
    return new IssueReferenceSync(runtime);
  }

  /**
   * The connection that may create roles: the embedded superuser (a small pool, opened on first
   * use), else the migration pool, the most privileged connection the operator configured.
   */
  private DataSource admin() {
    if (embedded == null) {
      return migration;
    }
    if (admin == null) {
      admin = ConnectionPools.open(embedded.adminSpec(),
          settings.pool().withMaxSize(Math.min(2, settings.pool().maxSize())), "paperclip-admin");
    }
    return admin;
  }

  private MasterKey key() {
    if (key == null) {
      Optional<Path> configured = config().getText("secrets.localEncrypted.keyFilePath").map(Path::of);
      MasterKeyLoader loader = new MasterKeyLoader(env, configured, layout.defaultMasterKeyFile());
      MasterKeyLoader.Loaded k = loader.find().orElseGet(() -> {
        KeyCheck.requireNoSecrets(runtime, loader.defaultKeyFile());
        return loader.load();
      });
      k.warnings().forEach(LOG::warn);
      if (k.created()) {
        LOG.warn("created the master key {} (fingerprint {}); back it up: without it the secrets cannot be read",
            k.source(), k.key().fingerprint());
      }
      key = k.key();
    }
    return key;
  }

  private ConfigFile config() {
    return ConfigFile.read(layout.configFile());
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close();
    }
    closeQuietly(migration, runtime);
    stopOwnServer();
  }

  /**
   * Closes the idle connections of this database's pools (one in use closes when it is returned);
   * the pools stay open and connect again when next used. A restore with {@code clean} calls it
   * just before it swaps a scratch database in, which PostgreSQL refuses while any other session
   * is connected to the target.
   */
  void releaseIdleConnections() {
    ConnectionPools.releaseIdle(runtime, migration, admin);
  }

  private void stopOwnServer() {
    if (embeddedPostgres != null && embedded != null && !embedded.reused()) {
      embeddedPostgres.stop();
    }
  }

  private static void closeQuietly(HikariDataSource a, HikariDataSource b) {
    if (a != null && a != b) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private static Path userHome(Map<String, String> env) {
    String home = env.get("HOME");
    return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"));
  }

  /** Chooses the database; every setting is optional. Not thread-safe; use once. */
  public static final class Builder {
    private Path home;
    private String instance = InstanceLayout.DEFAULT_INSTANCE;
    private String url;
    private String migrationUrl;
    private PoolSettings pool;
    private Map<String, String> env = System.getenv();
    private boolean migrate = true;

    private Builder() {}

    /** Uses instance {@code id} under the Paperclip home {@code home} (default: as the CLI resolves it). */
    public Builder instance(Path home, String id) {
      this.home = Objects.requireNonNull(home, "home");
      InstanceLayout.validateInstanceId(id);
      this.instance = id;
      return this;
    }

    /** Uses this database ({@code postgres://} or {@code jdbc:postgresql://}) instead of the resolved one. */
    public Builder url(String url) {
      this.url = Objects.requireNonNull(url, "url");
      return this;
    }

    /** Runs schema changes on this connection (e.g. a direct one when {@code url} is a pooler). */
    public Builder migrationUrl(String url) {
      this.migrationUrl = Objects.requireNonNull(url, "url");
      return this;
    }

    /** Sizes both pools (default: the instance's settings). */
    public Builder pool(PoolSettings pool) {
      this.pool = Objects.requireNonNull(pool, "pool");
      return this;
    }

    /** Reads settings from this environment instead of the process's (e.g. in tests). */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    /** Whether {@link #start()} applies pending core migrations (default true). */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /**
     * Starts (or reuses) the embedded server when the instance has no external database, opens
     * the pools and migrates.
     *
     * @throws PaperclipException naming what failed: settings, the server, the connection or a
     *     migration (nothing is left open)
     */
    public PaperclipDatabase start() {
      return new PaperclipDatabase(this);
    }
  }
}
