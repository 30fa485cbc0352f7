package ing.paperclip.db.backup;

import ing.paperclip.db.backup.dump.DumpScript;
import ing.paperclip.db.backup.dump.SchemaObject;
import ing.paperclip.db.backup.dump.SchemaScripter;
import ing.paperclip.db.backup.dump.Section;
import ing.paperclip.db.backup.dump.TableData;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A test-only scripter for the data path: the schema DDL is given by the test (the real
 * catalog-based scripter is another engineer's work); tables and columns of the given schemas are
 * read from the catalog in the snapshot, in the order the test lists tables (or by name).
 */
final class TestScripter implements SchemaScripter {
  private final List<String> schemas;
  private final List<String> preDataSql;
  private final List<String> postDataSql;
  private final List<String> tableOrder;

  TestScripter(List<String> schemas, List<String> preDataSql, List<String> postDataSql,
      List<String> tableOrder) {
    this.schemas = schemas;
    this.preDataSql = preDataSql;
    this.postDataSql = postDataSql;
    this.tableOrder = tableOrder;
  }

  @Override
  public DumpScript script(Connection c) {
    List<SchemaObject> pre = new ArrayList<>();
    for (int i = 0; i < preDataSql.size(); i++) {
      pre.add(new SchemaObject("SQL", "", "pre" + i, Section.PRE_DATA, preDataSql.get(i),
          i == 0 ? List.of() : List.of("SQL .pre" + (i - 1))));
    }
    List<SchemaObject> post = new ArrayList<>();
    for (int i = 0; i < postDataSql.size(); i++) {
      post.add(new SchemaObject("SQL", "", "post" + i, Section.POST_DATA, postDataSql.get(i), List.of()));
    }
    List<TableData> data = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        SELECT n.nspname, t.relname,
               coalesce(array_agg(a.attname ORDER BY a.attnum) FILTER (WHERE a.attnum > 0
                 AND NOT a.attisdropped AND a.attgenerated = ''), '{}'),
               t.reltuples::bigint, pg_relation_size(t.oid)
        FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = t.oid
        WHERE t.relkind = 'r' AND n.nspname = ANY (?)
        GROUP BY 1, 2, 4, 5 ORDER BY 1, 2""")) {
      Array arr = c.createArrayOf("text", schemas.toArray());
      ps.setArray(1, arr);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String[] cols = (String[]) rs.getArray(3).getArray();
          data.add(new TableData(rs.getString(1), rs.getString(2), Arrays.asList(cols),
              rs.getLong(4), rs.getLong(5)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    if (!tableOrder.isEmpty()) {
      data.sort(Comparator.comparingInt(t -> {
        int i = tableOrder.indexOf(t.qualifiedName());
        return i < 0 ? Integer.MAX_VALUE : i;
      }));
    }
    return new DumpScript(pre, data, post, schemas.stream().sorted().toList(), 150000);
  }
}
