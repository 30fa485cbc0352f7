package ing.paperclip.db.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.SyntheticBackup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan is data that says what runs, without a database: the opening settings, one step per
 * entry with its statements, one per data block with its COPY and verified checksum, the file's
 * own BEGIN/COMMIT skipped; and a selection is a filter over those steps.
 */
class RestorePlannerTest {
  @TempDir
  Path dir;

  private RestorePlan plan(RestoreSelection selection) throws Exception {
    Path f = dir.resolve("b.sql.gz");
    Files.write(f, new SyntheticBackup().table("public.a", "x", "y").table("public.b", "z")
        .ddl("-- entry: {\"kind\":\"INDEX\",\"schema\":\"public\",\"name\":\"a_i\",\"deps\":[\"TABLE public.a\"]}\n"
            + "CREATE INDEX a_i ON public.a (a);\n").gzip());
    return new RestorePlanner().plan(f, RestoreOptions.DEFAULTS.withSelection(selection));
  }

  @Test
  void stepsCarryWhatRuns() throws Exception {
    RestorePlan p = plan(RestoreSelection.ALL);
    List<RestoreStep> steps = p.steps();
    int n = BackupFormat.SETTINGS.size();
    for (int i = 0; i < n; i++) {
      RestoreStep.SessionSetting s = (RestoreStep.SessionSetting) steps.get(i);
      assertEquals(BackupFormat.SETTINGS.get(i), s.statement());
      assertTrue(s.everyConnection(), s.toString());
    }
    assertEquals(new RestoreStep.Skipped("BEGIN", "the restore runs in its own transaction", steps.get(n).line()),
        steps.get(n));
    RestoreStep.CreateObject a = (RestoreStep.CreateObject) steps.get(n + 1);
    assertEquals("TABLE public.a", a.key());
    assertEquals("public", a.schema());
    assertEquals(List.of("CREATE TABLE \"public\".\"a\" (a text);"), a.sql());
    RestoreStep.CreateObject index = (RestoreStep.CreateObject) steps.get(n + 3);
    assertEquals(List.of("TABLE public.a"), index.dependsOn());
    assertEquals(List.of("CREATE INDEX a_i ON public.a (a);"), index.sql());
    List<RestoreStep.LoadTableData> data = p.tableData();
    assertEquals(List.of("public.a", "public.b"), data.stream().map(RestoreStep.LoadTableData::qualifiedName).toList());
    assertEquals(2, data.get(0).expectedRows());
    assertEquals("COPY \"public\".\"a\" (\"a\") FROM stdin;", data.get(0).copySql());
    assertNotNull(data.get(0).sha256(), "the verified checksum travels with the step");
    assertEquals(List.of(data.get(0).copySql()), data.get(0).sql());
    assertTrue(steps.get(steps.size() - 1) instanceof RestoreStep.Skipped s && s.what().equals("COMMIT"));
    assertFalse(p.membersKnown(), "a serial file");
    assertEquals(p.fileBytes(), p.dataBytes(), "read in one pass: the whole file");
    assertFalse(p.selective());
    // --plan prints these steps, one line each
    assertEquals(steps.size() + 1 + p.warnings().size(), p.print().split("\n").length);
  }

  @Test
  void aSelectionFiltersTheSteps() throws Exception {
    RestorePlan whole = plan(RestoreSelection.ALL);
    RestorePlan a = plan(new RestoreSelection(List.of(), List.of(), List.of("a")));
    assertTrue(a.selective());
    assertEquals(List.of("public.a"), a.tableData().stream().map(RestoreStep.LoadTableData::qualifiedName).toList());
    List<String> kept = a.steps().stream().filter(s -> s instanceof RestoreStep.CreateObject)
        .map(s -> ((RestoreStep.CreateObject) s).key()).toList();
    assertEquals(List.of("TABLE public.a", "INDEX public.a_i"), kept);
    assertEquals(java.util.Set.of("public.a"), a.selectedTables());
    RestorePlan none = plan(new RestoreSelection(List.of(), List.of("public"), List.of()));
    assertTrue(none.tableData().isEmpty());
    assertTrue(none.steps().stream().noneMatch(s -> s instanceof RestoreStep.CreateObject));
    assertEquals(whole.steps().stream().filter(s -> s instanceof RestoreStep.SessionSetting).count(),
        none.steps().stream().filter(s -> s instanceof RestoreStep.SessionSetting).count(), "settings stay");
  }
}
