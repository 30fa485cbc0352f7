package ing.paperclip.db.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.Format;
import ing.paperclip.db.backup.file.SyntheticBackup;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.charset.StandardCharsets;
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

  @Test
  void aPgDumpFilesEntriesComeFromItsCommentsWithTheirSections() throws Exception {
    String dump = "--\n-- PostgreSQL database dump\n--\n\n\\restrict k\n\nSET statement_timeout = 0;\n"
        + "SET default_table_access_method = heap;\n\n--\n-- Name: t; Type: TABLE; Schema: public; Owner: app\n--\n\n"
        + "CREATE TABLE public.t (a int);\n\nALTER TABLE public.t OWNER TO app;\n\n"
        + "--\n-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: app\n--\n\n"
        + "COPY public.t (a) FROM stdin;\n1\n2\n\\.\n\nSET default_tablespace = '';\n\n"
        + "--\n-- Name: t_i; Type: INDEX; Schema: public; Owner: app\n--\n\nCREATE INDEX t_i ON public.t USING btree (a);\n\n"
        + "--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict k\n\n";
    Path f = Files.writeString(dir.resolve("d.sql"), dump);
    RestorePlan p = new RestorePlanner().plan(f, RestoreOptions.DEFAULTS);
    assertEquals(Format.PG_DUMP, p.format());
    List<RestoreStep.CreateObject> objects = p.steps().stream().filter(s -> s instanceof RestoreStep.CreateObject)
        .map(s -> (RestoreStep.CreateObject) s).toList();
    // the settings before the first entry open the file; pg_dump's later ones belong to the entry after them
    assertEquals(List.of("pre-data TABLE public.t [CREATE TABLE public.t (a int);, ALTER TABLE public.t OWNER TO app;]"
        + " []", "post-data INDEX public.t_i [SET default_tablespace = '';, CREATE INDEX t_i ON"
        + " public.t USING btree (a);] [TABLE public.t]"), objects.stream().map(o -> o.section() + " " + o.kind() + " "
        + o.name() + " " + o.sql() + " " + o.dependsOn()).toList());
    assertEquals(2, p.rows());
    assertTrue(p.print().startsWith("restore plan for " + f + " (pg_dump): "), p.print());

    Files.writeString(f, dump.substring(0, dump.indexOf("--\n-- PostgreSQL database dump complete")));
    PaperclipException cut = assertThrows(PaperclipException.class, () -> new RestorePlanner().plan(f, RestoreOptions.DEFAULTS));
    assertTrue(cut.getMessage().contains("without its closing line"), cut.getMessage());
  }

  @Test
  void aCustomFormatArchiveIsRefusedNamingPgRestore() throws Exception {
    Path f = Files.write(dir.resolve("db.dump"), "PGDMP\u0001\u000e\u0000".getBytes(StandardCharsets.ISO_8859_1));
    PaperclipException e = assertThrows(PaperclipException.class, () -> new RestorePlanner().plan(f, RestoreOptions.DEFAULTS));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertEquals(f + " is a pg_dump custom-format archive (pg_dump -Fc): restore it with pg_restore, or dump the"
        + " database again with pg_dump --format=plain", e.getMessage());
  }
}
