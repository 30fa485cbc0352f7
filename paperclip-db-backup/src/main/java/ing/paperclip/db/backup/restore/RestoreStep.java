package ing.paperclip.db.backup.restore;

import java.util.List;
import java.util.Objects;

/**
 * One step of a {@link RestorePlan}: what a restore sends, not a description of it. Each step
 * carries its SQL ({@link #sql()}); a data step also says where its rows are, which the executor
 * streams from the file. Both executors run a plan's steps and nothing else (besides their own
 * housekeeping on the target: {@link RestoreTarget}); {@code db restore --plan} prints them.
 * Steps are data: printable and testable without a database.
 */
public sealed interface RestoreStep {
  /**
   * Returns the step's section: {@code pre-data}, {@code data}, {@code post-data} or
   * {@code session}.
   */
  String section();

  /** Returns one line describing the step, for {@code db restore --plan}. */
  String describe();

  /**
   * Returns the statements this step sends, in order, on one connection: a data step's
   * {@code COPY ... FROM stdin} (its rows follow from the file); none for a skipped statement or
   * for {@link InsertRows}, whose statements are the file's rows and stream from it.
   */
  List<String> sql();

  /** Returns the line of the file where the step's first statement starts. */
  long line();

  /**
   * Create or alter a schema object: one entry of the file (its statements, run in order).
   *
   * @param section {@code pre-data}, {@code data} (a sequence's value) or {@code post-data}
   * @param kind the object kind, e.g. {@code TABLE}, {@code INDEX}
   * @param name the object's name (schema-qualified where it has a schema)
   * @param schema the object's schema, "" when it has none or the file does not say
   * @param key the object's identity as other entries' {@code dependsOn} name it ({@code kind
   *     schema.name}), "" for a statement that is no entry of the file
   * @param dependsOn names of the objects it needs (from the file, when it records them; for a
   *     pg_dump body, the table an index or key is built on), e.g. {@code TABLE public.t}
   * @param line the line of the file where its SQL starts
   * @param sql its statements
   */
  record CreateObject(String section, String kind, String name, String schema, String key,
      List<String> dependsOn, long line, List<String> sql) implements RestoreStep {
    /** Validates and copies. */
    public CreateObject {
      Objects.requireNonNull(section, "section");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(key, "key");
      dependsOn = List.copyOf(dependsOn);
      sql = List.copyOf(sql);
      if (sql.isEmpty()) {
        throw new IllegalArgumentException("a step creating " + kind + " " + name + " has no SQL");
      }
    }

    @Override
    public String describe() {
      return String.format("%-9s  %-22s %s%s", section, kind, name,
          sql.size() > 1 ? " (" + sql.size() + " statements)" : "");
    }
  }

  /**
   * Load a table's rows with COPY, streamed from the file.
   *
   * @param schema the table's schema
   * @param table the table's name
   * @param expectedRows rows the file holds for it
   * @param line the line of its COPY statement (where a sequential reader finds its rows)
   * @param copySql the block's {@code COPY ... FROM stdin;} statement
   * @param sha256 the verified checksum of its rows (our files), checked again as they load, or null
   * @param memberOffset where its own gzip member starts in the file (from the manifest), or null
   * @param memberLength that member's compressed length, or null
   */
  record LoadTableData(String schema, String table, long expectedRows, long line, String copySql,
      String sha256, Long memberOffset, Long memberLength) implements RestoreStep {
    /** Validates. */
    public LoadTableData {
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(copySql, "copySql");
      if ((memberOffset == null) != (memberLength == null)) {
        throw new IllegalArgumentException("a member offset needs its length");
      }
    }

    @Override
    public String section() {
      return "data";
    }

    @Override
    public List<String> sql() {
      return List.of(copySql);
    }

    /** Returns {@code schema.table}. */
    public String qualifiedName() {
      return schema + "." + table;
    }

    /** Tells whether its rows are a gzip member of their own at a known position. */
    public boolean hasMember() {
      return memberOffset != null;
    }

    @Override
    public String describe() {
      return String.format("%-9s  %-22s %s.%s (%d rows)", "data", "TABLE DATA", schema, table, expectedRows);
    }
  }

  /**
   * Insert rows with INSERT statements (the original Paperclip's files): the run of
   * {@code statements} INSERTs into {@code table} from {@code line} on, streamed from the file
   * like COPY data (they are the file's rows, not held in the plan).
   *
   * @param table the table written to
   * @param statements how many INSERT statements
   * @param line the line of the first
   */
  record InsertRows(String table, long statements, long line) implements RestoreStep {
    @Override
    public String section() {
      return "data";
    }

    @Override
    public List<String> sql() {
      return List.of();
    }

    @Override
    public String describe() {
      return String.format("%-9s  %-22s %s (%d statements)", "data", "INSERT", table, statements);
    }
  }

  /**
   * A session setting (SET, SELECT set_config).
   *
   * @param statement the statement
   * @param line its line in the file
   * @param everyConnection whether it is one of the file's opening settings, which a parallel
   *     restore runs on each of its connections (a setting met later belongs to the step it
   *     precedes, or, if none, is run where it stands)
   */
  record SessionSetting(String statement, long line, boolean everyConnection) implements RestoreStep {
    /** Validates. */
    public SessionSetting {
      Objects.requireNonNull(statement, "statement");
    }

    @Override
    public String section() {
      return "session";
    }

    @Override
    public List<String> sql() {
      return List.of(statement);
    }

    @Override
    public String describe() {
      String one = statement.replaceAll("\\s+", " ");
      return String.format("%-9s  %-22s %s", "session", "SET", one.length() > 80 ? one.substring(0, 77) + "..." : one);
    }
  }

  /**
   * A statement of the file that the restore does not run, with the reason (e.g. the file's own
   * BEGIN/COMMIT: the restore runs in its own transaction).
   *
   * @param what the statement or meta-command
   * @param reason why it is skipped
   * @param line its line in the file
   */
  record Skipped(String what, String reason, long line) implements RestoreStep {
    @Override
    public String section() {
      return "session";
    }

    @Override
    public List<String> sql() {
      return List.of();
    }

    @Override
    public String describe() {
      return String.format("%-9s  %-22s %s (%s)", "skip", "", what, reason);
    }
  }
}
