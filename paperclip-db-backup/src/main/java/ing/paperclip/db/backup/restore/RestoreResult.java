package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.Format;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a restore did.
 *
 * @param file the backup restored
 * @param format its format
 * @param statements SQL statements executed
 * @param tables tables loaded with COPY
 * @param rows rows loaded with COPY
 * @param cleaned whether the target was cleaned first
 * @param duration wall time
 * @param warnings notes for the user (e.g. partial data)
 * @param jobs connections used: 1 for a restore in one transaction
 * @param phaseMillis wall time per phase in milliseconds, in order ({@code verify}, {@code
 *     pre-data}, {@code data}, {@code post-data}, ...)
 * @param replacedFreshCore whether the target held only a new instance's empty core schema, which
 *     the backup replaced
 * @param coreMigrationsApplied the ids of the core changesets, newer than the backup's, applied
 *     after the load ({@link RestoreService#applyPendingCoreMigrations}), in order
 * @param selected the tables ({@code schema.table}) whose rows were restored when only part of
 *     the backup was ({@link RestoreSelection}), or null when all of it was
 * @param swapped whether a {@code --clean} restored in parallel into a scratch database that then
 *     replaced the target in one transaction (the old content kept until the whole restore had
 *     succeeded); false for a restore in one transaction or into an empty target
 */
public record RestoreResult(Path file, Format format, long statements, long tables, long rows,
    boolean cleaned, Duration duration, List<String> warnings, int jobs, Map<String, Long> phaseMillis,
    boolean replacedFreshCore, List<String> coreMigrationsApplied, java.util.Set<String> selected,
    boolean swapped) {
  /** Copies. */
  public RestoreResult {
    warnings = List.copyOf(warnings);
    phaseMillis = Collections.unmodifiableMap(new LinkedHashMap<>(phaseMillis));
    coreMigrationsApplied = List.copyOf(coreMigrationsApplied);
    selected = selected == null ? null : java.util.Set.copyOf(selected);
  }

  /** Creates a result of a restore that was not swapped in. */
  public RestoreResult(Path file, Format format, long statements, long tables, long rows,
      boolean cleaned, Duration duration, List<String> warnings, int jobs, Map<String, Long> phaseMillis,
      boolean replacedFreshCore, List<String> coreMigrationsApplied, java.util.Set<String> selected) {
    this(file, format, statements, tables, rows, cleaned, duration, warnings, jobs, phaseMillis, replacedFreshCore,
        coreMigrationsApplied, selected, false);
  }

  /** Returns a copy with a warning added. */
  public RestoreResult withWarning(String warning) {
    List<String> w = new java.util.ArrayList<>(warnings);
    w.add(warning);
    return new RestoreResult(file, format, statements, tables, rows, cleaned, duration, w, jobs, phaseMillis,
        replacedFreshCore, coreMigrationsApplied, selected, swapped);
  }

  /**
   * Returns a copy recording that it replaced the target through a scratch database (and so
   * cleaned it), taking {@code took} in all, in {@code phases}.
   */
  public RestoreResult withReplacedThroughScratch(Duration took, Map<String, Long> phases) {
    return new RestoreResult(file, format, statements, tables, rows, true, took, warnings, jobs, phases,
        replacedFreshCore, coreMigrationsApplied, selected, true);
  }

  /** Returns a copy recording the core changesets applied after the load. */
  public RestoreResult withCoreMigrationsApplied(List<String> ids) {
    return new RestoreResult(file, format, statements, tables, rows, cleaned, duration, warnings, jobs, phaseMillis,
        replacedFreshCore, ids, selected, swapped);
  }

  /** Tells whether the restore ran in one transaction. */
  public boolean singleTransaction() {
    return jobs == 1;
  }
}
