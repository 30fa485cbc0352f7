package ing.paperclip.db.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RestoreListener#dataProgress} moves while a large table's rows stream (not only when it
 * is done), never goes backwards, keeps the plan's total and ends at it: in one transaction and
 * in parallel, for a file whose tables are members of their own and for one written serially.
 */
@WithPostgres
class DataProgressIT {
  @TempDir
  static Path dir;
  private static TestDatabase source;

  @BeforeAll
  static void source(TestDatabase db) {
    source = db.sibling("dp_src");
    // md5 text compresses about 2:1: some megabytes of compressed rows in one table
    source.execute("CREATE TABLE big (id int PRIMARY KEY, a text, b text);"
        + " INSERT INTO big SELECT g, md5(g::text), md5((g * 7)::text) FROM generate_series(1, 120000) g;"
        + " CREATE TABLE small (id int PRIMARY KEY); INSERT INTO small VALUES (1), (2)");
  }

  @AfterAll
  static void drop() {
    source.dropInBackground();
  }

  private record Call(long done, long total, boolean bigLoaded) {}

  @Test
  void progressMovesWithinALargeTableAndNeverGoesBackwards(TestDatabase db) {
    for (int backupJobs : new int[] {2, 1}) {
      Path file = new BackupService(source.spec(), dir.resolve("j" + backupJobs), new CatalogSchemaScripter(),
          BackupOptions.builder().jobs(backupJobs).build()).backup().file();
      for (int jobs : new int[] {1, 3}) {
        TestDatabase target = db.sibling("dp_target");
        try {
          List<Call> calls = new ArrayList<>();
          boolean[] bigLoaded = new boolean[1];
          RestoreListener l = new RestoreListener() {
            @Override
            public void tableDone(String qualifiedName, long rows, int tablesDone, int tablesTotal, long bytes) {
              synchronized (calls) {
                bigLoaded[0] |= qualifiedName.equals("public.big");
              }
            }

            @Override
            public void dataProgress(long bytesDone, long bytesTotal) {
              synchronized (calls) {
                calls.add(new Call(bytesDone, bytesTotal, bigLoaded[0]));
              }
            }
          };
          RestoreService service = new RestoreService(target.dataSource());
          RestoreOptions options = RestoreOptions.DEFAULTS.withJobs(jobs);
          RestorePlan plan = service.plan(file, options);
          RestoreResult r = service.restore(file, options, l);
          String way = "backup jobs " + backupJobs + ", restore jobs " + jobs + ": ";
          assertEquals(jobs == 1, r.singleTransaction(), way + r.warnings());
          assertTrue(calls.stream().filter(c -> !c.bigLoaded()).count() >= 3,
              way + "progress while the big table loads: " + calls);
          for (int i = 1; i < calls.size(); i++) {
            assertTrue(calls.get(i).done() >= calls.get(i - 1).done(), way + "never backwards: " + calls);
          }
          assertTrue(calls.stream().allMatch(c -> c.total() == plan.dataBytes()), way + "the plan's total: " + calls);
          assertEquals(plan.dataBytes(), calls.get(calls.size() - 1).done(), way + "ends at the total");
          assertEquals(backupJobs > 1, plan.membersKnown(), way + "members");
        } finally {
          target.dropInBackground();
        }
      }
    }
  }
}
