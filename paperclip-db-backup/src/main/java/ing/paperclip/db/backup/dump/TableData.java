package ing.paperclip.db.backup.dump;

import java.util.List;
import java.util.Objects;

/**
 * The rows of one table in a dump, written as {@code COPY schema.table (columns) FROM stdin}.
 *
 * @param schema the table's schema
 * @param table the table's name
 * @param columns the columns to copy, in order, unquoted; generated columns are excluded
 * @param estimatedRows the planner's estimate ({@code reltuples}), for progress and ordering;
 *     {@code -1} if unknown
 * @param estimatedBytes the table's size on disk, for progress and ordering; {@code -1} if unknown
 * @param filter a {@code WHERE ...} clause choosing the rows, from the catalog: an extension's
 *     condition for its configuration table (the rows that are the user's), or null for every row
 */
public record TableData(String schema, String table, List<String> columns, long estimatedRows,
    long estimatedBytes, String filter) {

  /** Validates and copies. */
  public TableData {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
    columns = List.copyOf(columns);
  }

  /** The rows of a whole table. */
  public TableData(String schema, String table, List<String> columns, long estimatedRows, long estimatedBytes) {
    this(schema, table, columns, estimatedRows, estimatedBytes, null);
  }

  /** Returns {@code schema.table}, unquoted, for messages and manifests. */
  public String qualifiedName() {
    return schema + "." + table;
  }
}
