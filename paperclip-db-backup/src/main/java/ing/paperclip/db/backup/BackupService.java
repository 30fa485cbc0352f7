package ing.paperclip.db.backup;

import ing.paperclip.db.backup.dump.DumpScript;
import ing.paperclip.db.backup.dump.SchemaScripter;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.BackupWriter;
import ing.paperclip.db.backup.file.VerificationLog;
import ing.paperclip.db.backup.internal.AtomicBackupFile;
import ing.paperclip.db.backup.internal.BackupFiles;
import ing.paperclip.db.backup.internal.ConnectionSource;
import ing.paperclip.db.backup.internal.JavaEngine;
import ing.paperclip.db.backup.internal.PgDumpEngine;
import ing.paperclip.db.backup.internal.Snapshot;
import ing.paperclip.db.backup.internal.SourceFacts;
import ing.paperclip.db.backup.internal.TableLocks;
import ing.paperclip.db.backup.pgdump.PgDumpBinary;
import ing.paperclip.db.backup.pgdump.PgDumpLocator;
import ing.paperclip.db.backup.pgdump.PgDumpLookup;
import ing.paperclip.db.backup.restore.RestorePlanner;
import ing.paperclip.db.backup.schedule.CancelSignal;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.ConnectionSpec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes logical backups of one database into one directory: a gzip file of plain SQL with a
 * manifest, named {@code <prefix>-YYYYMMDD-HHMMSS.sql.gz}, that {@code gunzip -c FILE | psql}
 * restores on its own (format: {@code BACKUP-FORMAT.md}).
 *
 * <p>The whole backup reads one snapshot (REPEATABLE READ, READ ONLY; parallel workers import it).
 * The file is written under a temporary name in the directory (created 0700; the file 0600 from
 * the start), synced and renamed, so a crash never leaves a file that looks complete; on any
 * failure the temporary file is deleted. The engine that ran, and why, is in the result: a
 * requested engine that cannot run fails, it never falls back silently.
 *
 * <p>Build one with plain constructors. Instances are immutable and thread-safe; concurrent
 * {@link #backup()} calls are independent (each writes its own file), though callers normally
 * serialize them.
 */
public final class BackupService {
  private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);

  private final ConnectionSpec spec;
  private final ConnectionSource connections;
  private final String databaseLabel;
  private final Path directory;
  private final SchemaScripter scripter;
  private final BackupOptions options;
  private final PgDumpLocator locator;
  private final Clock clock;

  /**
   * Creates a service connecting with a {@link ConnectionSpec} (all engines available).
   *
   * @param spec the database to back up, not null
   * @param directory the backup directory (created 0700 if missing), not null
   * @param scripter scripts the schema for the java engine, not null
   * @param options how to back up, not null
   */
  public BackupService(ConnectionSpec spec, Path directory, SchemaScripter scripter,
      BackupOptions options) {
    this(spec, directory, scripter, options, new PgDumpLocator(System.getenv()), Clock.systemUTC());
  }

  /**
   * Creates a service with every collaborator given (for embedders and tests).
   *
   * @param spec the database to back up, not null
   * @param directory the backup directory, not null
   * @param scripter scripts the schema for the java engine, not null
   * @param options how to back up, not null
   * @param locator finds pg_dump for the {@code pg_dump} and {@code auto} engines, not null
   * @param clock gives the backup time used in the file name and manifest, not null
   */
  public BackupService(ConnectionSpec spec, Path directory, SchemaScripter scripter,
      BackupOptions options, PgDumpLocator locator, Clock clock) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.connections = () -> {
      Properties p = spec.driverProperties();
      p.setProperty("ApplicationName", "paperclip-db backup");
      return DriverManager.getConnection(spec.jdbcUrl(), p);
    };
    this.databaseLabel = spec.redacted();
    this.directory = Objects.requireNonNull(directory, "directory");
    this.scripter = Objects.requireNonNull(scripter, "scripter");
    this.options = Objects.requireNonNull(options, "options");
    this.locator = Objects.requireNonNull(locator, "locator");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Creates a service taking connections from a {@link DataSource} (for example a pool). The
   * {@code pg_dump} engine needs a {@link ConnectionSpec} and is therefore unavailable: engine
   * {@code pg_dump} fails and {@code auto} runs the java engine. Up to {@code jobs} connections
   * are used at once.
   *
   * @param dataSource the database to back up, not null
   * @param directory the backup directory, not null
   * @param scripter scripts the schema, not null
   * @param options how to back up, not null
   */
  public BackupService(DataSource dataSource, Path directory, SchemaScripter scripter,
      BackupOptions options) {
    Objects.requireNonNull(dataSource, "dataSource");
    this.spec = null;
    this.connections = dataSource::getConnection;
    this.databaseLabel = "the database";
    this.directory = Objects.requireNonNull(directory, "directory");
    this.scripter = Objects.requireNonNull(scripter, "scripter");
    this.options = Objects.requireNonNull(options, "options");
    this.locator = new PgDumpLocator(System.getenv());
    this.clock = Clock.systemUTC();
  }

  /** Returns the backup directory. */
  public Path directory() {
    return directory;
  }

  /** Returns the options. */
  public BackupOptions options() {
    return options;
  }

  /** Takes a backup without progress reporting; see {@link #backup(BackupListener, CancelSignal)}. */
  public BackupResult backup() {
    return backup(BackupListener.NONE, new CancelSignal());
  }

  /** Takes a backup that cannot be cancelled except by interruption; see {@link #backup(BackupListener, CancelSignal)}. */
  public BackupResult backup(BackupListener listener) {
    return backup(listener, new CancelSignal());
  }

  /**
   * Takes a backup. It stops early, leaving no file, when the calling thread is interrupted or
   * {@code cancel} fires: cancellation aborts its database connections and kills pg_dump, which
   * also unblocks a backup waiting for a lock (as {@link
   * ing.paperclip.db.backup.schedule.BackupScheduler} does on timeouts).
   *
   * @param listener receives progress, not null
   * @param cancel fired to stop the backup, not null
   * @return the file written and what it holds
   * @throws PaperclipException {@link ErrorCode#CONNECTION} if the database cannot be reached,
   *     {@link ErrorCode#BACKUP} if reading the database or running pg_dump fails or the engine
   *     cannot run, {@link ErrorCode#IO} if the file cannot be written (permissions, disk full),
   *     {@link ErrorCode#INVALID_INPUT} for options that do not fit the database; in every case
   *     no backup file is left behind
   */
  public BackupResult backup(BackupListener listener, CancelSignal cancel) {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(cancel, "cancel");
    Instant created = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    long start = System.nanoTime();
    Path dir = directory.toAbsolutePath().normalize();
    Connection main;
    ConnectionSource cancellable = () -> {
      Connection c = connections.open();
      cancel.onCancel(() -> abort(c));
      return c;
    };
    try {
      main = cancellable.open();
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.CONNECTION, "cannot connect to " + databaseLabel
          + " for a backup: " + firstLine(e.getMessage()) + "; check the database URL and that the"
          + " server is running", e);
    }
    try {
      TableLocks.lockThenSnapshot(main, options.lockTimeout(), databaseLabel);
      int serverVersion;
      String database;
      try (Statement s = main.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT current_setting('server_version_num')::int, current_database()")) {
        rs.next();
        serverVersion = rs.getInt(1);
        database = rs.getString(2);
      }
      listener.snapshotTaken();
      BackupManifest.Source source = SourceFacts.read(main);
      checkFreeSpace(main, dir);
      Choice choice = choose(serverVersion);
      LOG.debug("backup of {}: {}", database, choice.reason());
      BackupManifest manifest;
      Path file;
      long checkMillis;
      try (AtomicBackupFile out = create(dir, created)) {
        BackupWriter writer = BackupWriter.start(out.stream(), options.compressionLevel(), created,
            serverVersion, choice.name());
        BackupWriter.Contents contents;
        List<String> omitted = new ArrayList<>();
        if (choice.binary() != null) {
          contents = new PgDumpEngine(choice.binary(), spec, options.excludeTableData(),
              options.lockTimeout(), listener)
              .write(main, writer, cancel::onCancel);
        } else {
          contents = new JavaEngine(complete(scripter, omitted), options.jobs(),
              options.excludeTableData(), options.nullifyColumns(),
              options.lockTimeout(), databaseLabel, listener).write(main, cancellable, writer, out);
        }
        manifest = writer.finish(contents, database, new BackupManifest.Transforms(
            options.excludeTableData(), options.nullifyColumns(), omitted), source, options.signingKey());
        long checkStart = System.nanoTime();
        selfCheck(out.tempPath());
        checkMillis = (System.nanoTime() - checkStart) / 1_000_000;
        file = out.commit();
        VerificationLog.record(file, true, "verified when written", clock.instant());
      }
      long bytes = Files.size(file);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      LOG.info("backup of {} written to {} ({} bytes, {} tables, {} rows, {} ms of which {} ms checking"
          + " the file, engine {})", database, file, bytes, manifest.tables().size(), manifest.totalRows(),
          took.toMillis(), checkMillis, choice.name());
      return new BackupResult(file, bytes, choice.name(), choice.reason(), manifest.tables().size(),
          manifest.totalRows(), took, manifest);
    } catch (SQLException | IOException | RuntimeException e) {
      if (cancel.isCancelled()) {
        throw new PaperclipException(ErrorCode.BACKUP, "backup of " + databaseLabel
            + " was cancelled (" + cancel.reason() + "); no file was written", e);
      }
      throw translate(e, dir);
    } finally {
      Snapshot.end(main);
      try {
        main.close();
      } catch (SQLException ignored) {
        // the transaction was read-only; nothing is lost
      }
    }
  }

  /**
   * Reads the written file back as a restore would before it is published: the verifier (gzip
   * members and their offsets, framing, every checksum) and the allowlist of what a restore runs,
   * in one decompression on two threads. A file our restore would refuse is never published.
   */
  private void selfCheck(Path written) {
    try {
      // with the signing key, so that a signature that would not verify is never published
      new RestorePlanner(new BackupVerifier(options.signingKey(), true)).writersCheck(written);
    } catch (PaperclipException e) {
      throw new PaperclipException(ErrorCode.BACKUP, "backup of " + databaseLabel + " failed its own"
          + " check, the file written would not restore (" + e.getMessage() + "); no file was written,"
          + " report this with the log", e);
    }
  }

  /**
   * The completeness guard: a script that leaves out objects is refused before a byte of it is
   * written, unless {@link BackupOptions#skipUnsupported()} was asked; then each omission is
   * logged and collected into {@code omitted} for the manifest.
   */
  private SchemaScripter complete(SchemaScripter inner, List<String> omitted) {
    return snapshot -> {
      DumpScript script = inner.script(snapshot);
      if (!script.unscripted().isEmpty()) {
        if (!options.skipUnsupported()) {
          throw new PaperclipException(ErrorCode.BACKUP, "backup of " + databaseLabel
              + " refused: " + script.refusal());
        }
        for (String o : script.unscripted()) {
          LOG.warn("backup of {}: left out {} (--skip-unsupported)", databaseLabel, o);
        }
        omitted.addAll(script.unscripted());
      }
      return script;
    };
  }

  private PaperclipException translate(Exception failure, Path dir) {
    if (failure instanceof PaperclipException e) {
      return e;
    }
    if (failure instanceof SQLException e) {
      return new PaperclipException(ErrorCode.BACKUP, "backup of " + databaseLabel + " failed: "
          + firstLine(e.getMessage()) + "; no file was written, fix the cause and retry", e);
    }
    if (failure instanceof InterruptedIOException e) {
      Thread.currentThread().interrupt();
      return new PaperclipException(ErrorCode.BACKUP, "backup of " + databaseLabel
          + " was interrupted; no file was written", e);
    }
    if (failure instanceof IOException e && diskFull(e)) {
      return new PaperclipException(ErrorCode.IO, "cannot write a backup in " + dir + ": No space left on device;"
          + " no file was written and the partial one was removed; free disk space there, prune old backups,"
          + " or use another --dir", e);
    }
    if (failure instanceof IOException e) {
      return new PaperclipException(ErrorCode.IO, "cannot write a backup in " + dir + ": "
          + describe(e) + "; free disk space or fix the directory's permissions, or choose"
          + " another directory", e);
    }
    // A scripter or driver bug must still surface as a backup failure with one line.
    return new PaperclipException(ErrorCode.BACKUP, "backup of " + databaseLabel + " failed: "
        + failure.getClass().getSimpleName() + ": " + firstLine(failure.getMessage())
        + "; no file was written, report this with the log", failure);
  }

  private static void abort(Connection c) {
    // A backend waiting for a lock notices a closed socket only once it gets the lock: a cancel
    // request ends the wait first, so the server-side session ends too, not just ours.
    try {
      c.unwrap(org.postgresql.PGConnection.class).cancelQuery();
    } catch (SQLException ignored) {
      // not running anything, or not a pgjdbc connection: aborting below is enough
    }
    try {
      c.abort(Runnable::run);
    } catch (SQLException ignored) {
      // already closed or broken: nothing left to stop
    }
  }

  private AtomicBackupFile create(Path dir, Instant created) throws IOException {
    if (Files.isDirectory(dir) && BackupFiles.isShared(dir)) {
      LOG.warn("backup directory {} is readable by other users; backups hold every row of the"
          + " database: chmod 700 it", dir);
    }
    return AtomicBackupFile.create(dir, options.filenamePrefix(), created);
  }

  private record Choice(String name, String reason, PgDumpBinary binary) {}

  private Choice choose(int serverVersion) {
    int major = serverVersion / 10000;
    String server = "server major " + major;
    switch (options.engine()) {
      case JAVA:
        return new Choice("java", "engine java requested", null);
      case PG_DUMP: {
        if (!options.nullifyColumns().isEmpty()) {
          throw new PaperclipException(ErrorCode.INVALID_INPUT, "engine pg_dump cannot nullify"
              + " columns: use --engine java for redacted backups");
        }
        if (spec == null) {
          throw new PaperclipException(ErrorCode.BACKUP, "engine pg_dump needs a database URL,"
              + " but this backup service was built from a DataSource: use --engine java");
        }
        PgDumpLookup lookup = locator.find(major, options.pgDumpPath());
        PgDumpBinary b = lookup.match().orElseThrow(() -> new PaperclipException(ErrorCode.BACKUP,
            "engine pg_dump cannot run: " + lookup.mismatchExplanation() + ", and the " + server
            + " needs pg_dump " + major + " (pg_dump refuses newer servers and older dumps lose"
            + " features): install PostgreSQL " + major + " client tools and set "
            + PgDumpLocator.ENV_PATH + " to its pg_dump, or use --engine java"));
        return new Choice("pg_dump " + b.version(), "engine pg_dump requested: " + b.describe()
            + " matches " + server, b);
      }
      case AUTO:
      default: {
        if (!options.nullifyColumns().isEmpty()) {
          return new Choice("java", "auto: column nullification needs the java engine", null);
        }
        if (spec == null) {
          return new Choice("java", "auto: pg_dump needs a database URL, the service has a"
              + " DataSource; using java", null);
        }
        PgDumpLookup lookup = locator.find(major, options.pgDumpPath());
        if (lookup.match().isPresent()) {
          PgDumpBinary b = lookup.match().get();
          return new Choice("pg_dump " + b.version(), "auto: " + b.describe() + " matches " + server, b);
        }
        return new Choice("java", "auto: " + lookup.mismatchExplanation() + " for " + server
            + "; using java", null);
      }
    }
  }

  /** ENOSPC (or a quota), as the JDK reports it: the OS's message, on the exception or one it wraps. */
  private static boolean diskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t instanceof java.nio.file.FileSystemException f ? f.getReason() : t.getMessage();
      if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException a) {
      return "permission denied on " + a.getFile();
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + firstLine(m));
  }

  /**
   * Fails early, with the numbers, when the backup directory's file system clearly cannot hold the
   * backup: compressed dumps measure about 1/8 of the tables' size on disk, so a quarter is asked.
   */
  private static void checkFreeSpace(Connection c, Path dir) throws SQLException {
    long tableBytes;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT coalesce(sum(pg_catalog.pg_table_size(c.oid)), 0) FROM pg_catalog.pg_class c "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') "
            + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'")) {
      rs.next();
      tableBytes = rs.getLong(1);
    }
    long needed = tableBytes / 4 + (1 << 20);
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    try {
      long usable = Files.getFileStore(existing).getUsableSpace();
      if (usable < needed) {
        throw new PaperclipException(ErrorCode.IO, "not enough free space for a backup in " + dir + ": "
            + (usable >> 20) + " MB free, about " + (needed >> 20) + " MB needed (tables take "
            + (tableBytes >> 20) + " MB); free some space, prune old backups, or use another --dir");
      }
    } catch (IOException e) {
      LOG.debug("cannot read free space of {}: {}", existing, e.getMessage());
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
