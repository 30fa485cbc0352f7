package ing.paperclip.db.backup;

import ing.paperclip.db.core.settings.ConnectionSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Manual benchmark (not run by the build): backs up the data of the given schemas with the java
 * engine and prints wall time, size and peak heap. Schema DDL is not scripted (the catalog
 * scripter is separate), so this measures the data path.
 *
 * <p>Usage: {@code BackupBenchmark URL DIR JOBS LEVEL SCHEMA[,SCHEMA...] [ENGINE]}
 */
public final class BackupBenchmark {
  private BackupBenchmark() {}

  /** Runs one backup. */
  public static void main(String[] args) {
    ConnectionSpec spec = ConnectionSpec.parse(args[0]);
    Path dir = Path.of(args[1]);
    int jobs = Integer.parseInt(args[2]);
    int level = Integer.parseInt(args[3]);
    List<String> schemas = Arrays.asList(args[4].split(","));
    BackupService s = new BackupService(spec, dir,
        new TestScripter(schemas, List.of(), List.of(), List.of()),
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
