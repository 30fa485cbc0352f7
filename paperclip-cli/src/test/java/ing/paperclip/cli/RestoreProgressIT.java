package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.BackupOptions;
import ing.paperclip.db.backup.BackupService;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore's progress line end to end: a real backup with one large table restored through the
 * CLI's renderer ({@link Progress#restore} on a {@link ProgressLine} writing to a fake terminal,
 * on a clock that moves a second per reading so that every report is drawn). While the large
 * table loads (between two "tables done" figures) the line shows the bytes rising, by the
 * compressed bytes of the file; the percentage never falls and ends at 100 with every table.
 */
@WithPostgres
class RestoreProgressIT {
  private static final Pattern FRAME = Pattern.compile(
      "restore \\[[#-]+\\] +(\\d+)% ([\\d.]+) of ([\\d.]+) MB, (\\d+)/(\\d+) tables.*");

  @TempDir
  Path dir;

  private record Frame(int percent, double mb, double totalMb, int tablesDone) {}

  @Test
  void barMovesByBytesWithinALargeTable(TestDatabase db) {
    TestDatabase source = db.sibling("rp_src");
    try {
      source.execute("CREATE TABLE big (id int PRIMARY KEY, a text, b text);"
          + " INSERT INTO big SELECT g, md5(g::text), md5((g * 7)::text) FROM generate_series(1, 150000) g;"
          + " CREATE TABLE small (id int PRIMARY KEY); INSERT INTO small VALUES (1), (2)");
      Path file = new BackupService(source.spec(), dir, new CatalogSchemaScripter(), BackupOptions.builder().jobs(2)
          .build()).backup().file();
      for (int jobs : new int[] {1, 3}) {
        TestDatabase target = db.sibling("rp_target");
        try {
          StringWriter terminal = new StringWriter();
          AtomicLong clock = new AtomicLong();
          try (Progress.Restore progress = Progress.restore(new ProgressLine(new PrintWriter(terminal), "restore",
              () -> clock.addAndGet(1_000_000_000L)))) {
            new RestoreService(target.dataSource()).restore(file, RestoreOptions.DEFAULTS.withJobs(jobs), progress);
          }
          List<Frame> frames = frames(terminal.toString());
          String way = "jobs " + jobs + ": ";
          // frames drawn between two tables done: the rows of one table (the big one) streaming
          long within = frames.stream().collect(java.util.stream.Collectors.groupingBy(Frame::tablesDone,
              java.util.stream.Collectors.mapping(Frame::mb, java.util.stream.Collectors.toSet())))
              .values().stream().mapToLong(java.util.Set::size).max().orElse(0);
          assertTrue(within >= 10, way + "bytes rise while one table loads: " + frames);
          for (int i = 1; i < frames.size(); i++) {
            assertTrue(frames.get(i).percent() >= frames.get(i - 1).percent(), way + "never backwards: " + frames);
            assertTrue(frames.get(i).mb() >= frames.get(i - 1).mb(), way + "never backwards: " + frames);
          }
          Frame last = frames.get(frames.size() - 1);
          assertEquals(100, last.percent(), way + frames);
          assertEquals(2, last.tablesDone(), way + frames);
          assertEquals(last.totalMb(), last.mb(), way + frames);
        } finally {
          target.dropInBackground();
        }
      }
    } finally {
      source.dropInBackground();
    }
  }

  /** The frames drawn: each starts with a carriage return and ends with erase-to-end. */
  private static List<Frame> frames(String text) {
    List<Frame> out = new ArrayList<>();
    for (String f : Arrays.stream(text.split("\r")).filter(s -> !s.isEmpty()).toList()) {
      String clean = f.replace(System.lineSeparator(), "").replace(ProgressLine.ERASE_TO_END, "");
      Matcher m = FRAME.matcher(clean);
      if (m.matches()) {
        out.add(new Frame(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
            Integer.parseInt(m.group(4))));
      }
    }
    assertTrue(out.size() >= 3, "frames drawn by bytes: " + text);
    return out;
  }
}
