package ing.paperclip.db.backup.restore;

import java.util.List;
import java.util.Objects;

/**
 * The statements of one of our backup files, kept in memory by the planner for a parallel
 * restore: session settings, pre-data and post-data entries (schema DDL, small whatever the data
 * size) and where each table's rows are. Immutable.
 *
 * @param settings the file's session settings, run on every connection
 * @param preData pre-data entries in file order
 * @param postData post-data entries in file order
 * @param tables the tables whose rows the file holds, in file order
 * @param dataOnlyInBlocks whether the data section holds COPY blocks only (otherwise a parallel
 *     restore is not attempted)
 */
record RestoreScript(List<String> settings, List<Entry> preData, List<Entry> postData,
    List<TableData> tables, boolean dataOnlyInBlocks) {
  RestoreScript {
    settings = List.copyOf(settings);
    preData = List.copyOf(preData);
    postData = List.copyOf(postData);
    tables = List.copyOf(tables);
  }

  /** Tells whether every table's rows are a gzip member of their own at a known position. */
  boolean membersKnown() {
    return tables.stream().allMatch(t -> t.memberOffset() != null);
  }

  /**
   * One schema object's statements.
   *
   * @param kind the entry's kind ({@code TABLE}, {@code INDEX}, {@code FK CONSTRAINT}, ...)
   * @param name its schema-qualified name
   * @param sql its statements, run in order on one connection
   * @param line the file line of its first statement
   * @param deps the objects it depends on, as the file's entry line names them (e.g.
   *     {@code TABLE public.issues})
   */
  record Entry(String kind, String name, List<String> sql, long line, List<String> deps) {
    Entry {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      sql = List.copyOf(sql);
      deps = List.copyOf(deps);
    }
  }

  /**
   * One table's COPY block.
   *
   * @param schema the table's schema
   * @param table the table's name
   * @param copySql the block's {@code COPY ... FROM stdin;} statement
   * @param rows the rows it holds
   * @param line the file line of the COPY statement
   * @param sha256 the verified checksum of its rows, checked again as they are loaded, or null
   * @param memberOffset where its own gzip member starts, or null
   * @param memberLength that member's compressed length, or null
   */
  record TableData(String schema, String table, String copySql, long rows, long line,
      String sha256, Long memberOffset, Long memberLength) {
    String qualifiedName() {
      return schema + "." + table;
    }
  }
}
