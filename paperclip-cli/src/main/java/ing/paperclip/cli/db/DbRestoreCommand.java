package ing.paperclip.cli.db;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.Progress;
import ing.paperclip.cli.plugins.PluginsCommands;
import ing.paperclip.cli.secrets.SecretsKeyCheck;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestorePlan;
import ing.paperclip.db.backup.restore.RestorePreflight;
import ing.paperclip.db.backup.restore.RestoreResult;
import ing.paperclip.db.backup.restore.RestoreSelection;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.backup.restore.RestoreStep;
import ing.paperclip.db.backup.restore.RestoreVerification;
import ing.paperclip.db.backup.schedule.InstanceLock;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.keys.InstanceKey;
import ing.paperclip.db.core.migrate.MigrationPolicy;
import ing.paperclip.db.core.migrate.MigrationState;
import ing.paperclip.db.core.settings.ConnectionSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paperclipai db restore FILE}: restore a backup into the resolved database. */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Restore a backup (paperclip-db, plain pg_dump, or the original Paperclip's .sql/.sql.gz) "
        + "into the database after verifying the file. Our files restore in parallel (--jobs); a failure "
        + "drops everything the restore created. --single-transaction, --jobs 1 and other "
        + "formats run in one transaction (the output says why when it was not asked for). A non-empty database is refused unless --clean (a new instance's "
        + "untouched core schema counts as empty and is replaced).")
