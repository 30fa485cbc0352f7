package ing.paperclip.db.core.migrate;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import liquibase.logging.core.NoOpLogService;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Checks and applies the core schema (a Liquibase changelog shipped in this jar) on the migration
 * connection. The journal is Liquibase's {@code databasechangelog} in {@code public}.
 *
 * <p>A database that holds tables but no journal is {@link MigrationState.Unsafe}: {@link #migrate()}
 * refuses it rather than guess. Thread-safe; Liquibase's own lock table serializes concurrent
 * migrations across processes.
 */
public final class Migrator {
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
   * Marks every changeset as applied without running it, for a database that already holds the
   * core schema (for example one created by the original Paperclip) but no journal.
   *
   * @return the changesets marked
   * @throws PaperclipException {@link ErrorCode#MIGRATION} when the core tables are not there
   */
  public List<MigrationState.Changeset> baseline() {
    return withLiquibase(lb -> {
      MigrationState s = state(lb);
      if (s instanceof MigrationState.Unsafe u && !u.coreSchemaPresent()) {
        throw new PaperclipException(ErrorCode.MIGRATION, "cannot baseline: the database has "
            + u.tables() + " tables but not the Paperclip core tables (companies, agents, issues); "
            + "use an empty database instead");
      }
      if (!(s instanceof MigrationState.Pending) && !(s instanceof MigrationState.Unsafe)) {
        return List.of();
      }
      List<MigrationState.Changeset> marked = s instanceof MigrationState.Pending p ? p.pending() : all(lb);
      sync(lb);
      return marked;
    });
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
            return new MigrationState.Unsafe(tables, rs.getInt(2) == 3);
          }
        }
      }
    }
    List<MigrationState.Changeset> pending = journal ? pending(lb) : all(lb);
    return pending.isEmpty() ? new MigrationState.UpToDate(applied) : new MigrationState.Pending(applied, pending);
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
    return new PaperclipException(ErrorCode.MIGRATION, "refusing to migrate: the database holds "
        + u.tables() + " tables but no migration journal (public.databasechangelog); "
        + (u.coreSchemaPresent()
            ? "if it already has the Paperclip core schema, run 'paperclipai db migrate --baseline'"
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
          Scope.Attr.logService.name(), new NoOpLogService(),
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
