package ing.paperclip.cli.db;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.Database;
import ing.paperclip.cli.Progress;
import ing.paperclip.db.backup.BackupEngine;
import ing.paperclip.db.backup.BackupListener;
import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupResult;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.retention.BackupPruner;
import ing.paperclip.db.backup.retention.PruneResult;
import ing.paperclip.db.backup.retention.RetentionPolicy;
import ing.paperclip.db.backup.schedule.BackupScheduler;
import ing.paperclip.db.backup.schedule.InstanceLock;
import ing.paperclip.db.backup.schedule.RunRecord;
import ing.paperclip.db.backup.settings.BackupSettings;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paperclipai db backup}: a logical backup of every non-system schema. */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = "Write a logical backup (<prefix>-YYYYMMDD-HHMMSS.sql.gz, plain SQL that "
        + "'gunzip -c FILE | psql' restores) of every non-system schema, from one snapshot, then "
        + "apply retention.")
final class DbBackupCommand implements Callable<Integer> {
  private final CliContext ctx;
  private java.util.Optional<ing.paperclip.db.core.keys.InstanceKey> signer = java.util.Optional.empty();

  @Option(names = "--dir", paramLabel = "DIR", description = "Backup directory (default: settings).")
  Path dir;
  @Option(names = "--filename-prefix", paramLabel = "P", defaultValue = "paperclip",
      description = "File name prefix (default: paperclip).")
  String prefix;
  @Option(names = "--retention-days", paramLabel = "N", description = "Daily retention window (default: settings, 7).")
  Integer retentionDays;
  @Option(names = "--no-prune", description = "Do not apply retention after the backup.")
  boolean noPrune;
  @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "java",
      description = "java (built in, default), pg_dump, or auto (pg_dump when one fits the server).")
  String engine;
  @Option(names = "--jobs", paramLabel = "N", description = "Parallel table workers (default: min(2, cores)).")
  Integer jobs;
  @Option(names = "--exclude-table-data", paramLabel = "SCHEMA.TABLE",
      description = "Keep the table's definition, leave out its rows (repeatable).")
  List<String> excludeTableData = new ArrayList<>();
  @Option(names = "--nullify", paramLabel = "SCHEMA.TABLE.COLUMN",
      description = "Write the column as NULL (redaction; repeatable).")
  List<String> nullify = new ArrayList<>();
  @Option(names = "--every", paramLabel = "DURATION",
      description = "Keep running and back up at this interval, e.g. 60m, 6h (Ctrl-C stops).")
  String every;
  @Option(names = "--runs", paramLabel = "N",
      description = "With --every: stop after N runs (default: run until stopped).")
  Integer runs;
  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2h",
      description = "Longest a scheduled run may take before it is cancelled (default 2h).")
  String timeout;
  @Option(names = "--compression-level", paramLabel = "0-9",
      description = "gzip level of the java engine (default 4; lower is faster and larger).")
  Integer compressionLevel;
  @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "Longest wait for a table lock held by another session (default 30s).")
  String lockTimeout;
  @Option(names = "--skip-unsupported",
      description = "Back up even if the java engine cannot script some objects: leave them out,"
          + " print them and list them in the manifest (default: refuse, naming the object).")
  boolean skipUnsupported;
  @Option(names = "--stdout", description = "Write the backup to standard output instead of a directory "
      + "(written and self-checked in a private temporary directory first, then copied; no retention).")
  boolean stdout;
  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  DbBackupCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    BackupSettings settings = BackupSettings.resolve(ctx.layout(), ctx.env());
    Path target = dir != null ? dir : settings.dir();
    BackupOptions.Builder b = BackupOptions.builder().filenamePrefix(prefix)
        .engine(BackupEngine.parse(engine)).excludeTableData(excludeTableData).nullifyColumns(nullify)
        .lockTimeout(DurationOption.parse(lockTimeout, "--lock-timeout"))
        .skipUnsupported(skipUnsupported);
    if (jobs != null) {
      b.jobs(jobs);
    }
    if (compressionLevel != null) {
      b.compressionLevel(compressionLevel);
    }
    String pgDump = ctx.env().get("PAPERCLIP_PG_DUMP_PATH");
    if (pgDump != null && !pgDump.isBlank()) {
      b.pgDumpPath(Path.of(pgDump));
    }
    // Signed with the instance's master key when it has one; no key is created just for signing.
    signer = BackupsCommands.instanceKey(ctx);
    b.signingKey(signer);
    BackupOptions options = b.build();
    if (stdout) {
      if (every != null || dir != null || json) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "--stdout writes one backup to standard output: "
            + "it does not combine with --every, --dir or --json");
      }
      return toStdout(options);
    }
    Database db = ctx.database();
    BackupService service = new BackupService(db.runtimeSpec(), target, new CatalogSchemaScripter(), options);
    RetentionPolicy policy = RetentionPolicy.DEFAULTS.withDailyDays(
        retentionDays != null ? retentionDays : settings.retentionDays());
    InstanceLock lock = new InstanceLock(db.runtimeSpec());
    if (every == null) {
      if (runs != null) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "--runs needs --every: a single backup is one run");
      }
      BackupResult r;
      // a backup taken while a restore runs would hold a half-restored database
      InstanceLock.Lease lease = lock.tryBackup().orElseThrow(() -> new PaperclipException(ErrorCode.CONFLICT,
          "refusing to back up: " + lock.holder().orElse("a restore") + " holds the instance lock; no file was "
              + "written. Run the backup again when the restore has finished"));
      try (Progress.Backup progress = Progress.forBackup(ctx, json)) {
        r = service.backup(progress);
      } finally {
        lease.close();
      }
      PruneResult pruned = noPrune ? null
          : new BackupPruner(policy, new BackupVerifier(), Clock.systemDefaultZone()).prune(target, false);
      print(r, pruned);
      return 0;
    }
    Duration interval = DurationOption.parse(every, "--every");
    if (runs != null && runs < 1) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "--runs must be at least 1, got " + runs);
    }
    CountDownLatch stop = new CountDownLatch(1);
    AtomicInteger left = new AtomicInteger(runs == null ? Integer.MAX_VALUE : runs);
    // the scheduler's signal reaches the backup: a timeout aborts its connections and its pg_dump
    BackupScheduler scheduler = new BackupScheduler(signal -> {
      BackupResult r = service.backup(BackupListener.NONE, signal);
      PruneResult pruned = noPrune ? null
          : new BackupPruner(policy, new BackupVerifier(), Clock.systemDefaultZone()).prune(target, false);
      print(r, pruned);
      return r.file();
    }, interval, DurationOption.parse(timeout, "--timeout"), Clock.systemUTC(), lock, run -> {
      if (run.status() != RunRecord.Status.OK) {
        printFailure(run);
      }
      if (left.decrementAndGet() == 0) {
        stop.countDown();
      }
    });
    Thread hook = new Thread(() -> {
      scheduler.close();
      stop.countDown();
    }, "paperclipai-backup-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    ctx.err().println("backing up every " + every + " into " + target + " (Ctrl-C stops)");
    scheduler.start(Duration.ZERO);
    stop.await();
    scheduler.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    return scheduler.lastRun().map(r -> switch (r.status()) {
      case OK -> 0;
      case SKIPPED -> ErrorCode.CONFLICT.exitCode();
      default -> ErrorCode.BACKUP.exitCode();
    }).orElse(0);
  }

  /** One backup into a private temporary directory, copied to standard output, then removed. */
  private int toStdout(BackupOptions options) throws java.io.IOException {
    Path tmp = java.nio.file.Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")),
        ".paperclip-backup-stdout-", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    try {
      Database db = ctx.database();
      BackupService service = new BackupService(db.runtimeSpec(), tmp, new CatalogSchemaScripter(), options);
      InstanceLock lock = new InstanceLock(db.runtimeSpec());
      InstanceLock.Lease lease = lock.tryBackup().orElseThrow(() -> new PaperclipException(ErrorCode.CONFLICT,
          "refusing to back up: " + lock.holder().orElse("a restore") + " holds the instance lock; nothing was "
              + "written. Run the backup again when the restore has finished"));
      BackupResult r;
      try {
        r = service.backup(BackupListener.NONE);
      } finally {
        lease.close();
      }
      java.nio.file.Files.copy(r.file(), System.out);
      System.out.flush();
      ctx.err().printf(Locale.ROOT, "%s: %d tables, %d rows, %d bytes written to standard output%n",
          r.file().getFileName(), r.tables(), r.rows(), r.bytes());
      return 0;
    } finally {
      try (var files = java.nio.file.Files.list(tmp)) {
        for (Path f : files.toList()) {
          java.nio.file.Files.deleteIfExists(f);
        }
      }
      java.nio.file.Files.deleteIfExists(tmp);
    }
  }

  private synchronized void printFailure(RunRecord run) {
    String what = run.status().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("status", run.status().name());
      m.put("startedAt", run.startedAt().toString());
      m.put("durationMillis", run.duration().toMillis());
      m.put("error", run.error().orElse(""));
      ctx.printJson(m);
    } else {
      ctx.err().println(run.trigger() + " backup " + what + ": " + run.error().orElse(""));
    }
    ctx.out().flush();
    ctx.err().flush();
  }

  private synchronized void print(BackupResult r, PruneResult pruned) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", r.file().toString());
      m.put("bytes", r.bytes());
      m.put("engine", r.engine());
      m.put("engineReason", r.engineReason());
      m.put("tables", r.tables());
      m.put("rows", r.rows());
      m.put("durationMillis", r.duration().toMillis());
      m.put("omittedObjects", r.manifest().transforms().omittedObjects());
      m.put("signedBy", signer.map(k -> k.fingerprint()).orElse(null));
      if (pruned != null) {
        m.put("pruned", pruned.deleted().stream().map(Path::toString).toList());
      }
      ctx.printJson(m);
    } else {
      ctx.out().println(r.file());
      ctx.err().printf(Locale.ROOT, "%s: %d tables, %d rows, %d bytes in %.1f s (engine %s)%n",
          r.file().getFileName(), r.tables(), r.rows(), r.bytes(), r.duration().toMillis() / 1000.0, r.engine());
      for (String o : r.manifest().transforms().omittedObjects()) {
        ctx.err().println("left out (--skip-unsupported): " + o);
      }
      ctx.err().println(signer.map(k -> "signed by this instance's key (fp " + k.fingerprint() + ")")
          .orElse("not signed: this instance has no master key yet (it is created with the first secret);"
              + " restoring this file into an instance that has a key will need --accept-unsigned"));
      if (pruned != null && !pruned.deleted().isEmpty()) {
        ctx.err().println("retention removed " + pruned.deleted().size() + " old backup(s)");
      }
    }
    ctx.out().flush();
  }

  /** Parses durations such as {@code 90s}, {@code 60m}, {@code 6h}, {@code 1d}. */
  static final class DurationOption {
    private DurationOption() {}

    static Duration parse(String text, String option) {
      String t = text.strip().toLowerCase(Locale.ROOT);
      try {
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        Duration d = switch (t.charAt(t.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          case 'd' -> Duration.ofDays(n);
          default -> null;
        };
        if (d != null && !d.isNegative() && !d.isZero()) {
          return d;
        }
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        // fall through to the error
      }
      throw new PaperclipException(ErrorCode.INVALID_INPUT, option + " '" + text
          + "' is not a duration: use a number with s, m, h or d, e.g. 60m");
    }
  }
}
