package ing.paperclip.cli.db;

import ing.paperclip.cli.CliContext;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.restore.RestorePlan;
import ing.paperclip.db.backup.restore.RestoreStep;
import ing.paperclip.db.backup.restore.RestoreVerification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code db restore --list FILE}: what a verified backup holds, as {@code pg_restore --list}
 * users expect: the schemas, every table with its rows (and the compressed size of its data where
 * the file keeps each table in a member of its own), and the other objects by kind. Touches no
 * database.
 */
final class RestoreListing {
  private RestoreListing() {}

  static void print(CliContext ctx, RestorePlan plan, boolean json) {
    Optional<BackupManifest> manifest = RestoreVerification.manifest(plan.file());
    Map<String, Long> sizes = new LinkedHashMap<>();
    manifest.ifPresent(m -> m.tables().stream().filter(BackupManifest.TableEntry::hasMember)
        .forEach(t -> sizes.put(t.schema() + "\u0000" + t.table(), t.memberLength())));
    TreeSet<String> schemas = new TreeSet<>(manifest.map(BackupManifest::schemas).orElse(List.of()));
    List<Map<String, Object>> tables = new ArrayList<>();
    Map<String, List<String>> others = new TreeMap<>();
    for (RestoreStep s : plan.steps()) {
      if (s instanceof RestoreStep.LoadTableData d) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("schema", d.schema());
        t.put("table", d.table());
        t.put("rows", d.expectedRows());
        t.put("compressedBytes", sizes.get(d.schema() + "\u0000" + d.table()));
        tables.add(t);
        schemas.add(d.schema());
      } else if (s instanceof RestoreStep.CreateObject o) {
        if ("SCHEMA".equals(o.kind())) {
          schemas.add(o.name());
        } else if (!"TABLE".equals(o.kind())) {
          others.computeIfAbsent(o.kind(), k -> new ArrayList<>()).add(o.name());
        }
      }
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", plan.file().toString());
      m.put("format", plan.format().label());
      m.put("schemas", List.copyOf(schemas));
      m.put("tables", tables);
      m.put("rows", plan.rows());
      m.put("objects", others);
      ctx.printJson(m);
      return;
    }
    ctx.out().printf(Locale.ROOT, "%s (%s)%n", plan.file().getFileName(), plan.format().label());
    ctx.out().println("schemas (" + schemas.size() + "): " + String.join(", ", schemas));
    ctx.out().printf(Locale.ROOT, "tables (%d, %d rows):%n", tables.size(), plan.rows());
    for (Map<String, Object> t : tables) {
      Object bytes = t.get("compressedBytes");
      ctx.out().printf(Locale.ROOT, "  %s.%s  %d rows%s%n", t.get("schema"), t.get("table"), (Long) t.get("rows"),
          bytes == null ? "" : ", " + bytes + " bytes compressed");
    }
    int n = others.values().stream().mapToInt(List::size).sum();
    ctx.out().println("other objects (" + n + "):");
    others.forEach((kind, names) -> ctx.out().println("  " + kind + " (" + names.size() + "): " + String.join(", ", names)));
  }
}
