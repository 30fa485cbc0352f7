package ing.paperclip.cli.db;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.GroupCommand;
import ing.paperclip.db.backup.file.BackupFile;
import ing.paperclip.db.backup.file.BackupHeader;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationLog;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.backup.restore.RestorePlanner;
import ing.paperclip.db.backup.retention.BackupCandidate;
import ing.paperclip.db.backup.retention.BackupListing;
import ing.paperclip.db.backup.retention.BackupPruner;
import ing.paperclip.db.backup.retention.PruneResult;
import ing.paperclip.db.backup.retention.RetentionDecision;
import ing.paperclip.db.backup.retention.RetentionPolicy;
import ing.paperclip.db.backup.schedule.BackupHealth;
import ing.paperclip.db.backup.file.BackupReader;
import ing.paperclip.db.backup.file.Format;
import ing.paperclip.db.backup.script.ScriptPolicy;
import ing.paperclip.db.backup.settings.BackupSettings;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.keys.InstanceKey;
import ing.paperclip.db.secrets.MasterKeyLoader;
import ing.paperclip.db.secrets.SecretsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paperclipai db backups ...}: look after backup files; none of these needs a database. */
@Command(name = "backups", mixinStandardHelpOptions = true,
    description = "Backup files: list, verify, prune, health, config. No database needed.")
public final class BackupsCommands extends GroupCommand {
  private BackupsCommands() {}

  /** Builds the {@code db backups} command with its subcommands. */
  public static CommandLine create(CliContext ctx) {
    CommandLine c = new CommandLine(new BackupsCommands());
    c.addSubcommand(new ListCommand(ctx));
    c.addSubcommand(new VerifyCommand(ctx));
    c.addSubcommand(new PruneCommand(ctx));
    c.addSubcommand(new HealthCommand(ctx));
    c.addSubcommand(new ConfigCommand(ctx));
    return c;
  }

  /** Options shared by every {@code db backups} command. */
  /** {@code --dir} and {@code --json} of the commands that work on the backup directory (also instance archives'). */
  public static class DirOption {
    @Option(names = "--dir", paramLabel = "DIR",
        description = "Backup directory (default: database.backup.dir, PAPERCLIP_DB_BACKUP_DIR, "
            + "or <instance>/data/backups).")
    Path dir;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** Returns the directory: {@code --dir}, else the backup settings'. */
    public Path resolve(CliContext ctx) {
      return dir != null ? dir : BackupSettings.resolve(ctx.layout(), ctx.env()).dir();
    }

    /** Tells whether {@code --json} was given. */
    public boolean json() {
      return json;
    }
  }

  /** The retention policy options of every prune ({@code db backups prune}, {@code instance prune}). */
  public static class RetentionOptions {
    @Option(names = "--dry-run", description = "Explain, delete nothing.")
    boolean dryRun;
    @Option(names = "--retention-days", paramLabel = "N", description = "Daily window (default: settings, 7).")
    Integer days;
    @Option(names = "--retention-weeks", paramLabel = "W", defaultValue = "4", description = "Weekly tier (default 4).")
    int weeks;
    @Option(names = "--retention-months", paramLabel = "M", defaultValue = "1", description = "Monthly tier (default 1).")
    int months;
    @Option(names = "--retention-hours", paramLabel = "H", description = "Hourly tier: newest per hour for H hours, then newest per day.")
    Integer hours;
    @Option(names = "--max-total-bytes", paramLabel = "BYTES", description = "Cap on the total size of kept files.")
    Long maxBytes;

    /** Returns the policy the options and the settings give. */
    public RetentionPolicy policy(CliContext ctx) {
      BackupSettings s = BackupSettings.resolve(ctx.layout(), ctx.env());
      return new RetentionPolicy(days != null ? days : s.retentionDays(), weeks,
          months, Optional.ofNullable(hours), maxBytes == null ? OptionalLong.empty() : OptionalLong.of(maxBytes));
    }

    /** Tells whether {@code --dry-run} was given. */
    public boolean dryRun() {
      return dryRun;
    }
  }

