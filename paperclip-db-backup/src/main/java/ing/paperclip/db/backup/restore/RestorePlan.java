package ing.paperclip.db.backup.restore;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a restore will do, in order: made by {@link RestorePlanner} from a backup file, printed by
 * {@code paperclipai db restore --plan}.
 *
 * @param file the backup file
 * @param format {@code paperclip-db}, {@code pg_dump} or {@code paperclip-legacy}
 * @param steps the steps in execution order
 * @param warnings things the user should know (e.g. data excluded when the backup was taken)
 */
public record RestorePlan(Path file, String format, List<RestoreStep> steps, List<String> warnings) {
  /** Validates and copies. */
  public RestorePlan {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    steps = List.copyOf(steps);
    warnings = List.copyOf(warnings);
  }

  /** Returns the number of tables whose rows are loaded with COPY. */
  public long tables() {
    return steps.stream().filter(s -> s instanceof RestoreStep.LoadTableData).count();
  }

  /** Returns the total rows loaded with COPY. */
  public long rows() {
    return steps.stream().filter(s -> s instanceof RestoreStep.LoadTableData)
        .mapToLong(s -> ((RestoreStep.LoadTableData) s).expectedRows()).sum();
  }

  /** Returns the plan as text, one line per step. */
  public String print() {
    StringBuilder sb = new StringBuilder();
    sb.append("restore plan for ").append(file).append(" (").append(format).append("): ")
        .append(steps.size()).append(" steps, ").append(tables()).append(" tables, ").append(rows())
        .append(" rows\n");
    for (int i = 0; i < steps.size(); i++) {
      sb.append(String.format("%5d  %s%n", i + 1, steps.get(i).describe()));
    }
    warnings.forEach(w -> sb.append("warning: ").append(w).append('\n'));
    return sb.toString();
  }
}
