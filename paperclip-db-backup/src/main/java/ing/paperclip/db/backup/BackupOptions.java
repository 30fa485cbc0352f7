package ing.paperclip.db.backup;

import ing.paperclip.db.backup.file.BackupFile;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to take a backup. Immutable; build with {@link #builder()} or take {@link #defaults()}.
 *
 * @param filenamePrefix the file name prefix, {@code [A-Za-z0-9_.-]+} (default {@code paperclip})
 * @param engine which engine writes the body (default {@link BackupEngine#JAVA})
 * @param jobs parallel table workers of the java engine, 1..64 (default {@code min(2, cores)});
 *     each worker is one more database connection in the same snapshot
 * @param compressionLevel gzip level 0..9 (default 4)
 * @param pgDumpPath the pg_dump binary to use (typically from {@code PAPERCLIP_PG_DUMP_PATH}), or
 *     null to look on {@code PATH} and in the usual installation directories
 * @param excludeTableData {@code schema.table} names whose rows are left out (their definitions
 *     stay)
 * @param nullifyColumns {@code schema.table.column} names written as NULL (redaction); java engine
 *     only
 * @param lockTimeout the longest the backup waits for any lock (default 30 s): a session holding
 *     a table in a conflicting mode makes the backup fail after this long instead of waiting
 * @param skipUnsupported whether the java engine may leave out objects it cannot script (each
 *     omission is logged and listed in the manifest); by default (false) such a database is
 *     refused with a message naming the object
 */
public record BackupOptions(
    String filenamePrefix, BackupEngine engine, int jobs, int compressionLevel, Path pgDumpPath,
    List<String> excludeTableData, List<String> nullifyColumns, Duration lockTimeout,
    boolean skipUnsupported) {

  /**
   * The default deflate level. Deflate is the backup's bottleneck: on the benchmark dataset level 4
   * is ~11 % faster than 6 for files 2.7 % larger (1.03 x pg_dump -Fc); levels 1-3 are faster still
   * but 18 % larger.
   */
  public static final int DEFAULT_COMPRESSION_LEVEL = 4;
  /** The default {@link #lockTimeout()}. */
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);
  /** The largest accepted {@link #jobs()}. */
  public static final int MAX_JOBS = 64;

  private static final Pattern TABLE_NAME = Pattern.compile("[^.]+\\.[^.]+");
  private static final Pattern COLUMN_NAME = Pattern.compile("[^.]+\\.[^.]+\\.[^.]+");

  /** Validates and copies. */
  public BackupOptions {
    BackupFile.validatePrefix(filenamePrefix);
    Objects.requireNonNull(engine, "engine");
    if (jobs < 1 || jobs > MAX_JOBS) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT,
          "backup jobs " + jobs + " is out of range: use 1.." + MAX_JOBS);
    }
    if (compressionLevel < 0 || compressionLevel > 9) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT,
          "backup compression level " + compressionLevel + " is out of range: use 0..9");
    }
    Objects.requireNonNull(lockTimeout, "lockTimeout");
    if (lockTimeout.toMillis() < 1 || lockTimeout.compareTo(Duration.ofDays(1)) > 0) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "backup lock timeout " + lockTimeout
          + " is out of range: use 1 ms .. 24 h");
    }
    excludeTableData = List.copyOf(excludeTableData);
    nullifyColumns = List.copyOf(nullifyColumns);
    for (String t : excludeTableData) {
      if (!TABLE_NAME.matcher(t).matches()) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "excluded table '" + t
            + "' is not of the form schema.table");
      }
    }
    for (String c : nullifyColumns) {
      if (!COLUMN_NAME.matcher(c).matches()) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "nullified column '" + c
            + "' is not of the form schema.table.column");
      }
    }
  }

  /** Returns the defaults: prefix {@code paperclip}, java engine, min(2, cores) jobs, level 4. */
  public static BackupOptions defaults() {
    return builder().build();
  }

  /** Returns a builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding these options. */
  public Builder toBuilder() {
    return new Builder().filenamePrefix(filenamePrefix).engine(engine).jobs(jobs)
        .compressionLevel(compressionLevel).pgDumpPath(pgDumpPath)
        .excludeTableData(excludeTableData).nullifyColumns(nullifyColumns).lockTimeout(lockTimeout)
        .skipUnsupported(skipUnsupported);
  }

  /** Builds {@link BackupOptions}; validation happens in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private String filenamePrefix = BackupFile.DEFAULT_PREFIX;
    private BackupEngine engine = BackupEngine.JAVA;
    private int jobs = Math.min(2, Runtime.getRuntime().availableProcessors());
    private int compressionLevel = DEFAULT_COMPRESSION_LEVEL;
    private Path pgDumpPath;
    private List<String> excludeTableData = List.of();
    private List<String> nullifyColumns = List.of();
    private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
    private boolean skipUnsupported;

    private Builder() {}

    /** Sets the file name prefix. */
    public Builder filenamePrefix(String value) {
      this.filenamePrefix = value;
      return this;
    }

    /** Sets the engine. */
    public Builder engine(BackupEngine value) {
      this.engine = value;
      return this;
    }

    /** Sets the number of parallel workers of the java engine. */
    public Builder jobs(int value) {
      this.jobs = value;
      return this;
    }

    /** Sets the gzip level. */
    public Builder compressionLevel(int value) {
      this.compressionLevel = value;
      return this;
    }

    /** Sets the pg_dump binary, or null to search for one. */
    public Builder pgDumpPath(Path value) {
      this.pgDumpPath = value;
      return this;
    }

    /** Sets the {@code schema.table} names whose rows are left out. */
    public Builder excludeTableData(List<String> value) {
      this.excludeTableData = value;
      return this;
    }

    /** Sets the {@code schema.table.column} names written as NULL. */
    public Builder nullifyColumns(List<String> value) {
      this.nullifyColumns = value;
      return this;
    }

    /** Sets the longest wait for any lock. */
    public Builder lockTimeout(Duration value) {
      this.lockTimeout = value;
      return this;
    }

    /** Lets the java engine leave out (and list) objects it cannot script instead of refusing. */
    public Builder skipUnsupported(boolean value) {
      this.skipUnsupported = value;
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} naming the bad option
     */
    public BackupOptions build() {
      return new BackupOptions(filenamePrefix, engine, jobs, compressionLevel, pgDumpPath,
          excludeTableData, nullifyColumns, lockTimeout, skipUnsupported);
    }
  }
}