  /** Prints what a prune decided, as text or JSON (one form for backups and archives). */
  public static void print(CliContext ctx, Path dir, PruneResult r, boolean json) {
    if (json) {
      List<Map<String, Object>> decisions = new ArrayList<>();
      for (RetentionDecision d : r.decisions()) {
        decisions.add(Map.of("file", d.candidate().file().toString(),
            "action", d.keep() ? "keep" : "delete", "reason", d.reason()));
      }
      ctx.printJson(Map.of("dir", dir.toString(), "dryRun", r.dryRun(), "decisions", decisions,
          "removedTemporaryFiles", r.removedTemporaryFiles().stream().map(Path::toString).toList(),
          "bytesFreed", r.bytesFreed()));
    } else {
      for (RetentionDecision d : r.decisions()) {
        ctx.out().printf("%-7s %s  (%s)%n", d.keep() ? "keep" : (r.dryRun() ? "would delete" : "deleted"),
            d.candidate().file().getFileName(), d.reason());
      }
      r.removedTemporaryFiles().forEach(t -> ctx.out().println((r.dryRun() ? "would remove " : "removed ")
          + "abandoned temporary file " + t.getFileName()));
      ctx.out().println((r.dryRun() ? "would free " : "freed ") + r.bytesFreed() + " bytes");
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List backups: file, time, size, engine, and whether verified (--verify).")
  static final class ListCommand implements Callable<Integer> {
    private final CliContext ctx;
    @CommandLine.Mixin
    DirOption opts = new DirOption();
    @Option(names = "--verify", description = "Check every file's checksums (reads each file whole).")
    boolean verify;

    ListCommand(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Path dir = opts.resolve(ctx);
      List<Map<String, Object>> rows = new ArrayList<>();
      BackupVerifier verifier = new BackupVerifier();
      List<BackupCandidate> found = new ArrayList<>(new BackupListing(verifier).list(dir, ZoneId.systemDefault()));
      found.sort(Comparator.comparing(BackupCandidate::createdAt));
      for (BackupCandidate f : found) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", f.file().toString());
        r.put("createdAt", f.createdAt().toString());
        r.put("bytes", f.bytes());
        Optional<BackupHeader> h = BackupHeader.read(f.file());
        r.put("format", h.isPresent() ? "paperclip-db " + h.get().format() : "paperclip (original)");
        r.put("engine", h.map(BackupHeader::engine).orElse(""));
        if (verify && f.origin() == BackupCandidate.Origin.PAPERCLIP_DB) {
          VerificationReport v = verifier.verify(f.file());
          r.put("verified", v.complete());
          v.firstError().ifPresent(e -> r.put("error", e));
        } else {
          // the original's files carry no checksums to verify
          r.put("verified", null);
        }
        rows.add(r);
      }
      if (opts.json) {
        ctx.printJson(Map.of("dir", dir.toString(), "backups", rows));
      } else if (rows.isEmpty()) {
        ctx.out().println("no backups in " + dir);
      } else {
        for (Map<String, Object> r : rows) {
          Object v = r.get("verified");
          ctx.out().printf("%-20s %12s  %-22s %-10s %s%n", r.get("createdAt"), r.get("bytes"),
              r.get("engine").toString().isEmpty() ? r.get("format") : r.get("engine"),
              v == null ? "unchecked" : (Boolean) v ? "verified" : "CORRUPT", r.get("file"));
        }
      }
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check that backup files are complete, every checksum matches, who signed them, and that a "
          + "restore would run every statement without --trust-file (no database).")
  static final class VerifyCommand implements Callable<Integer> {
    private final CliContext ctx;
    @CommandLine.Mixin
    DirOption opts = new DirOption();
    @Parameters(arity = "0..*", paramLabel = "FILE", description = "Files to verify.")
    List<Path> files = new ArrayList<>();
    @Option(names = "--all", description = "Verify every backup in the directory.")
    boolean all;

    VerifyCommand(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      List<Path> targets = new ArrayList<>(files);
      if (all) {
        BackupFile.list(opts.resolve(ctx)).forEach(f -> targets.add(f.path()));
      }
      if (targets.isEmpty()) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT,
            "nothing to verify: name one or more files, or use --all");
      }
      Optional<InstanceKey> key = instanceKey(ctx);
      BackupVerifier verifier = new BackupVerifier(key, true);
      List<Map<String, Object>> rows = new ArrayList<>();
      int bad = 0;
      for (Path p : targets) {
        if (!Files.isRegularFile(p)) {
          throw new PaperclipException(ErrorCode.INVALID_INPUT, "no such backup file: " + p
              + "; check the path (list them with 'paperclipai db backups list')");
        }
        Optional<Format> format = Format.detect(p);
        Allowlist allowlist = new Allowlist(format.map(f -> RestorePlanner.policy(f, p, false)).orElse(null));
        boolean checksums = format.map(Format::hasChecksums).orElse(false);
        // our files: the allowlist reads the verifier's decompression on its own thread
        VerificationReport v = verifier.verify(p, checksums ? allowlist::read : null);
        if (format.isPresent() && !checksums) {
          // pg_dump plain and original files: no checksums, but the same allowlist as a restore
          try (java.io.InputStream in = ing.paperclip.db.backup.file.BackupFormat.openText(p)) {
            allowlist.read(in);
          } catch (IOException e) {
            allowlist.refusal = "cannot read it: " + e.getMessage();
          }
        }
        boolean ok = v.complete() && allowlist.refusal == null;
        if (!ok) {
          bad++;
        }
        String fileKind = format.map(Format::noun).orElse("not a backup");
        String signature = v.authenticity().describe(fileKind);
        String problem = v.firstError().orElse(allowlist.refusal == null ? "" : "a restore refuses it without"
            + " --trust-file: " + allowlist.refusal);
        if (v.kind() == VerificationReport.Kind.PAPERCLIP_DB) {
          VerificationLog.record(p, ok, ok ? "verified by db backups verify" : problem, java.time.Instant.now());
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", p.toString());
        r.put("kind", v.kind().name().toLowerCase(java.util.Locale.ROOT));
        r.put("complete", v.complete());
        r.put("ok", ok);
        r.put("tables", v.tables().size());
        r.put("rows", v.manifestIfPresent().map(m -> m.totalRows()).orElse(-1L));
        r.put("errors", v.errors());
        r.put("signature", v.authenticity().status().name().toLowerCase(java.util.Locale.ROOT));
        r.put("signedBy", v.authenticity().signer());
        r.put("instanceKey", v.authenticity().instance());
        r.put("authenticity", signature);
        r.put("refusedStatement", allowlist.refusal);
        rows.add(r);
        if (!opts.json) {
          String label = ok ? "ok       " : v.complete() ? "REFUSED  " : "CORRUPT  ";
          ctx.out().println(label + p + (ok ? "  (" + v.tables().size() + " tables, " + r.get("rows") + " rows; "
              + signature + ")" : "  " + problem + (v.complete() ? "; " + signature : "")));
        }
      }
      if (opts.json) {
        ctx.printJson(Map.of("results", rows, "failed", bad));
      }
      if (bad > 0) {
        ctx.err().println("error: " + bad + " of " + targets.size()
            + " backup file(s) failed verification; do not restore them, take a new backup");
        return ErrorCode.CORRUPT_FILE.exitCode();
      }
      return 0;
    }
  }

  /**
   * Loads this instance's master key the way the secrets commands find it (environment, configured
   * key file, default key file), creating nothing: an instance without a key writes unsigned
   * backups and verifies none as its own. A configured key that cannot be read is warned about and
   * treated as none, so that a broken key setting never stops a backup (it is then unsigned, and
   * says so) and a restore needs {@code --accept-unsigned}.
   */
  static Optional<InstanceKey> instanceKey(CliContext ctx) {
    Optional<Path> configured = ctx.config().getText("secrets.localEncrypted.keyFilePath").map(Path::of);
    MasterKeyLoader loader = new MasterKeyLoader(ctx.env(), configured, ctx.layout().defaultMasterKeyFile());
    try {
      return loader.find().map(k -> {
        k.warnings().forEach(w -> ctx.err().println("warning: " + w));
        return k.key();
      });
    } catch (SecretsException e) {
      ctx.err().println("warning: cannot load the instance's master key, so backups are not signed and no"
          + " signature is checked: " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Applies a restore's allowlist to a file's text as {@code db restore} does (same reader, same
   * policy) and keeps the first statement it refuses: a restore stops there.
   */
  private static final class Allowlist {
    private final ScriptPolicy policy;
    volatile String refusal;

    Allowlist(ScriptPolicy policy) {
      this.policy = policy;
    }

    void read(java.io.InputStream text) {
      if (policy == null) {
        return;
      }
      try {
        new BackupReader(text).read(policy::check);
      } catch (PaperclipException e) {
        refusal = e.getMessage();
      } catch (IOException | RuntimeException e) {
        // a damaged file: the verification reports it
      }
    }
  }

  @Command(name = "prune", mixinStandardHelpOptions = true,
      description = "Apply retention: keep every backup of the last N days, the newest per ISO "
          + "week for W weeks and per month for M months; never the newest verified backup.")
  static final class PruneCommand implements Callable<Integer> {
    private final CliContext ctx;
    @CommandLine.Mixin
    DirOption opts = new DirOption();
    @CommandLine.Mixin
    RetentionOptions retention = new RetentionOptions();

    PruneCommand(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Path dir = opts.resolve(ctx);
      PruneResult r = new BackupPruner(retention.policy(ctx), new BackupVerifier(), Clock.systemDefaultZone())
          .prune(dir, retention.dryRun());
      print(ctx, dir, r, opts.json);
      return 0;
    }
  }

  @Command(name = "health", mixinStandardHelpOptions = true,
      description = "Backup health: ok / missing / stale (older than max(26 h, 2 x interval)).")
  static final class HealthCommand implements Callable<Integer> {
    private final CliContext ctx;
    @CommandLine.Mixin
    DirOption opts = new DirOption();

    HealthCommand(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      BackupSettings s = BackupSettings.resolve(ctx.layout(), ctx.env());
      Path dir = opts.resolve(ctx);
      List<BackupCandidate> files = new BackupListing(new BackupVerifier()).list(dir, ZoneId.systemDefault());
      BackupHealth h = BackupHealth.of(files, Optional.empty(),
          Duration.ofMinutes(s.intervalMinutes()), Instant.now());
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("status", h.status());
      r.put("dir", dir.toString());
      r.put("latestFile", h.latestFile().map(Path::toString).orElse(null));
      r.put("latestAgeSeconds", h.latestAgeSeconds());
      r.put("latestBytes", h.latestBytes());
      r.put("staleAfterSeconds", h.staleAfterSeconds());
      r.put("latestVerification", h.latestVerification().map(v -> (v.ok() ? "ok" : "FAILED") + " at "
          + v.verifiedAt() + " (" + v.detail() + ")").orElse("none recorded for its current content; run"
          + " 'paperclipai db backups verify' on it"));
      h.lastError().ifPresent(e -> r.put("lastError", e));
      h.lastSkipped().ifPresent(e -> r.put("lastSkipped", e));
      if (opts.json) {
        ctx.printJson(r);
      } else {
        r.forEach((k, v) -> ctx.out().printf("%-18s %s%n", k + ":", v));
      }
      return "ok".equals(h.status()) ? 0 : 1;
    }
  }

  @Command(name = "config", mixinStandardHelpOptions = true,
      description = "Show the backup settings and where each value came from.")
  static final class ConfigCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    ConfigCommand(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      BackupSettings s = BackupSettings.resolve(ctx.layout(), ctx.env());
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("enabled", valueAndSource(s.enabled(), s.sources().get("enabled")));
      r.put("intervalMinutes", valueAndSource(s.intervalMinutes(), s.sources().get("intervalMinutes")));
      r.put("retentionDays", valueAndSource(s.retentionDays(), s.sources().get("retentionDays")));
      r.put("dir", valueAndSource(s.dir().toString(), s.sources().get("dir")));
      if (json) {
        ctx.printJson(r);
      } else {
        r.forEach((k, v) -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = (Map<String, Object>) v;
          ctx.out().printf("%-16s %-40s (%s)%n", k, m.get("value"), m.get("source"));
        });
      }
      return 0;
    }
  }

  private static Map<String, Object> valueAndSource(Object value, String source) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", value);
    m.put("source", source);
    return m;
  }

  static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }
}
