package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.migrate.MigrationPolicy;
import ing.paperclip.db.core.migrate.MigrationState;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.settings.PoolSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup (ours, a plain pg_dump file, or the original Paperclip's) into a database.
 *
 * <p>The file is verified and planned first ({@link RestorePlanner}), so a damaged, truncated or
 * foreign file is refused before the target is touched; the plan's steps are then what runs. A
 * target holding anything (a relation, type or function in a non-system schema, a schema besides
 * {@code public}, an extension besides plpgsql) is refused unless {@link RestoreOptions#clean()}
 * or it holds only a new instance's untouched core schema ({@link RestoreTarget}).
 *
 * <p>With {@link RestoreOptions#oneTransaction()} (jobs 1 or {@code singleTransaction}) or for
 * files other than ours, everything — the cleaning, every step, every COPY — runs in ONE
 * transaction ({@link OneTransaction}): on any failure it rolls back and the target is exactly as
 * before. Otherwise our files restore in parallel like {@code pg_restore -j} (see
 * {@link ParallelRestore}): on any failure everything the restore created is dropped again. A
 * {@code clean} restore in parallel over a non-empty target runs into a scratch database that
 * replaces the target in one transaction once it is complete ({@link DatabaseSwap}: the target's old
 * content stays until then), or, when that cannot be done (a data source, another session on the
 * target, no CREATEDB...), in one transaction with the reason among the result's warnings. Rows
 * stream from the file to {@code COPY FROM STDIN} in large chunks, never parsed in Java; memory
 * stays bounded.
 *
 * <p>Built with a plain constructor; stateless and thread-safe.
 */
public final class RestoreService {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreService.class);

  /** The note a result carries when a restore asked to run in parallel ran in one transaction. */
  static final String ONE_TRANSACTION = "restored in one transaction instead of in parallel: ";

  private final RestoreTarget target;
  private final RestorePlanner planner;
  /** Opens a data source for the core migrator on the target (closed after use). */
  private final MigrationSource migrations;
  /** Closes the caller's own sessions on the target before a scratch database is swapped in. */
  private final Runnable beforeSwap;

  /** A data source on the target for the core migrator, and how to let go of it. */
  @FunctionalInterface
  private interface MigrationSource {
    <T> T with(java.util.function.Function<DataSource, T> work);
  }

  /**
   * Creates a service restoring into the database the data source connects to. A parallel
   * restore takes up to {@link RestoreOptions#jobs()} connections at once from it (a pool smaller
   * than that makes it wait for its connection timeout and go on with fewer), sets session
   * settings on them and closes them at the end. A fresh core schema is not recognised (the data
   * source names no role that could check it): such a target needs {@code clean}.
   *
   * @param target the target database
   */
  public RestoreService(DataSource target) {
    Objects.requireNonNull(target, "target");
    this.target = new RestoreTarget(target::getConnection, null);
    this.beforeSwap = () -> { };
    this.planner = new RestorePlanner();
    this.migrations = new MigrationSource() {
      @Override
      public <T> T with(java.util.function.Function<DataSource, T> work) {
        return work.apply(target);
      }
    };
  }

  private RestoreService(RestoreTarget target, RestorePlanner planner, MigrationSource migrations,
      Runnable beforeSwap) {
    this.target = target;
    this.planner = planner;
    this.migrations = migrations;
    this.beforeSwap = beforeSwap;
  }

  /**
   * Returns a service like this one that verifies files with {@code verifier}: its key checks
   * signatures, and unless it accepts unsigned files a file of ours not signed by that key is
   * refused before the target is touched. The default verifier has no key and accepts them.
   *
   * @param verifier the verifier, not null
   */
  public RestoreService withVerifier(BackupVerifier verifier) {
    return new RestoreService(target, new RestorePlanner(verifier), migrations, beforeSwap);
  }

  /**
   * Returns a service like this one that runs {@code hook} when a {@code --clean} in parallel has
   * chosen to restore into a scratch database, just before it checks that no other session is
   * connected to the target (renaming the target needs none): the caller closes its own sessions
   * there, e.g. the instance lock's. The target is not changed until the swap, which is one
   * transaction, so nothing half-restored is ever visible; should the restore still run in one
   * transaction (another session is connected), it runs without those sessions.
   *
   * @param hook run at most once per restore, on the restoring thread; must not throw
   */
  public RestoreService withBeforeSwap(Runnable hook) {
    Objects.requireNonNull(hook, "hook");
    return new RestoreService(target, planner, migrations, hook);
  }

  /**
   * Creates a service opening its own connections (no pool) to the database the spec names. A
   * target holding only the untouched core schema this build migrates (a new instance's) counts
   * as empty and is replaced.
   *
   * @param target the target database
   */
  public RestoreService(ConnectionSpec target) {
    this(target, target);
  }

  /**
   * Creates a service opening its own connections (no pool) to the database {@code target} names,
   * recognising a fresh core schema there through {@code inspector}: the same database reached as
   * a role that may create the scratch database the check migrates (e.g. an embedded cluster's
   * superuser, when the restoring role may not).
   *
   * @param target the target database
   * @param inspector the same database, as a role with CREATEDB
   */
  public RestoreService(ConnectionSpec target, ConnectionSpec inspector) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(inspector, "inspector");
    this.target = RestoreTarget.of(target, inspector);
    this.beforeSwap = () -> { };
    this.planner = new RestorePlanner();
    this.migrations = new MigrationSource() {
      @Override
      public <T> T with(java.util.function.Function<DataSource, T> work) {
        try (HikariDataSource ds = ConnectionPools.openMigration(target, PoolSettings.DEFAULTS)) {
          return work.apply(ds);
        }
      }
    };
  }

  /** Verifies the file and returns its plan, touching no database. */
  public RestorePlan plan(Path file, RestoreOptions options) {
    return planner.plan(file, options);
  }

  /**
   * Restores a file: runs its plan's steps.
   *
   * @return what was done
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} for a bad file,
   *     {@link ErrorCode#RESTORE} for a refused target or a failed statement (the target unchanged)
   */
  public RestoreResult restore(Path file, RestoreOptions options, RestoreListener listener) {
    long t0 = System.nanoTime();
    Map<String, Long> phases = new LinkedHashMap<>();
    RestorePlanner.Planned planned = planner.plan(file, options.noOwner(), options.trustFile());
    RestorePlan plan = options.selection().apply(planned.plan());
    if (!options.noOwner()) {
      plan = owners(plan);
    }
    phases.put("verify", millisSince(t0));
    LOG.debug("restore of {}: verified and planned in {} ms", file, phases.get("verify"));
    List<String> leftovers = options.clean() ? DatabaseSwap.dropLeftovers(target) : List.of();
    Optional<String> fallback = Optional.empty(); // why a restore that may run in parallel does not
    if (!options.oneTransaction()) {
      fallback = ParallelRestore.whyNot(plan);
      if (fallback.isEmpty() && options.clean() && !targetEmpty()) {
        // in place, a parallel restore commits the drop first: the old content goes through a scratch database
        DatabaseSwap.Outcome s = DatabaseSwap.run(target, plan, options, listener, phases, t0, beforeSwap);
        if (s instanceof DatabaseSwap.Outcome.Swapped w) {
          return withLeftovers(w.result(), leftovers);
        }
        fallback = Optional.of(((DatabaseSwap.Outcome.Declined) s).reason());
      }
      if (fallback.isEmpty()) {
        ParallelRestore.Outcome o = new ParallelRestore(target, plan, options, listener, phases, t0).run();
        if (o instanceof ParallelRestore.Outcome.Restored r) {
          return withLeftovers(r.result(), leftovers);
        }
        fallback = Optional.of(((ParallelRestore.Outcome.Declined) o).reason());
      }
      LOG.info("restore of {} runs in one transaction: {}", file, fallback.get());
    }
    RestoreResult r = withLeftovers(singleTransaction(options, listener, plan, phases, t0), leftovers);
    return fallback.map(why -> r.withWarning(ONE_TRANSACTION + why)).orElse(r);
  }

  /** Whether the target holds no user object (a --clean then has nothing to keep). */
  private boolean targetEmpty() {
    try (Connection c = target.open()) {
      return RestoreTarget.countUserObjects(c) == 0;
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot connect to the restore target: "
          + oneLine(e), e);
    }
  }

  /** The result with a note naming the databases an interrupted --clean had left and this one dropped. */
  private static RestoreResult withLeftovers(RestoreResult r, List<String> dropped) {
    return dropped.isEmpty() ? r : r.withWarning("dropped " + dropped.size() + " database(s) an interrupted "
        + "--clean of this database had left: " + String.join(", ", dropped));
  }

  /** Leaves out the owner changes the target cannot take ({@link Ownership}). */
  private RestorePlan owners(RestorePlan plan) {
    try (Connection c = target.open()) {
      return Ownership.apply(plan, c);
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot connect to the restore target: "
          + oneLine(e), e);
    }
  }

  private RestoreResult singleTransaction(RestoreOptions options, RestoreListener listener, RestorePlan plan,
      Map<String, Long> phases, long t0) {
    Path file = plan.file();
    try (Connection c = target.open()) {
      c.setAutoCommit(false);
      try {
        RestoreTarget.Emptiness found = target.check(c, options.clean());
        if (found.clean()) {
          RestoreTarget.clean(c);
        }
        RestoreTarget.sessionSettings(c, 1, true, false);
        long t1 = System.nanoTime();
        OneTransaction ex = new OneTransaction(c, plan, listener,
            RestorePlanner.policy(plan.format(), file, options.trustFile()));
        ex.run();
        phases.put("load", millisSince(t1));
        long t2 = System.nanoTime();
        c.commit();
        phases.put("commit", millisSince(t2));
        LOG.info("restored {} in one transaction ({} tables, {} rows; phases {})", file, ex.tables(), ex.rows(),
            phases);
        return new RestoreResult(file, plan.format(), ex.statements(), ex.tables(), ex.rows(), found.clean(),
            Duration.ofNanos(System.nanoTime() - t0), found.notes(plan.warnings()), 1, phases, found.replaced(),
            List.of(), plan.selectedTables());
      } catch (SQLException | IOException | RuntimeException e) {
        throw rolledBack(c, e, "restore of " + file, "the target was left unchanged");
      }
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot connect to the restore target: "
          + oneLine(e), e);
    }
  }

  /**
   * Verifies the file and returns the plan {@link #replaceSchemas} runs, touching no database (it
   * assumes the target has the core plugin registry, as an instance does).
   */
  public RestorePlan planSchemaReplacement(Path file, RestoreOptions options) {
    SchemaReplacement.requireSchemas(options.selection());
    return SchemaReplacement.of(planner.plan(file, options.noOwner(), options.trustFile()).plan(), options.selection(),
        java.util.Set.copyOf(SchemaReplacement.REGISTRY)).plan();
  }

  /**
   * Replaces the schemas {@code options.selection()} names ({@code --schema} alone) in a live
   * database with the file's, together with their plugins' rows in the core plugin registry
   * ({@link SchemaReplacement}); every other schema, row and plugin stays as it is. Runs in one
   * transaction whatever {@code options.jobs()} says: a failure leaves the old schemas as they were.
   *
   * @return what was done; its {@link RestoreResult#selected()} are the replaced schemas' tables
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} without {@code --schema}, with
   *     {@code --table}/{@code --exclude-schema}, for {@code public} or a schema the file does not
   *     hold; {@link ErrorCode#RESTORE} when a statement fails (the target unchanged)
   */
  public RestoreResult replaceSchemas(Path file, RestoreOptions options, RestoreListener listener) {
    long t0 = System.nanoTime();
    SchemaReplacement.requireSchemas(options.selection());
    Map<String, Long> phases = new LinkedHashMap<>();
    RestorePlanner.Planned planned = planner.plan(file, options.noOwner(), options.trustFile());
    try (Connection c = target.open()) {
      c.setAutoCommit(false);
      try {
        SchemaReplacement r = SchemaReplacement.of(planned.plan(), options.selection(), SchemaReplacement.liveRegistry(c));
        RestorePlan plan = r.plan();
        phases.put("verify", millisSince(t0));
        long t1 = System.nanoTime();
        r.before(c);
        RestoreTarget.sessionSettings(c, 1, true, false);
        OneTransaction ex = new OneTransaction(c, plan, listener,
            RestorePlanner.policy(plan.format(), file, options.trustFile()), r::copyInto);
        ex.run();
        List<String> warnings = new java.util.ArrayList<>(plan.warnings());
        warnings.addAll(r.after(c));
        phases.put("load", millisSince(t1));
        long t2 = System.nanoTime();
        c.commit();
        phases.put("commit", millisSince(t2));
        LOG.info("replaced schema(s) {} from {} ({} COPY blocks with the registry's, {} rows; phases {})", options.selection().schemas(), file,
            ex.tables(), ex.rows(), phases);
        // the schemas' tables and rows (the registry's rows went to scratch tables first)
        return new RestoreResult(file, plan.format(), ex.statements(), r.restoredTables().size(), r.restoredRows(), false,
            Duration.ofNanos(System.nanoTime() - t0), warnings, 1, phases, false, List.of(), r.restoredTables());
      } catch (SQLException | IOException | RuntimeException e) {
        throw rolledBack(c, e, "replacing schema(s) " + String.join(", ", options.selection().schemas())
            + " from " + file, "the old schema was left as it was");
      }
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot connect to the restore target: "
          + oneLine(e), e);
    }
  }

  /**
   * Applies, after a restore, the core schema changesets this build knows and the restored
   * database lacks (a backup taken by an older version), under the usual migration policy
   * ({@link MigrationPolicy}: automatically where the restore replaced a new instance's fresh core
   * schema, else with {@code PAPERCLIP_MIGRATION_AUTO_APPLY=true} or a person's yes). A database
   * whose backup held no core journal is left alone. Run it after the restore is checked against
   * the backup's manifest: the changesets may change the restored tables.
   *
   * @param restored what the restore did
   * @param policy the migration policy
   * @param prompter asks a person at a terminal, or null when there is none
   * @return {@code restored} with the changesets applied, or, when the policy refuses them, with a
   *     warning naming how many are pending and the command that applies them
   * @throws PaperclipException {@link ErrorCode#MIGRATION} when a changeset fails (the restore
   *     itself stays: the message says so)
   */
  public RestoreResult applyPendingCoreMigrations(RestoreResult restored, MigrationPolicy policy,
      MigrationPolicy.Prompter prompter) {
    Objects.requireNonNull(restored, "restored");
    Objects.requireNonNull(policy, "policy");
    return migrations.with(ds -> {
      Migrator m = new Migrator(ds);
      MigrationState state = m.status();
      if (!(state instanceof MigrationState.Pending p) || p.applied() == 0) {
        return restored;
      }
      int n = p.pending().size();
      if (policy.decide(restored.replacedFreshCore(), n, prompter) != MigrationPolicy.Decision.APPLY) {
        return restored.withWarning("the backup's core schema is older than this build's: "
            + MigrationPolicy.refusal(n));
      }
      try {
        List<String> ids = m.migrate().stream().map(MigrationState.Changeset::id).toList();
        LOG.info("restore of {}: applied {} core schema migration(s) newer than the backup: {}", restored.file(),
            ids.size(), ids);
        return restored.withCoreMigrationsApplied(ids);
      } catch (PaperclipException e) {
        throw new PaperclipException(e.code(), "restored " + restored.file().getFileName() + ", but applying the "
            + n + " core schema migration(s) newer than the backup failed: " + e.getMessage(), e);
      }
    });
  }

  /**
   * Looks for the marker an interrupted parallel restore left: {@link RestoreTarget#interruptedRestore}.
   *
   * @param c a connection to the database
   * @return a description of the interrupted restore, or empty
   * @throws SQLException if the catalog cannot be read
   */
  public static Optional<String> interruptedRestore(Connection c) throws SQLException {
    return RestoreTarget.interruptedRestore(c);
  }

  /**
   * The databases an interrupted parallel {@code --clean} of the connection's database left on
   * the server (a scratch database it was filling, or the old content it had swapped out; each
   * commented as such): the next {@code --clean} drops them.
   *
   * @param c a connection to the database
   * @return their names, none when nothing was left
   * @throws SQLException if the catalog cannot be read
   */
  public static List<String> leftoverDatabases(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_catalog.current_database()")) {
      rs.next();
      return DatabaseSwap.leftovers(c, rs.getString(1));
    }
  }

  static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /**
   * Rolls back a one-transaction restore that failed and says what happened to the target: a
   * restore or file error keeps its message with {@code kept} added, any other error becomes
   * "{@code what} failed: CAUSE; {@code kept}".
   */
  private static PaperclipException rolledBack(Connection c, Exception e, String what, String kept) {
    rollback(c);
    if (e instanceof PaperclipException pe) {
      return pe.code() == ErrorCode.RESTORE || pe.code() == ErrorCode.CORRUPT_FILE
          ? new PaperclipException(pe.code(), pe.getMessage() + "; " + kept, pe.getCause())
          : pe;
    }
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    return new PaperclipException(ErrorCode.RESTORE, what + " failed: " + oneLine(cause) + "; " + kept, cause);
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is closed next; the server rolls back anyway
    }
  }

  static String oneLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
