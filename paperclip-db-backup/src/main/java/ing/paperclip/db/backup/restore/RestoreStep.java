package ing.paperclip.db.backup.restore;

import java.util.List;
import java.util.Objects;

/**
 * One step of a {@link RestorePlan}. Steps are data: printable and testable without a database.
 */
public sealed interface RestoreStep {
  /** Returns the step's section: {@code pre-data}, {@code data}, {@code post-data} or {@code session}. */
  String section();

  /** Returns one line describing the step, for {@code db restore --plan}. */
  String describe();

  /**
   * Create or alter a schema object.
   *
   * @param section {@code pre-data} or {@code post-data}
   * @param kind the object kind, e.g. {@code TABLE}, {@code INDEX}
   * @param name the object's name (schema-qualified where it has a schema)
   * @param dependsOn names of the objects it needs (from the file, when it records them)
   * @param line the line of the file where its SQL starts
   */
  record CreateObject(String section, String kind, String name, List<String> dependsOn, long line)
      implements RestoreStep {
    /** Validates and copies. */
    public CreateObject {
      Objects.requireNonNull(section, "section");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public String describe() {
      return String.format("%-9s  %-22s %s", section, kind, name);
    }
  }

  /**
   * Load a table's rows with COPY.
   *
   * @param schema the table's schema
   * @param table the table's name
   * @param expectedRows rows the file holds for it
   * @param line the line of its COPY statement
   */
  record LoadTableData(String schema, String table, long expectedRows, long line) implements RestoreStep {
    @Override
    public String section() {
      return "data";
    }

    @Override
    public String describe() {
      return String.format("%-9s  %-22s %s.%s (%d rows)", "data", "TABLE DATA", schema, table, expectedRows);
    }
  }

  /**
   * Insert rows with INSERT statements (the original Paperclip's files).
   *
   * @param table the table written to
   * @param statements how many INSERT statements
   */
  record InsertRows(String table, long statements) implements RestoreStep {
    @Override
    public String section() {
      return "data";
    }

    @Override
    public String describe() {
      return String.format("%-9s  %-22s %s (%d statements)", "data", "INSERT", table, statements);
    }
  }

  /**
   * A session setting or another statement that creates nothing (SET, SELECT set_config).
   *
   * @param sql the statement
   */
  record SessionSetting(String sql) implements RestoreStep {
    @Override
    public String section() {
      return "session";
    }

    @Override
    public String describe() {
      String one = sql.replaceAll("\\s+", " ");
      return String.format("%-9s  %-22s %s", "session", "SET", one.length() > 80 ? one.substring(0, 77) + "..." : one);
    }
  }

  /**
   * A statement of the file that the restore does not run, with the reason (e.g. the file's own
   * BEGIN/COMMIT: the restore runs in its own transaction).
   *
   * @param what the statement or meta-command
   * @param reason why it is skipped
   */
  record Skipped(String what, String reason) implements RestoreStep {
    @Override
    public String section() {
      return "session";
    }

    @Override
    public String describe() {
      return String.format("%-9s  %-22s %s (%s)", "skip", "", what, reason);
    }
  }
}
