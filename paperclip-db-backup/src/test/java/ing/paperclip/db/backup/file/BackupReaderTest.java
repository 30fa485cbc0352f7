package ing.paperclip.db.backup.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.Corpora;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The typed event stream of every format, from the lexer's statements, meta-commands and COPY blocks. */
class BackupReaderTest {
  private static final String SCRIPT = "SET x = 1;\nCOPY public.t (a, b) FROM stdin;\n"
      + "\\N\t\\\\.\n\\.x\tü🙂\n\\\\.\n1\t\\N\n\\.\nCREATE TABLE \"a;b\" (x text DEFAULT ';');\n"
      + "COPY public.e FROM stdin;\n\\.\nSELECT 1;\nCOPY public.last FROM stdin;\nz\n\\.";
  private static final String LEGACY = "corpora/paperclip-legacy/paperclip-20260331-120000.sql";
  private static final String PG_DUMP = "corpora/paperclip-drizzle/paperclip-drizzle-0217.sql.gz";

  /** Serves at most {@code max} bytes per read (1 puts every chunk and line boundary everywhere once). */
  private static InputStream chunked(byte[] b, Random random, int max) {
    return new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        return super.read(buf, off, Math.min(len, 1 + random.nextInt(max)));
      }
    };
  }

  /** What a reader found: the events, and each COPY block's bytes and line count. */
  private static final class Seen implements BackupReader.Handler {
    final List<BackupEvent> events = new ArrayList<>();
    final List<String> blocks = new ArrayList<>();
    final List<Long> newlines = new ArrayList<>();
    private final ByteArrayOutputStream cur = new ByteArrayOutputStream();
    private long lines;
    long read;

    @Override
    public void event(BackupEvent e) {
      events.add(e);
      if (e instanceof BackupEvent.DataEnd) {
        blocks.add(cur.toString(StandardCharsets.UTF_8));
        newlines.add(lines);
        cur.reset();
        lines = 0;
      }
    }

    @Override
    public void data(byte[] b, int off, int len, int n) {
      cur.write(b, off, len);
      lines += n;
    }

    <T extends BackupEvent> List<T> of(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<String> items() {
      return of(BackupEvent.Item.class).stream().map(BackupEvent.Item::text).toList();
    }
  }

  private static Seen read(InputStream in) throws IOException {
    Seen s = new Seen();
    s.read = new BackupReader(in).read(s);
    return s;
  }

  private static Seen read(String text) throws IOException {
    return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String refusal(String text) {
    PaperclipException e = assertThrows(PaperclipException.class, () -> read(text), text);
    assertEquals(ErrorCode.CORRUPT_FILE, e.code(), text);
    return e.getMessage();
  }

  @Test
  void copyDataArrivesAsTheFilesBytesWhateverTheChunking() throws Exception {
    byte[] bytes = SCRIPT.getBytes(StandardCharsets.UTF_8);
    for (InputStream in : new InputStream[] {new ByteArrayInputStream(bytes), chunked(bytes, new Random(1), 1)}) {
      Seen h = read(in);
      assertEquals(List.of("SET x = 1;", "COPY public.t (a, b) FROM stdin;",
          "CREATE TABLE \"a;b\" (x text DEFAULT ';');", "COPY public.e FROM stdin;", "SELECT 1;",
          "COPY public.last FROM stdin;"), h.items());
      assertEquals(List.of("\\N\t\\\\.\n\\.x\tü🙂\n\\\\.\n1\t\\N\n", "", "z\n"), h.blocks);
      assertEquals(List.of(4L, 0L, 1L), h.newlines);
      assertEquals(List.of(new BackupEvent.DataEnd(4, 2), new BackupEvent.DataEnd(0, 9),
          new BackupEvent.DataEnd(1, 12)), h.of(BackupEvent.DataEnd.class));
      assertEquals(new BackupEvent.DataStart("public", "t", List.of("a", "b"), "COPY public.t (a, b) FROM stdin;", 2),
          h.of(BackupEvent.DataStart.class).get(0));
      assertEquals(14, h.read);
    }
  }

  @Test
  void aSemicolonInsideParenthesesEndsNoStatement() throws Exception {
    String sql = "CREATE RULE r AS ON INSERT TO public.a DO INSTEAD (INSERT INTO public.b VALUES (new.v);\n"
        + " INSERT INTO public.c VALUES (new.v););\nSELECT ')'; SELECT 2;\n";
    assertEquals(List.of("CREATE RULE r AS ON INSERT TO public.a DO INSTEAD (INSERT INTO public.b"
        + " VALUES (new.v);\n INSERT INTO public.c VALUES (new.v););", "SELECT ')';", "SELECT 2;"),
        read(sql).items());
  }

  @Test
  void ourEntryLinesAndSectionsBecomeTypedEvents() throws Exception {
    String sql = "-- section: pre-data\n-- entry: {\"kind\":\"TABLE\",\"schema\":\"s\",\"name\":\"a;b\","
        + "\"deps\":[\"SCHEMA .s\"],\"bytes\":60}\nCREATE TABLE \"s\".\"a;b\" (x text DEFAULT E'\\';' /* c */);\n"
        + "ALTER TABLE \"s\".\"a;b\" OWNER TO r;\n-- section: data\n-- data: {}\nCOPY \"s\".\"t\" (\"x\") FROM stdin;\n"
        + "\\.\nSELECT U&'x', $q$ ; $q$ -- tail\n;\n-- entry: {not json\nSELECT 2;\n";
    Seen h = read(sql);
    assertEquals(List.of(new BackupEvent.Section("pre-data", 1),
        new BackupEvent.Entry(BackupEvent.Entry.Origin.ENTRY_LINE, "TABLE", "s", "a;b", List.of("SCHEMA .s"), "",
            "CREATE TABLE \"s\".\"a;b\" (x text DEFAULT E'\\';' /* c */);", "CREATE TABLE \"\".\"\" (x text DEFAULT E''  );", 3),
        new BackupEvent.Statement("ALTER TABLE \"s\".\"a;b\" OWNER TO r;", "ALTER TABLE \"\".\"\" OWNER TO r;", 4),
        new BackupEvent.Section("data", 5),
        new BackupEvent.DataStart("s", "t", List.of("x"), "COPY \"s\".\"t\" (\"x\") FROM stdin;", 7),
        new BackupEvent.DataEnd(0, 7),
        new BackupEvent.Statement("SELECT U&'x', $q$ ; $q$ -- tail\n;", "SELECT U&'', $$$$  ;", 9),
        new BackupEvent.UnreadableLabel("-- entry: {not json", 12),
        new BackupEvent.Statement("SELECT 2;", "SELECT 2;", 12)), h.events);
    assertEquals("TABLE s.a;b", ((BackupEvent.Entry) h.events.get(1)).key());
  }

  @Test
  void pgDumpsCommentsAreParsedOnceIntoEntriesOnlyInABodyWithoutSections() throws Exception {
    String sql = "--\n-- Name: t; Type: TABLE; Schema: public; Owner: app\n--\n\nCREATE TABLE public.t (a int);\n"
        + "ALTER TABLE public.t OWNER TO app;\n--\n-- Name: x; Type: EXTENSION; Schema: -; Owner: -\n--\n"
        + "CREATE EXTENSION x;\n--\n-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: app\n--\n"
        + "COPY public.t (a) FROM stdin;\n1\n\\.\n--\n-- PostgreSQL database dump complete\n--\n\n"
        + "-- section: post-data\n-- Name: i; Type: INDEX; Schema: public; Owner: app\nCREATE INDEX i ON public.t (a);\n";
    Seen h = read(sql);
    List<BackupEvent.Entry> entries = h.of(BackupEvent.Entry.class);
    assertEquals(List.of(
        new BackupEvent.Entry(BackupEvent.Entry.Origin.PG_DUMP_TOC, "TABLE", "public", "t", List.of(), "app",
            "CREATE TABLE public.t (a int);", "CREATE TABLE public.t (a int);", 5),
        new BackupEvent.Entry(BackupEvent.Entry.Origin.PG_DUMP_TOC, "EXTENSION", "", "x", List.of(), "",
            "CREATE EXTENSION x;", "CREATE EXTENSION x;", 10)), entries);
    assertEquals(List.of(new BackupEvent.DumpComplete(18)), h.of(BackupEvent.DumpComplete.class));
    // after a section line pg_dump's comment names nothing: the statement is a plain one
    assertEquals("CREATE INDEX i ON public.t (a);", h.of(BackupEvent.Statement.class).get(1).sql());
    assertEquals(List.of(1L), h.newlines);
  }

  @Test
  void refusalsKeepTheirMessages() {
    assertTrue(refusal("SELECT 1\n\\connect x\n;").startsWith("line 2 holds a psql meta-command inside the statement"
        + " started at line 1, which psql would run before the statement; the file was altered, use another backup"));
    assertEquals("the script ends in the middle of a statement (started at line 1): the file is truncated or damaged;"
        + " use another backup", refusal("SELECT 1"));
    assertTrue(refusal("SELECT 'x").endsWith(": the file is truncated or damaged; use another backup"));
    assertEquals("line 1 holds text after its COPY statement, which psql would run after the rows and no backup"
        + " writes; the file was altered, use another backup", refusal("COPY t FROM stdin; SELECT 1;\n\\.\n"));
    assertEquals("line 3 in the rows starting at line 1 is \\. and a carriage return: COPY never writes that, and"
        + " psql would end the rows there and run what follows as SQL; the file was altered, use another backup",
        refusal("COPY public.t (a) FROM stdin;\n1\n\\.\r\nCREATE ROLE evil;\n\\.\n"));
    assertEquals("the COPY block starting at line 1 has no end marker (\\.): the file is truncated; use another"
        + " backup", refusal("COPY t FROM stdin;\n1\n2\n\\"));
  }

  @Test
  void theMetaCommandThatCutsAStatementIsReportedBeforeTheRefusal() {
    List<BackupEvent> seen = new ArrayList<>();
    assertThrows(PaperclipException.class, () -> new BackupReader(new ByteArrayInputStream(
        "SELECT 1\n\\! id\n;".getBytes(StandardCharsets.UTF_8))).read(seen::add));
    assertEquals(List.of(new BackupEvent.MetaCommand("\\! id", 2)), seen);
  }

  @Test
  void aCopyStatementWhoseNamesHoldNewlinesIsOneStatementInEitherForm() throws Exception {
    // pg_dump writes the name as it is; our writer as U&"" escapes (CopyLine)
    String sql = "COPY public.\"line\nbreak\" (\"a\nb\") FROM stdin;\n1\n\\.\n"
        + "COPY \"s\".U&\"line\\000abreak\" (U&\"a\\000ab\") FROM stdin;\n2\n\\.\n";
    Seen h = read(sql);
    assertEquals(List.of("COPY public.\"line\nbreak\" (\"a\nb\") FROM stdin;",
        "COPY \"s\".U&\"line\\000abreak\" (U&\"a\\000ab\") FROM stdin;"), h.items());
    assertEquals(List.of("line\nbreak", "line\nbreak"), h.of(BackupEvent.DataStart.class).stream()
        .map(BackupEvent.DataStart::table).toList());
    assertEquals(List.of("1\n", "2\n"), h.blocks);
  }

  @Test
  void ourFilesEvents() throws Exception {
    String text = new SyntheticBackup().table("public.a", "1", "2").table("s.b", "x").text();
    Seen h = read(text);
    assertEquals(List.of("pre-data", "data", "post-data"), h.of(BackupEvent.Section.class).stream()
        .map(BackupEvent.Section::name).toList());
    assertEquals(List.of("TABLE public.a", "TABLE s.b"), h.of(BackupEvent.Entry.class).stream()
        .map(BackupEvent.Entry::key).toList());
    assertEquals(List.of(new BackupEvent.DataStart("public", "a", List.of("a"),
        "COPY \"public\".\"a\" (\"a\") FROM stdin;", 25), new BackupEvent.DataStart("s", "b", List.of("a"),
        "COPY \"s\".\"b\" (\"a\") FROM stdin;", 30)), h.of(BackupEvent.DataStart.class));
    assertEquals(List.of(2L, 1L), h.of(BackupEvent.DataEnd.class).stream().map(BackupEvent.DataEnd::rows).toList());
    assertEquals(List.of("BEGIN;", "COMMIT;"), h.of(BackupEvent.Statement.class).stream()
        .map(BackupEvent.Statement::sql).filter(s -> !s.startsWith("SE")).toList());
  }

  @Test
  void theOriginalPaperclipsEventsArePlainStatementsAndCopyBlocks() throws Exception {
    Seen plain = read(Corpora.resource(LEGACY));
    try (InputStream gz = BackupFormat.openText(Corpora.file(LEGACY + ".gz"))) {
      Seen fromGzip = read(gz);
      assertEquals(plain.events, fromGzip.events);
      assertEquals(plain.blocks, fromGzip.blocks);
    }
    assertEquals(List.of(), plain.of(BackupEvent.Entry.class));
    assertEquals(List.of(), plain.of(BackupEvent.Section.class));
    assertEquals(List.of("public.companies", "drizzle.__drizzle_migrations"), plain.of(BackupEvent.DataStart.class)
        .stream().map(d -> d.schema() + "." + d.table()).toList());
    assertEquals(List.of("id", "name", "issue_prefix", "created_at"), plain.of(BackupEvent.DataStart.class).get(0)
        .columns());
    assertEquals("BEGIN;", plain.of(BackupEvent.Statement.class).get(0).sql());
    assertEquals("COMMIT;", plain.of(BackupEvent.Statement.class).get(plain.of(BackupEvent.Statement.class).size() - 1)
        .sql());
    assertEquals(List.of(), plain.of(BackupEvent.MetaCommand.class));
  }

  @Test
  void pgDumpsEventsNameEveryEntryWithItsTypeSchemaAndOwner() throws Exception {
    String text = Corpora.resource(PG_DUMP);
    Seen h = read(text);
    List<BackupEvent.Entry> entries = h.of(BackupEvent.Entry.class);
    assertEquals(text.lines().filter(l -> l.startsWith("-- Name: ")).count(), entries.size());
    assertEquals(new BackupEvent.Entry(BackupEvent.Entry.Origin.PG_DUMP_TOC, "SCHEMA", "", "drizzle", List.of(), "",
        "CREATE SCHEMA drizzle;", "CREATE SCHEMA drizzle;", 25), entries.get(0));
    assertTrue(entries.stream().allMatch(e -> e.owner().isEmpty() && e.origin() == BackupEvent.Entry.Origin.PG_DUMP_TOC));
    assertTrue(entries.stream().anyMatch(e -> e.kind().equals("FK CONSTRAINT") && e.schema().equals("public")));
    List<BackupEvent.MetaCommand> meta = h.of(BackupEvent.MetaCommand.class);
    assertTrue(meta.get(0).text().startsWith("\\restrict ") && meta.get(meta.size() - 1).text().startsWith("\\unrestrict "));
    assertEquals(1, h.of(BackupEvent.DumpComplete.class).size());
    assertEquals(216L, h.of(BackupEvent.DataEnd.class).get(0).rows());
    assertEquals(List.of(), h.of(BackupEvent.Section.class));
  }

  @Test
  void randomSmallBuffersGiveTheSameEvents() throws Exception {
    List<byte[]> files = List.of(Corpora.resource(LEGACY).getBytes(StandardCharsets.UTF_8),
        Corpora.resource(PG_DUMP).getBytes(StandardCharsets.UTF_8),
        new SyntheticBackup().table("public.a", "1", "2\\\\.", "").table("s.b", "x").text().getBytes(StandardCharsets.UTF_8),
        SCRIPT.getBytes(StandardCharsets.UTF_8));
    for (byte[] f : files) {
      Seen whole = read(new ByteArrayInputStream(f));
      for (int seed = 0; seed < 6; seed++) {
        Random r = new Random(seed);
        int max = 1 + r.nextInt(seed < 3 ? 8 : 300);
        Seen small = read(chunked(f, r, max));
        assertEquals(whole.events, small.events, "seed " + seed);
        assertEquals(whole.blocks, small.blocks, "seed " + seed);
        assertEquals(whole.newlines, small.newlines, "seed " + seed);
        assertEquals(whole.read, small.read, "seed " + seed);
      }
    }
  }
}
