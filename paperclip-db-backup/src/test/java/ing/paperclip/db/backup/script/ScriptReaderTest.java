package ing.paperclip.db.backup.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptReaderTest {
  private static final String SCRIPT = "SET x = 1;\nCOPY public.t (a, b) FROM stdin;\n"
      + "\\N\t\\\\.\n\\.x\tü🙂\n\\\\.\n1\t\\N\n\\.\nCREATE TABLE \"a;b\" (x text DEFAULT ';');\n"
      + "COPY public.e FROM stdin;\n\\.\nSELECT 1;\nCOPY public.last FROM stdin;\nz\n\\.";

  /** Serves one byte per read, so every chunk and line boundary falls everywhere once. */
  private static InputStream trickle(byte[] b) {
    return new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        return super.read(buf, off, Math.min(len, 1));
      }
    };
  }

  /** Records what a raw-data handler sees. */
  private static class Raw implements ScriptReader.Handler {
    final List<String> items = new ArrayList<>();
    final List<String> blocks = new ArrayList<>();
    final List<Long> newlines = new ArrayList<>();
    private final ByteArrayOutputStream cur = new ByteArrayOutputStream();
    private long lines;

    @Override
    public void item(ScriptItem item) {
      items.add(item instanceof ScriptItem.Statement s ? s.sql() : item instanceof ScriptItem.CopyStart c ? c.sql()
          : ((ScriptItem.MetaCommand) item).text());
    }

    @Override
    public void copyData(byte[] b, int off, int len, int n) {
      cur.write(b, off, len);
      lines += n;
    }

    @Override
    public void copyEnd() {
      blocks.add(cur.toString(StandardCharsets.UTF_8));
      newlines.add(lines);
      cur.reset();
      lines = 0;
    }
  }

  @Test
  void copyDataArrivesAsTheFilesBytesWhateverTheChunking() throws Exception {
    byte[] bytes = SCRIPT.getBytes(StandardCharsets.UTF_8);
    for (InputStream in : new InputStream[] {new ByteArrayInputStream(bytes), trickle(bytes)}) {
      Raw h = new Raw();
      long lines = new ScriptReader(in).read(h);
      assertEquals(List.of("SET x = 1;", "COPY public.t (a, b) FROM stdin;",
          "CREATE TABLE \"a;b\" (x text DEFAULT ';');", "COPY public.e FROM stdin;", "SELECT 1;",
          "COPY public.last FROM stdin;"), h.items);
      assertEquals(List.of("\\N\t\\\\.\n\\.x\tü🙂\n\\\\.\n1\t\\N\n", "", "z\n"), h.blocks);
      assertEquals(List.of(4L, 0L, 1L), h.newlines);
      assertEquals(14, lines);
    }
  }

  @Test
  void aCopyBlockWithoutItsEndMarkerIsTruncated() {
    byte[] cut = "COPY t FROM stdin;\n1\n2\n\\".getBytes(StandardCharsets.UTF_8);
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> new ScriptReader(trickle(cut)).read(new Raw()));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
  }

  @Test
  void aSemicolonInsideParenthesesEndsNoStatement() throws Exception {
    String sql = "CREATE RULE r AS ON INSERT TO public.a DO INSTEAD (INSERT INTO public.b VALUES (new.v);\n"
        + " INSERT INTO public.c VALUES (new.v););\nSELECT ')'; SELECT 2;\n";
    Raw h = new Raw();
    new ScriptReader(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8))).read(h);
    assertEquals(List.of("CREATE RULE r AS ON INSERT TO public.a DO INSTEAD (INSERT INTO public.b"
        + " VALUES (new.v);\n INSERT INTO public.c VALUES (new.v););", "SELECT ')';", "SELECT 2;"),
        h.items);
  }

  @Test
  void labelsSectionsAndTheCodeShapeComeFromTheCommentsBeforeAStatement() throws Exception {
    String sql = "-- section: pre-data\n-- entry: {\"kind\":\"TABLE\"}\nCREATE TABLE \"a;b\" (x text DEFAULT E'\\';' /* c */);\n"
        + "-- data: {}\nCOPY \"s\".\"t\" FROM stdin;\n\\.\nSELECT U&'x', $q$ ; $q$ -- tail\n;\n";
    List<ScriptItem> seen = new ArrayList<>();
    List<String> comments = new ArrayList<>();
    new ScriptReader(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8))).read(new Raw() {
      @Override
      public void item(ScriptItem item) {
        seen.add(item);
      }

      @Override
      public void comment(String line) {
        comments.add(line);
      }
    });
    ScriptItem.Statement create = (ScriptItem.Statement) seen.get(0);
    assertEquals("-- entry: {\"kind\":\"TABLE\"}", create.label());
    assertEquals("pre-data", create.section());
    assertEquals(3, create.line());
    assertEquals("CREATE TABLE \"\" (x text DEFAULT E''  );", create.code());
    ScriptItem.CopyStart copy = (ScriptItem.CopyStart) seen.get(1);
    assertEquals("-- data: {}", copy.label());
    assertEquals(5, copy.line());
    ScriptItem.Statement select = (ScriptItem.Statement) seen.get(2);
    assertEquals("", select.label());
    assertEquals("SELECT U&'', $$$$  ;", select.code());
    assertEquals(List.of("-- section: pre-data", "-- entry: {\"kind\":\"TABLE\"}", "-- data: {}"), comments);
  }

  @Test
  void aStatementCutByAMetaCommandOrTheEndIsRefused() {
    for (String sql : new String[] {"SELECT 1\n\\connect x\n;", "SELECT 1", "SELECT 'x", "COPY t FROM stdin; SELECT 1;\n\\.\n"}) {
      PaperclipException e = assertThrows(PaperclipException.class,
          () -> new ScriptReader(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8))).read(new Raw()), sql);
      assertEquals(ErrorCode.CORRUPT_FILE, e.code(), sql);
    }
  }

  @Test
  void aCopyStatementWhoseNamesHoldNewlinesIsOneStatementInEitherForm() throws Exception {
    // pg_dump writes the name as it is; our writer as U&"" escapes (CopyLine)
    String sql = "COPY public.\"line\nbreak\" (\"a\nb\") FROM stdin;\n1\n\\.\n"
        + "COPY \"s\".U&\"line\\000abreak\" (U&\"a\\000ab\") FROM stdin;\n2\n\\.\n";
    Raw h = new Raw();
    new ScriptReader(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8))).read(h);
    assertEquals(List.of("COPY public.\"line\nbreak\" (\"a\nb\") FROM stdin;",
        "COPY \"s\".U&\"line\\000abreak\" (U&\"a\\000ab\") FROM stdin;"), h.items);
    assertEquals(List.of("1\n", "2\n"), h.blocks);
  }
}
