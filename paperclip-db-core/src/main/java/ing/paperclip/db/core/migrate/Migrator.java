package ing.paperclip.db.core.migrate;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.catalog.Catalog;
import ing.paperclip.db.core.catalog.CatalogReader;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.settings.PoolSettings;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.UpdateSummaryEnum;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks and applies the core schema (a Liquibase changelog shipped in this jar) on the migration
 * connection. The journal is Liquibase's {@code databasechangelog} in {@code public}.
 *
 * <p>A database that holds tables but no journal is {@link MigrationState.Unsafe}: {@link #migrate()}
 * refuses it rather than guess. When it is the original Paperclip's (its Drizzle journal is there),
 * {@link #adopt} takes it over after checking that its core tables have the shapes this changelog
 * creates. Thread-safe; Liquibase's own lock table serializes concurrent
 * migrations across processes.
 */
public final class Migrator {
  private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
  /** The classpath location of the core changelog. */
  public static final String CORE_CHANGELOG = "ing/paperclip/db/core/migrate/changelog/db.changelog-master.xml";

  private final DataSource dataSource;
  private final String changelog;

  /** Creates a migrator for the core changelog. */
  public Migrator(DataSource migrationDataSource) {
    this(migrationDataSource, CORE_CHANGELOG);
  }

  /**
   * Creates a migrator for another changelog on the classpath.
   *
   * @param migrationDataSource a direct connection (not a transaction pooler)
   * @param changelog classpath location of the changelog
   */
  public Migrator(DataSource migrationDataSource, String changelog) {
    this.dataSource = Objects.requireNonNull(migrationDataSource, "migrationDataSource");
    this.changelog = Objects.requireNonNull(changelog, "changelog");
  }

  /**
   * Reads the state of the database.
   *
   * @throws PaperclipException {@link ErrorCode#MIGRATION} when Liquibase cannot read it
   */
  public MigrationState status() {
    return withLiquibase(lb -> state(lb));
  }

  /**
   * Returns the changesets of this changelog, in order: the journal of a database this build
   * migrated records exactly these. Reads the changelog only; the database is not touched.
   *
   * @throws PaperclipException {@link ErrorCode#MIGRATION} when the changelog cannot be read
   */
  public List<MigrationState.Changeset> changesets() {
    return withLiquibase(Migrator::all);
  }

  /**
   * Applies every pending changeset.
   *
   * @return the changesets applied (empty when already up to date)
   * @throws PaperclipException {@link ErrorCode#MIGRATION} for an unsafe database (nothing is
   *     changed) or a failing changeset (named, with the database error)
   */
  public List<MigrationState.Changeset> migrate() {
    return withLiquibase(lb -> {
      MigrationState s = state(lb);
      if (s instanceof MigrationState.Unsafe u) {
        throw unsafe(u);
      }
      if (!(s instanceof MigrationState.Pending p)) {
        return List.of();
      }
      update(lb);
      return p.pending();
    });
  }

  /**
   * Adopts a database that already holds the core tables but no Liquibase journal, typically one
   * the original Paperclip built with its Drizzle migrations: compares the actual shapes of the
   * core tables with what this changelog creates (applied for that purpose to a scratch
   * database on the same server, created and dropped here), and only when they match records
   * every changeset as applied without running it. Nothing but Liquibase's own journal tables
   * ({@code public.databasechangelog*}) is written; {@code drizzle.*} is never touched, so the
   * original server keeps working on the database.
   *
   * @param migrationSpec how to reach the server (the scratch database is created next to the
   *     target; the migration user needs the CREATEDB privilege)
   * @return what was marked and compared; nothing is marked when the database already has a journal
   * @throws PaperclipException {@link ErrorCode#MIGRATION} when the core tables are not there or
   *     their shapes differ (every difference is listed; nothing is changed), or the scratch
   *     database cannot be created
   */
  public MigrationState.Adoption adopt(ConnectionSpec migrationSpec) {
    Objects.requireNonNull(migrationSpec, "migrationSpec");
    MigrationState s = status();
    if (!(s instanceof MigrationState.Unsafe u)) {
      if (s instanceof MigrationState.Pending p && p.applied() == 0) {
        throw new PaperclipException(ErrorCode.MIGRATION, "nothing to adopt: the database is empty; "
            + "run 'paperclipai db migrate' to create the core schema");
      }
      return new MigrationState.Adoption(List.of(), List.of(), Optional.empty());
    }
    if (!u.coreSchemaPresent()) {
      throw new PaperclipException(ErrorCode.MIGRATION, "cannot adopt: the database has "
          + u.tables() + " tables but not the Paperclip core tables (companies, agents, issues); "
          + "use an empty database instead");
    }
    Catalog expected = expectedCatalog(migrationSpec);
    Catalog actual = readCatalog(dataSource);
    List<SchemaShapes.Difference> diff = SchemaShapes.compare(expected, actual, true);
    if (!diff.isEmpty()) {
      StringBuilder b = new StringBuilder("refusing to adopt: ").append(diff.size())
          .append(" difference(s) between the core tables and what this version's changelog creates "
              + "(nothing was changed; align the tables, or use a matching paperclipai version):");
      diff.forEach(d -> b.append("\n  - ").append(d));
      throw new PaperclipException(ErrorCode.MIGRATION, b.toString());
    }
    List<MigrationState.Changeset> marked = withLiquibase(lb -> {
      List<MigrationState.Changeset> all = all(lb);
      sync(lb);
      return all;
    });
    return new MigrationState.Adoption(marked, SchemaShapes.coreTables(expected), u.drizzle());
  }

  /**
   * Applies this changelog to a new scratch database on the server of {@code spec} and returns its
   * catalog: the shapes a fresh install gets. The scratch database takes over the migration
   * database's own {@code search_path} setting and the schemas its extensions live in (hosted
   * servers such as Supabase keep pg_trgm in {@code extensions}), so that names print alike in both.
   * It is dropped before returning.
   *
   * @throws PaperclipException {@link ErrorCode#MIGRATION} when it cannot be created or migrated
   */
  public Catalog expectedCatalog(ConnectionSpec spec) {
    String scratch = "paperclip_shape_check_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
    Map<String, String> extensionSchemas = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("""
          SELECT e.extname, n.nspname FROM pg_catalog.pg_extension e
          JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
          WHERE n.nspname NOT IN ('public', 'pg_catalog') ORDER BY e.extname""")) {
        while (rs.next()) {
          extensionSchemas.put(rs.getString(1), rs.getString(2));
        }
      }
      String searchPath = null;
      try (ResultSet rs = st.executeQuery("""
          SELECT substr(s, length('search_path=') + 1)
          FROM pg_catalog.pg_db_role_setting r, unnest(r.setconfig) s
          WHERE r.setrole = 0 AND s LIKE 'search\\_path=%'
            AND r.setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())""")) {
        if (rs.next()) {
          searchPath = rs.getString(1);
        }
      }
      st.execute("CREATE DATABASE " + SqlIdentifiers.quote(scratch) + " TEMPLATE template0 ENCODING 'UTF8'");
      if (searchPath != null) {
        // bound, never spliced: the value is the target database's, copied with FROM CURRENT
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.set_config('search_path', ?, false)")) {
          ps.setString(1, searchPath);
          ps.execute();
        }
        st.execute("ALTER DATABASE " + SqlIdentifiers.quote(scratch) + " SET search_path FROM CURRENT");
        st.execute("RESET search_path");
      }
    } catch (SQLException e) {
      dropScratch(scratch);
      throw new PaperclipException(ErrorCode.MIGRATION, "cannot create the scratch database that "
          + "shows what this changelog creates (" + e.getMessage().lines().findFirst().orElse("")
          + "); grant CREATEDB to the migration user, or adopt from a server where it has it", e);
    }
    try {
      try (HikariDataSource ds = ConnectionPools.openMigration(spec.withDatabase(scratch), PoolSettings.DEFAULTS)) {
        placeExtensions(ds, extensionSchemas);
        new Migrator(ds, changelog).migrate();
        return readCatalog(ds);
      }
    } finally {
      dropScratch(scratch);
    }
  }

  /** Creates extensions in the schemas the target has them in; one that cannot be is left to the changelog. */
  private static void placeExtensions(DataSource ds, Map<String, String> extensionSchemas) {
    for (Map.Entry<String, String> e : extensionSchemas.entrySet()) {
      try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
        st.execute("CREATE SCHEMA IF NOT EXISTS " + SqlIdentifiers.quote(e.getValue()));
        st.execute("CREATE EXTENSION IF NOT EXISTS " + SqlIdentifiers.quote(e.getKey()) + " SCHEMA "
            + SqlIdentifiers.quote(e.getValue()));
      } catch (SQLException x) {
        LOG.debug("scratch database: extension {} not created in schema {}: {}", e.getKey(), e.getValue(), x.getMessage());
      }
    }
  }

  private void dropScratch(String scratch) {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + SqlIdentifiers.quote(scratch) + " WITH (FORCE)");
    } catch (SQLException e) {
      LOG.warn("could not drop the scratch database {}: {}", scratch, e.getMessage());
    }
  }

  private static Catalog readCatalog(DataSource ds) {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      try {
        return new CatalogReader().read(c);
      } finally {
        c.rollback();
        c.setReadOnly(false);
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.DATABASE, "cannot read the catalog: " + e.getMessage(), e);
    }
  }

  private void update(Liquibase lb) throws LiquibaseException {
    new CommandScope(UpdateCommandStep.COMMAND_NAME)
        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, lb.getDatabase())
        .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, changelog)
        .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY, UpdateSummaryEnum.OFF)
        .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
        .setOutput(OutputStream.nullOutputStream())
        .execute();
  }

  @SuppressWarnings("deprecation")
  private static void sync(Liquibase lb) throws LiquibaseException {
    lb.changeLogSync(new Contexts(), new LabelExpression());
  }

  private MigrationState state(Liquibase lb) throws LiquibaseException, SQLException {
    // Look before Liquibase touches anything: listing unrun changesets creates its journal tables.
    Connection c = ((JdbcConnection) lb.getDatabase().getConnection()).getUnderlyingConnection();
    int applied = 0;
    boolean journal = false;
    try (Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT to_regclass('public.databasechangelog') IS NOT NULL")) {
        rs.next();
        journal = rs.getBoolean(1);
      }
      if (journal) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM public.databasechangelog")) {
          rs.next();
          applied = rs.getInt(1);
        }
      }
      if (!journal) {
        try (ResultSet rs = st.executeQuery("""
            SELECT count(*),
                   count(*) FILTER (WHERE n.nspname = 'public' AND c.relname IN ('companies','agents','issues'))
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r','p','v','m','f')
              AND n.nspname NOT IN ('pg_catalog','information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                              AND d.objid = c.oid AND d.deptype = 'e')""")) {
          rs.next();
          int tables = rs.getInt(1);
          if (tables > 0) {
            return new MigrationState.Unsafe(tables, rs.getInt(2) == 3, drizzleJournal(st));
          }
        }
      }
    }
    List<MigrationState.Changeset> pending = journal ? pending(lb) : all(lb);
    return pending.isEmpty() ? new MigrationState.UpToDate(applied) : new MigrationState.Pending(applied, pending);
  }

  private static Optional<MigrationState.DrizzleJournal> drizzleJournal(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return Optional.empty();
      }
    }
    // Read only: the original server owns this table.
    try (ResultSet rs = st.executeQuery("""
        SELECT (SELECT count(*) FROM drizzle.__drizzle_migrations), m.id, m.hash, m.created_at
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (SELECT id, hash, created_at FROM drizzle.__drizzle_migrations
                           ORDER BY created_at DESC NULLS LAST, id DESC LIMIT 1) m ON true""")) {
      rs.next();
      long when = rs.getLong(4);
      Instant newestWhen = rs.wasNull() ? null : Instant.ofEpochMilli(when);
      String hash = rs.getString(3);
      return Optional.of(new MigrationState.DrizzleJournal(rs.getInt(1), rs.getLong(2),
          hash == null ? "" : hash, newestWhen));
    }
  }

  @SuppressWarnings("deprecation")
  private static List<MigrationState.Changeset> pending(Liquibase lb) throws LiquibaseException {
    List<MigrationState.Changeset> out = new ArrayList<>();
    for (ChangeSet cs : lb.listUnrunChangeSets(new Contexts(), new LabelExpression())) {
      out.add(new MigrationState.Changeset(cs.getId(), cs.getAuthor(), cs.getDescription()));
    }
    return out;
  }

  private static List<MigrationState.Changeset> all(Liquibase lb) throws LiquibaseException {
    List<MigrationState.Changeset> out = new ArrayList<>();
    for (ChangeSet cs : lb.getDatabaseChangeLog().getChangeSets()) {
      out.add(new MigrationState.Changeset(cs.getId(), cs.getAuthor(), cs.getDescription()));
    }
    return out;
  }

  private static PaperclipException unsafe(MigrationState.Unsafe u) {
    if (u.drizzle().isPresent()) {
      return new PaperclipException(ErrorCode.MIGRATION, "refusing to migrate: this is a "
          + u.drizzle().get().describe() + ", without paperclipai's journal yet; run "
          + "'paperclipai db migrate --adopt' to check its core tables and adopt it (the original "
          + "server keeps working on it)");
    }
    return new PaperclipException(ErrorCode.MIGRATION, "refusing to migrate: the database holds "
        + u.tables() + " tables but no migration journal (public.databasechangelog); "
        + (u.coreSchemaPresent()
            ? "if it already has the Paperclip core schema, run 'paperclipai db migrate --adopt'"
            : "use an empty database, or restore a Paperclip backup into one with 'paperclipai db restore FILE'"));
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Liquibase lb) throws Exception;
  }

  private <T> T withLiquibase(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      // Liquibase must not print to stdout (callers print their own, possibly JSON, output).
      Map<String, Object> scope = Map.of(
          Scope.Attr.logService.name(), new Slf4jLogService(),
          Scope.Attr.ui.name(), new LoggerUIService(),
          "liquibase.analytics.enabled", "false");
      return Scope.child(scope, () -> {
        Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
        db.setDefaultSchemaName("public");
        Liquibase lb = new Liquibase(changelog, new ClassLoaderResourceAccessor(Migrator.class.getClassLoader()), db);
        return work.run(lb);
      });
    } catch (PaperclipException e) {
      throw e;
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot open the migration connection: "
          + e.getMessage(), e);
    } catch (Exception e) {
      throw new PaperclipException(ErrorCode.MIGRATION, "migration failed: " + describe(e), e);
    }
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    String changeset = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && changeset == null && m.contains("::")) {
        int i = m.indexOf("ing/paperclip");
        changeset = i >= 0 ? m.substring(i, Math.min(m.length(), m.indexOf(' ', i) < 0 ? m.length() : m.indexOf(' ', i))) : null;
      }
      root = t;
    }
    String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    int nl = msg.indexOf('\n');
    msg = nl < 0 ? msg : msg.substring(0, nl);
    return (changeset != null ? "changeset " + changeset + ": " : "") + msg;
  }
}
