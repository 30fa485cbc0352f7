package ing.paperclip.db.backup.restore;

/**
 * How to restore. Immutable.
 *
 * @param clean replace what the target holds; without it a non-empty target is refused. In one
 *     transaction every non-system schema and non-default extension is dropped first, in the same
 *     transaction; in parallel the backup is restored into a scratch database that then replaces
 *     the target in one transaction ({@link RestoreService#withBeforeSwap}; when that cannot be done
 *     the restore runs in one transaction, saying why). Either way a failure keeps the target's
 *     previous content
 * @param noOwner skip every {@code ALTER ... OWNER TO} statement: everything is owned by the
 *     restoring role. Without it owners are set where the target has the role and the restoring
 *     role may take it, with a warning per other role, and a SECURITY DEFINER function whose
 *     owner cannot be set is refused
 * @param jobs connections used by a parallel restore, 1 to {@link #MAX_JOBS}; 1 means one
 *     transaction on one connection
 * @param singleTransaction run everything in one transaction on one connection whatever
 *     {@code jobs} says (slower; a failure rolls back instead of being undone)
 * @param trustFile run every statement the file holds, lifting the allowlist of what a backup
 *     contains ({@link ing.paperclip.db.backup.script.ScriptPolicy}): only for files the user
 *     made or vouches for, since a file may hold anything the restoring role may run
 * @param selection the part of the backup to restore ({@code --schema}, {@code --exclude-schema},
 *     {@code --table}); {@link RestoreSelection#ALL} for all of it
 */
public record RestoreOptions(boolean clean, boolean noOwner, int jobs, boolean singleTransaction,
    boolean trustFile, RestoreSelection selection) {
  /** The largest number of jobs accepted. */
  public static final int MAX_JOBS = 64;

  /**
   * The defaults: refuse non-empty targets, set owners where the target has the role (like
   * pg_restore), {@link #defaultJobs()} jobs.
   */
  public static final RestoreOptions DEFAULTS = new RestoreOptions(false, false, defaultJobs(), false, false);

  /** Validates. */
  public RestoreOptions {
    java.util.Objects.requireNonNull(selection, "selection");
    if (jobs < 1 || jobs > MAX_JOBS) {
      throw new IllegalArgumentException("restore jobs must be between 1 and " + MAX_JOBS + ", got "
          + jobs);
    }
  }

  /** Creates options restoring the whole backup. */
  public RestoreOptions(boolean clean, boolean noOwner, int jobs, boolean singleTransaction, boolean trustFile) {
    this(clean, noOwner, jobs, singleTransaction, trustFile, RestoreSelection.ALL);
  }

  /** Creates options with {@link #defaultJobs()} jobs. */
  public RestoreOptions(boolean clean, boolean noOwner) {
    this(clean, noOwner, defaultJobs(), false, false);
  }

  /** Creates options that keep the allowlist of what a backup contains. */
  public RestoreOptions(boolean clean, boolean noOwner, int jobs, boolean singleTransaction) {
    this(clean, noOwner, jobs, singleTransaction, false);
  }

  /**
   * Returns the default number of jobs: the available processors, at least 1 and at most 4 (the
   * server does most of the work; more connections than cores only contend).
   */
  public static int defaultJobs() {
    return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  /** Returns a copy with {@code clean} set. */
  public RestoreOptions withClean(boolean value) {
    return new RestoreOptions(value, noOwner, jobs, singleTransaction, trustFile, selection);
  }

  /** Returns a copy with {@code jobs} set. */
  public RestoreOptions withJobs(int value) {
    return new RestoreOptions(clean, noOwner, value, singleTransaction, trustFile, selection);
  }

  /** Returns a copy with {@code singleTransaction} set. */
  public RestoreOptions withSingleTransaction(boolean value) {
    return new RestoreOptions(clean, noOwner, jobs, value, trustFile, selection);
  }

  /** Returns a copy with {@code trustFile} set. */
  public RestoreOptions withTrustFile(boolean value) {
    return new RestoreOptions(clean, noOwner, jobs, singleTransaction, value, selection);
  }

  /** Returns a copy with {@code selection} set. */
  public RestoreOptions withSelection(RestoreSelection value) {
    return new RestoreOptions(clean, noOwner, jobs, singleTransaction, trustFile, value);
  }

  /** Tells whether these options ask for one transaction (jobs 1 or --single-transaction). */
  public boolean oneTransaction() {
    return jobs == 1 || singleTransaction;
  }
}
