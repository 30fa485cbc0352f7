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
 * @param unscripted objects of the database the script leaves out because the scripter cannot
 *     write them, each as its kind and identity (e.g. {@code operator s.===(integer,integer)});
 *     empty when the script is complete. A backup must refuse a script with omissions unless the
 *     user accepted them ({@link #refusal()})
 */
public record DumpScript(
    List<SchemaObject> preData, List<TableData> data, List<SchemaObject> postData,
    List<String> schemas, int serverVersion, List<String> unscripted) {

  /** Copies. */
  public DumpScript {
    preData = List.copyOf(preData);
    data = List.copyOf(data);
    postData = List.copyOf(postData);
    schemas = List.copyOf(schemas);
    unscripted = List.copyOf(unscripted);
  }

  /** Creates a complete script (nothing left out). */
  public DumpScript(List<SchemaObject> preData, List<TableData> data, List<SchemaObject> postData,
      List<String> schemas, int serverVersion) {
    this(preData, data, postData, schemas, serverVersion, List.of());
  }

  /**
   * Returns the one-line reason a backup of this script is refused: the first object left out
   * (and how many more), and the two ways forward. Only meaningful when {@link #unscripted()} is
   * not empty.
   */
  public String refusal() {
    String more = unscripted.size() > 1 ? " (and " + (unscripted.size() - 1) + " more: "
        + String.join(", ", unscripted.subList(1, Math.min(unscripted.size(), 6)))
        + (unscripted.size() > 6 ? ", ..." : "") + ")" : "";
    return ("the java engine cannot back up " + unscripted.get(0) + more + "; use --engine pg_dump,"
        + " or --skip-unsupported to back up without "
        + (unscripted.size() > 1 ? "them" : "it") + " (every omission is listed in the manifest)")
        .replaceAll("\\p{Cntrl}", "?");
  }
}