final class DbRestoreCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(index = "0", paramLabel = "FILE", description = "The backup file, or - for standard input "
      + "(spooled to a private temporary file and verified before the target is touched).")
  Path file;
  @Option(names = "--clean", description = "Replace what the target holds. In parallel it restores into a "
      + "scratch database and swaps it in for the target in one transaction; otherwise (another session on the "
      + "target, no CREATEDB, --jobs 1, ...: the output says why) it drops and restores in one transaction. "
      + "Either way a failure keeps the old content.")
  boolean clean;
  @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Connections for a parallel restore "
      + "(default: processors, at most 4; 1 = one transaction).")
  Integer jobs;
  @Option(names = "--single-transaction", description = "Run everything in one transaction on one "
      + "connection (slower; a failure rolls back).")
  boolean singleTransaction;
  @Option(names = "--plan", description = "Verify the file and print the restore plan; change nothing.")
  boolean plan;
  @Option(names = "--list", description = "Verify the file and list what it holds: schemas, tables with rows "
      + "and sizes, other objects; change nothing.")
  boolean list;
  @Option(names = "--check", description = "Run the pre-flight checks against the target (server version, "
      + "extensions, privileges, free space, migration level) and change nothing.")
  boolean check;
  @Option(names = "--no-owner", description = "Skip every ALTER ... OWNER TO: the restoring role owns "
      + "everything. By default owners are set where the target has the role (a warning names each other one).")
  boolean noOwner;
  @Option(names = "--keep-owner", hidden = true, description = "The default now (kept for old scripts).")
  boolean keepOwner;
  @Option(names = "--trust-file", description = "Run every statement the file holds, even ones no backup "
      + "contains (roles, COPY ... PROGRAM, event triggers, DO blocks...): only for a file you made or vouch for.")
  boolean trustFile;
  @Option(names = "--accept-unsigned", description = "Restore a paperclip-db backup that is not signed by this "
      + "instance's key (an older backup, or one from another machine); the allowlist still applies.")
  boolean acceptUnsigned;
  @Option(names = "--backup-wait", paramLabel = "DURATION", defaultValue = "10m",
      description = "Longest wait for running backups of the instance to finish (default 10m); scheduled "
          + "backups that fire during the restore are skipped.")
  String backupWait;
  @Option(names = {"-n", "--schema"}, paramLabel = "SCHEMA", description = "Restore only this schema (repeatable), "
      + "with the objects it depends on.")
  List<String> schemas = new java.util.ArrayList<>();
  @Option(names = {"-N", "--exclude-schema"}, paramLabel = "SCHEMA", description = "Leave out this schema "
      + "(repeatable), and what depends on it.")
  List<String> excludeSchemas = new java.util.ArrayList<>();
  @Option(names = {"-t", "--table"}, paramLabel = "TABLE", description = "Restore only this table (repeatable; "
      + "schema.table, or a table of public), with its rows, indexes, keys and triggers and what it depends on.")
  List<String> tables = new java.util.ArrayList<>();
  @Option(names = "--clean-schema", description = "With --schema: replace those schemas of the live database "
      + "(e.g. one plugin's, with its rows in the plugin registry) in one transaction, leaving every other schema, "
      + "plugin and core row as it is; the plugin's login role is repaired afterwards.")
  boolean cleanSchema;
  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  DbRestoreCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (!"-".equals(file.toString())) {
      return restore();
    }
    try (StdinSpool spool = StdinSpool.spool(System.in, Path.of(System.getProperty("java.io.tmpdir")))) {
      file = spool.file();
      return restore();
    }
  }

  private Integer restore() {
    if (cleanSchema && schemas.isEmpty()) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "--clean-schema needs --schema SCHEMA: it replaces the "
          + "named schemas of a live database (to replace the whole database, use --clean)");
    }
    if (cleanSchema && clean) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "--clean and --clean-schema exclude each other: --clean "
          + "replaces the whole database, --clean-schema only the schemas named with --schema");
    }
    int j = jobs == null ? RestoreOptions.defaultJobs() : jobs;
    if (j < 1 || j > RestoreOptions.MAX_JOBS) {
      throw new ing.paperclip.db.core.PaperclipException(ing.paperclip.db.core.ErrorCode.INVALID_INPUT,
          "--jobs must be between 1 and " + RestoreOptions.MAX_JOBS + ", got " + j);
    }
    RestoreOptions options = new RestoreOptions(clean, noOwner, j, singleTransaction, trustFile,
        new RestoreSelection(schemas, excludeSchemas, tables));
    // Our files must be signed by this instance's key unless the user accepts them (or vouches for
    // them). An instance without a master key has no identity to check a file against: every file is
    // "not by this instance" there, so the check would only make every disaster recovery need the
    // flag; such a restore goes ahead with the planner's warning naming what the file is.
    Optional<InstanceKey> key = BackupsCommands.instanceKey(ctx);
    BackupVerifier verifier = new BackupVerifier(key, acceptUnsigned || trustFile || key.isEmpty());
    if (list) {
      RestoreListing.print(ctx, new ing.paperclip.db.backup.restore.RestorePlanner().plan(file, options), json);
      return 0;
    }
    if (plan) {
      RestorePlan p = cleanSchema ? new RestoreService(ctx.database().migrationSpec()).withVerifier(verifier)
          .planSchemaReplacement(file, options) : new ing.paperclip.db.backup.restore.RestorePlanner(verifier).plan(file, options);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", p.file().toString());
        m.put("format", p.format().label());
        m.put("tables", p.tables());
        m.put("rows", p.rows());
        m.put("steps", p.steps().stream().map(RestoreStep::describe).toList());
        m.put("warnings", p.warnings());
        ctx.printJson(m);
      } else {
        ctx.out().print(p.print());
      }
      return 0;
    }
    // Its own connections, not the small migration pool: a parallel restore needs --jobs of them.
    // A new instance's core schema is recognised through the cluster's superuser (a scratch database).
    RestoreService service = new RestoreService(ctx.database().migrationSpec(), ctx.database().embedded() == null
        ? ctx.database().migrationSpec() : ctx.database().embedded().adminSpec()).withVerifier(verifier);
    RestoreResult r;
    List<String> pluginRoles;
    SecretsKeyCheck.Outcome keys;
    Optional<RestoreVerification.Result> verified;
    // the instance lock keeps backups (scheduled ones, db backup --every) off a half-restored database
    InstanceLock lock = new InstanceLock(ctx.database().migrationSpec());
    InstanceLock.Lease lease = lock.acquireRestore(DbBackupCommand.DurationOption.parse(backupWait, "--backup-wait"),
        who -> {
          ctx.err().println("waiting for " + who + " to finish before restoring (at most " + backupWait + ")");
          ctx.err().flush();
        });
    try {
      List<String> problems = preflight();
      if (check) {
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("file", file.toString());
          m.put("ok", problems.isEmpty());
          m.put("problems", problems);
          ctx.printJson(m);
        } else if (problems.isEmpty()) {
          ctx.out().println("pre-flight passed: " + file.getFileName() + " can be restored into this database");
        }
      }
      if (!problems.isEmpty()) {
        if (!json || !check) {
          problems.forEach(p -> ctx.err().println("pre-flight: " + p));
        }
        throw new PaperclipException(ErrorCode.RESTORE, "refusing to restore " + file.getFileName() + ": the pre-flight "
            + "found " + problems.size() + " problem(s) (above); nothing was sent to the target");
      }
      if (check) {
        return 0;
      }
      try (Progress.Restore progress = Progress.forRestore(ctx, json)) {
        // a --clean swapped in renames the target, which needs no other session on it: the lock's and the
        // pools' idle ones go first (the target is not touched until the swap, one transaction, so no backup
        // can see a partial restore)
        r = cleanSchema ? service.replaceSchemas(file, options, progress) : service.withBeforeSwap(() -> {
          lease.close();
          ctx.database().releaseIdleConnections();
        }).restore(file, options, progress);
      }
      verified = verify(file, r.selected());
      // core changesets newer than the backup's, after the check against its manifest (they may change tables)
      r = service.applyPendingCoreMigrations(r, new MigrationPolicy(ctx.env()),
          ctx.interactive() && !json ? ing.paperclip.cli.Database::ask : null);
      // Roles are not part of a database backup: give the restored plugin namespaces their login roles back.
      pluginRoles = PluginsCommands.repairAfterRestore(ctx);
      // secrets restored from another instance open only with its key: find out now, not agent by agent
      // (a schema replaced in a live instance brings no secrets: nothing to check)
      keys = cleanSchema ? new SecretsKeyCheck.Outcome(0, null, Optional.empty())
          : SecretsKeyCheck.check(ctx, ctx.database().runtime(), "restored " + r.file().getFileName() + ", but");
    } finally {
      lease.close();
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", r.file().toString());
      m.put("format", r.format().label());
      m.put("statements", r.statements());
      m.put("tables", r.tables());
      m.put("rows", r.rows());
      m.put("cleaned", r.cleaned());
      m.put("clean", cleanPath(r));
      m.put("jobs", r.jobs());
      m.put("singleTransaction", r.singleTransaction());
      m.put("durationMillis", r.duration().toMillis());
      m.put("phaseMillis", r.phaseMillis());
      m.put("coreMigrationsApplied", r.coreMigrationsApplied());
      m.put("warnings", r.warnings());
      m.put("pluginRolesRepaired", pluginRoles);
      m.put("verification", verified.map(v -> {
        Map<String, Object> vm = new LinkedHashMap<>();
        vm.put("tables", v.tables());
        vm.put("rows", v.rows());
        vm.put("sequences", v.sequences() < 0 ? null : v.sequences());
        vm.put("problems", v.problems());
        vm.put("notes", v.notes());
        vm.put("summary", v.summary());
        return (Object) vm;
      }).orElse("skipped: the file has no manifest"));
      m.put("secrets", keys.toJson());
      ctx.printJson(m);
    } else {
      ctx.out().printf(Locale.ROOT, "restored %s (%s): %d tables, %d rows, %d statements in %.1f s (%s)%n",
          r.file().getFileName(), r.format().label(), r.tables(), r.rows(), r.statements(), r.duration().toMillis() / 1000.0,
          r.singleTransaction() ? "one transaction" : r.jobs() + " connections");
      if (r.cleaned()) {
        ctx.out().println("--clean: " + switch (cleanPath(r)) {
          case "swap" -> "restored in parallel into a scratch database, swapped in for the old content in one transaction";
          case "oneTransaction" -> "dropped the old content and restored in one transaction";
          default -> "dropped the old content first and restored in parallel";
        });
      }
      r.warnings().forEach(w -> ctx.err().println("warning: " + w));
      if (!r.coreMigrationsApplied().isEmpty()) {
        ctx.out().println("applied " + r.coreMigrationsApplied().size() + " core schema migration(s) newer than the "
            + "backup: " + String.join(", ", r.coreMigrationsApplied()));
      }
      if (!pluginRoles.isEmpty()) {
        ctx.out().println("repaired " + pluginRoles.size() + " plugin login role(s)");
      }
      verified.filter(RestoreVerification.Result::ok).ifPresent(v -> ctx.out().println(v.summary()));
      verified.ifPresent(v -> v.notes().forEach(n -> ctx.err().println("note: " + n)));
      if (keys.versions() > 0 && keys.failure().isEmpty()) {
        ctx.out().println(keys.line());
      }
    }
    if (verified.isPresent() && !verified.get().ok()) {
      throw new PaperclipException(ErrorCode.RESTORE, "restored " + r.file().getFileName() + ", but "
          + verified.get().problems().size() + " table(s) or sequence(s) differ from the backup's manifest: "
          + String.join("; ", verified.get().problems()) + "; check for triggers, rules or sessions that wrote "
          + "to the database during the restore, and restore again with --clean");
    }
    keys.requireOk();
    return 0;
  }

  /** The pre-flight's problems, read from the target's catalog before anything is sent to it. */
  private List<String> preflight() {
    Optional<BackupManifest> manifest = RestoreVerification.manifest(file);
    Set<String> known = ctx.database().migrator().changesets().stream().map(MigrationState.Changeset::id)
        .collect(Collectors.toSet());
    OptionalLong free = OptionalLong.empty();
    String where = "";
    if (ctx.database().embedded() != null) {
      Path data = ctx.database().embedded().dataDir();
      try {
        free = OptionalLong.of(Files.getFileStore(data).getUsableSpace());
        where = data.toString();
      } catch (IOException e) {
        // not measurable: the check is skipped, the restore fails cleanly if the disk fills
      }
    }
    ConnectionSpec spec = ctx.database().migrationSpec();
    try (Connection c = DriverManager.getConnection(spec.jdbcUrl(), spec.driverProperties())) {
      return RestorePreflight.check(c, manifest.orElse(null), new RestorePreflight.Target(known, free, where));
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot connect to the target for the restore pre-flight: "
          + e.getMessage(), e);
    }
  }

  /** Row counts of the restored tables against the file's manifest (files without one: empty). */
  private Optional<RestoreVerification.Result> verify(Path backup, Set<String> selected) {
    Optional<BackupManifest> manifest = RestoreVerification.manifest(backup);
    if (manifest.isEmpty()) {
      return Optional.empty();
    }
    ConnectionSpec spec = ctx.database().migrationSpec();
    try (Connection c = DriverManager.getConnection(spec.jdbcUrl(), spec.driverProperties())) {
      return Optional.of(RestoreVerification.verify(c, manifest.get(), selected));
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.CONNECTION, "restored " + backup.getFileName() + ", but cannot connect "
          + "to verify it: " + e.getMessage(), e);
    }
  }

  /**
   * Which way the target's old content was replaced: {@code swap} (in parallel into a scratch
   * database swapped in), {@code oneTransaction}, {@code inPlace} (in parallel after the drop: a
   * new instance's fresh core schema), or null when nothing was.
   */
  private static String cleanPath(RestoreResult r) {
    if (!r.cleaned()) {
      return null;
    }
    return r.swapped() ? "swap" : r.singleTransaction() ? "oneTransaction" : "inPlace";
  }
}
