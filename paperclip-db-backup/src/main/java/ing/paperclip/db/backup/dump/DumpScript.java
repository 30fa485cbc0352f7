package ing.paperclip.db.backup.dump;

import java.util.List;

/**
 * Everything a dump writes, in a valid creation order: pre-data objects, the tables whose rows
 * follow, then post-data objects. Produced by a {@link SchemaScripter} from one snapshot.
 *
 * @param preData objects to create before any row is loaded, dependency-ordered
 * @param data tables whose rows are dumped (tables excluded from data are absent)
 * @param postData objects to create after the rows, dependency-ordered
 * @param schemas every non-system schema the dump covers, in name order
 * @param serverVersion the server's {@code server_version_num}
 */
public record DumpScript(
    List<SchemaObject> preData, List<TableData> data, List<SchemaObject> postData,
    List<String> schemas, int serverVersion) {

  /** Copies. */
  public DumpScript {
    preData = List.copyOf(preData);
    data = List.copyOf(data);
    postData = List.copyOf(postData);
    schemas = List.copyOf(schemas);
  }
}
