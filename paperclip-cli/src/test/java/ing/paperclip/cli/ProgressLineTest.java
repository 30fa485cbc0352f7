package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress line's text, redraws and erasing, on a fake clock. */
class ProgressLineTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(5 * SECOND);
  private final StringWriter out = new StringWriter();
  private final ProgressLine line = new ProgressLine(new PrintWriter(out), "restore", clock::get);

  /** The frames drawn so far: each starts with a carriage return and ends with erase-to-end. */
  private List<String> frames() {
    String text = out.toString();
    assertTrue(text.isEmpty() || text.startsWith("\r"), text);
    return Arrays.stream(text.split("\r")).filter(f -> !f.isEmpty()).toList();
  }

  private String lastFrame() {
    List<String> f = frames();
    String last = f.get(f.size() - 1);
    assertTrue(last.endsWith(ProgressLine.ERASE_TO_END) || last.endsWith(ProgressLine.ERASE_TO_END
        + System.lineSeparator()), last);
    return last.replace(System.lineSeparator(), "").replace(ProgressLine.ERASE_TO_END, "");
  }

  @Test
  void barAndEtaMoveByBytesWithinATable() {
    line.tableDone(0, 4, 0, 0);
    clock.addAndGet(2 * SECOND);
    line.bytes(25_000_000, 100_000_000);
    assertEquals("restore [#####---------------]  25% 25.0 of 100.0 MB, 0/4 tables, 0 rows, 12.5 MB/s, ETA 6 s",
        lastFrame());
    // still in the first table: the bar moves, the table count does not
    clock.addAndGet(2 * SECOND);
    line.bytes(50_000_000, 100_000_000);
    assertEquals("restore [##########----------]  50% 50.0 of 100.0 MB, 0/4 tables, 0 rows, 12.5 MB/s, ETA 4 s",
        lastFrame());
    // a table-level report does not move the bytes back to its own (uncompressed) count
    clock.addAndGet(SECOND);
    line.tableDone(1, 4, 1234, 9_000_000);
    assertTrue(lastFrame().startsWith("restore [##########----------]  50% 50.0 of 100.0 MB, 1/4 tables, 1,234 rows"),
        lastFrame());
    // an older worker's figure never moves the bar back
    clock.addAndGet(SECOND);
    line.bytes(40_000_000, 100_000_000);
    assertTrue(lastFrame().contains(" 50% 50.0 of 100.0 MB"), lastFrame());
  }

  @Test
  void redrawsAtMostTenTimesASecondAndTheLastStateIsDrawnOnClose() {
    line.bytes(1, 1000);
    for (int i = 2; i <= 500; i++) {
      clock.addAndGet(1_000_000); // 1 ms
      line.bytes(i, 1000);
    }
    // 500 reports within 0.5 s: the first and then one per 100 ms
    assertEquals(5, frames().size(), frames().toString());
    line.close();
    assertEquals(6, frames().size());
    assertTrue(lastFrame().contains(" 50% 0.0 of 0.0 MB"), lastFrame());
    assertTrue(out.toString().endsWith(ProgressLine.ERASE_TO_END + System.lineSeparator()), "the line is ended");
    line.close();
    line.bytes(1000, 1000);
    assertEquals(6, frames().size(), "nothing after close");
  }

  @Test
  void aShorterLineLeavesNothingBehind() {
    line.bytes(99_000_000, 100_000_000);
    clock.addAndGet(100 * SECOND);
    // the total becomes unknown: no bar, no ETA, a much shorter line
    line.bytes(99_500_000, -1);
    List<String> f = frames();
    assertEquals(2, f.size());
    assertTrue(f.get(0).length() > f.get(1).length());
    assertEquals("restore 99.5 MB, 0 tables, 0 rows, 1.0 MB/s", lastFrame());
    assertTrue(f.get(1).endsWith(ProgressLine.ERASE_TO_END), "erased to the end of the line: " + f.get(1));
  }

  @Test
  void unknownByteTotalFallsBackToTablesAndUnknownTablesToNoBar() {
    line.tableDone(1, 3, 10, 2_000_000);
    assertEquals("restore [######--------------]  33% 2.0 MB, 1/3 tables, 10 rows, 2000.0 MB/s, ETA 0 s", lastFrame());
    clock.addAndGet(SECOND);
    line.bytes(3_000_000, -1);
    assertEquals("restore [######--------------]  33% 3.0 MB, 1/3 tables, 10 rows, 3.0 MB/s, ETA 2 s", lastFrame());

    StringWriter w = new StringWriter();
    ProgressLine dump = new ProgressLine(new PrintWriter(w), "backup", clock::get);
    Progress.Backup b = Progress.backup(dump);
    b.started("pg_dump 15.4", -1);
    clock.addAndGet(2 * SECOND);
    b.tableDone("public.t", 5, 4_000_000);
    String frame = w.toString().replace("\r", "").replace(ProgressLine.ERASE_TO_END, "");
    assertEquals("backup 4.0 MB, 1 table, 5 rows, 2.0 MB/s", frame);
    assertFalse(frame.contains("ETA"));
    b.close();
    assertTrue(w.toString().endsWith(System.lineSeparator()));
  }

  @Test
  void nothingReportedNothingDrawn() {
    line.close();
    assertEquals("", out.toString());
  }

  @Test
  void restoreListenerFeedsTheLine() {
    Progress.Restore r = Progress.restore(line);
    r.dataProgress(10_000_000, 40_000_000);
    clock.addAndGet(SECOND);
    r.tableDone("public.t", 7, 1, 2, 55_000_000);
    assertTrue(lastFrame().startsWith("restore [#####---------------]  25% 10.0 of 40.0 MB, 1/2 tables, 7 rows"),
        lastFrame());
  }

  @Test
  void durations() {
    assertEquals("89 s", ProgressLine.duration(89));
    assertEquals("1m30s", ProgressLine.duration(90));
    assertEquals("2h05m", ProgressLine.duration(2 * 3600 + 5 * 60 + 9));
  }

  @Test
  void quietUnderJsonWithoutAPersonOrWhenStderrIsNoTerminal() throws Exception {
    StringWriter err = new StringWriter();
    for (boolean interactive : new boolean[] {false, true}) {
      try (CliContext ctx = new CliContext(java.util.Map.of(), new GlobalOptions(), new PrintWriter(new StringWriter()),
          new PrintWriter(err), interactive, java.nio.file.Path.of("/nonexistent"))) {
        assertFalse(Progress.shown(ctx, true), "never under --json");
        assertEquals(interactive && Progress.stderrIsTerminal(), Progress.shown(ctx, false));
        try (Progress.Restore r = Progress.forRestore(ctx, true); Progress.Backup b = Progress.forBackup(ctx, true)) {
          r.dataProgress(1, 2);
          r.tableDone("public.t", 1, 1, 1, 1);
          b.started("java", 1);
          b.tableDone("public.t", 1, 1);
        }
      }
    }
    assertEquals("", err.toString());
    // the build runs with standard error redirected to a file: not a terminal
    if (java.nio.file.Files.isSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2"))
        && !java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString().startsWith("/dev/")) {
      assertFalse(Progress.stderrIsTerminal());
    }
  }
}
