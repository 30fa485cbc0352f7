package ing.paperclip.db.backup;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.dump.SchemaScripter;
import ing.paperclip.db.core.settings.ConnectionSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Manual benchmark (not run by the build): takes one backup and prints wall time, size and peak
 * heap. {@code catalog} backs up everything with the real scripter; a schema list backs up only
 * the rows of those schemas (no DDL), to measure the data path alone.
 *
 * <p>Usage: {@code BackupBenchmark URL DIR JOBS LEVEL catalog|SCHEMA[,SCHEMA...] [ENGINE]}
 */
public final class BackupBenchmark {
  private BackupBenchmark() {}

  /** Runs one backup. */
  public static void main(String[] args) {
    ConnectionSpec spec = ConnectionSpec.parse(args[0]);
    Path dir = Path.of(args[1]);
    int jobs = Integer.parseInt(args[2]);
    int level = Integer.parseInt(args[3]);
    SchemaScripter scripter = args[4].equals("catalog") ? new CatalogSchemaScripter()
        : new TestScripter(Arrays.asList(args[4].split(",")), List.of(), List.of(), List.of());
    BackupService s = new BackupService(spec, dir, scripter,
        BackupOptions.builder().jobs(jobs).compressionLevel(level)
            .engine(args.length > 5 ? BackupEngine.parse(args[5]) : BackupEngine.JAVA).build());
    BackupResult r = s.backup();
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    System.out.printf("engine=%s file=%s bytes=%d tables=%d rows=%d wall_ms=%d peak_heap_mb=%d%n", r.engine(), r.file(),
        r.bytes(), r.tables(), r.rows(), r.duration().toMillis(), peak / (1024 * 1024));
  }
}
