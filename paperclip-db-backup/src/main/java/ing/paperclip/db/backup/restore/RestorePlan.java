package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.Format;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a restore does, in order: made by {@link RestorePlanner} from a backup file, printed by
 * {@code paperclipai db restore --plan}, and run by both executors: in one transaction the steps
 * run exactly in this order; in parallel the same steps run each once (the opening settings on
 * every connection), each after the steps it depends on.
 *
 * @param file the backup file
 * @param format the file's format
 * @param steps the steps in file order, which is the one-transaction execution order
 * @param warnings things the user should know (e.g. data excluded when the backup was taken)
 * @param fileBytes the file's size on disk when it was planned
 * @param selective whether it restores only part of the file ({@link RestoreSelection})
 */
public record RestorePlan(Path file, Format format, List<RestoreStep> steps, List<String> warnings,
    long fileBytes, boolean selective) {
  /** Validates and copies. */
  public RestorePlan {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    steps = List.copyOf(steps);
    warnings = List.copyOf(warnings);
  }

  /** Returns the tables whose rows a selective plan restores, or null for a whole one. */
  public java.util.Set<String> selectedTables() {
    return selective ? tableData().stream().map(RestoreStep.LoadTableData::qualifiedName)
        .collect(java.util.stream.Collectors.toSet()) : null;
  }

  /** Returns the data steps, in file order. */
  public List<RestoreStep.LoadTableData> tableData() {
    return steps.stream().filter(s -> s instanceof RestoreStep.LoadTableData)
        .map(s -> (RestoreStep.LoadTableData) s).toList();
  }

  /** Tells whether every table's rows are a gzip member of their own at a known position. */
  public boolean membersKnown() {
    return tableData().stream().allMatch(RestoreStep.LoadTableData::hasMember);
  }

  /**
   * Returns the bytes of the file (compressed, as on disk) a restore reads for the rows: the
   * tables' own members when the file locates them all, else the whole file (read in one pass).
   */
  public long dataBytes() {
    return membersKnown() ? tableData().stream().mapToLong(RestoreStep.LoadTableData::memberLength).sum()
        : fileBytes;
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
    sb.append("restore plan for ").append(file).append(" (").append(format.label()).append("): ")
        .append(steps.size()).append(" steps, ").append(tables()).append(" tables, ").append(rows())
        .append(" rows\n");
    for (int i = 0; i < steps.size(); i++) {
      sb.append(String.format("%5d  %s%n", i + 1, steps.get(i).describe()));
    }
    warnings.forEach(w -> sb.append("warning: ").append(w).append('\n'));
    return sb.toString();
  }
}
