package ing.paperclip.db.core.sql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.testing.Corpora;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte-level script reader: same pieces as the splitter over the decoded text, COPY data as
 * the file's bytes, whatever the chunking of the stream; every corpus reads back to its bytes.
 */
class SqlScriptReaderTest {
  /** What a read found: the pieces (COPY blocks as one item of their data) and the bytes joined back. */
  private record Read(List<String> items, byte[] joined, long lines) {}

  /** A stream that hands out the bytes in random chunks of 1 to {@code max} bytes. */
  private static InputStream chunked(byte[] b, Random r, int max) {
    return new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        return super.read(buf, off, Math.min(len, 1 + r.nextInt(max)));
      }
    };
  }

  private static Read read(InputStream in) throws IOException {
    SqlScriptReader r = new SqlScriptReader(in);
    List<String> items = new ArrayList<>();
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (SqlStatement s = r.next(); s != null; s = r.next()) {
      joined.writeBytes(s.text().getBytes(StandardCharsets.UTF_8));
      items.add((s.metaCommand() ? "META " : "") + s.text() + "@" + s.first().map(SqlToken::position).orElse("-"));
      if (s.isCopyFromStdin()) {
        String rest = r.copyLineRest();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long[] newlines = {0};
        SqlScriptReader.CopyEnd end = r.copyData((b, off, len, n) -> {
          data.write(b, off, len);
          newlines[0] += n;
        });
        assertEquals(end.lines(), newlines[0]);
        joined.writeBytes((rest + "\n").getBytes(StandardCharsets.UTF_8));
        joined.writeBytes(data.toByteArray());
        if (end.terminated()) {
          joined.writeBytes((end.carriageReturn() ? "\\.\r\n" : "\\.\n").getBytes(StandardCharsets.UTF_8));
        }
        items.add("DATA " + data.toString(StandardCharsets.UTF_8) + " lines=" + end.lines() + " end=" + end.terminated());
      }
    }
    return new Read(items, joined.toByteArray(), r.lines());
  }

  private static void roundTrips(String name, byte[] bytes, Random r) throws IOException {
    Read whole = read(new ByteArrayInputStream(bytes));
    byte[] expected = bytes;
    if (bytes.length > 0 && bytes[bytes.length - 1] != '\n' && whole.joined().length == bytes.length + 1) {
      expected = java.util.Arrays.copyOf(bytes, bytes.length + 1); // a final \. without its newline
      expected[bytes.length] = '\n';
    }
    assertArrayEquals(expected, whole.joined(), name + " joins back to its bytes");
    for (int max : new int[] {1, 7, 4096}) {
      Read part = read(chunked(bytes, r, max));
      assertEquals(whole.items(), part.items(), name + " chunked by up to " + max + " bytes");
      assertEquals(whole.lines(), part.lines(), name);
    }
    for (String item : whole.items()) {
      if (item.startsWith("DATA ") || item.startsWith("META ")) {
        continue;
      }
      String text = item.substring(0, item.lastIndexOf('@'));
      List<SqlStatement> again = SqlSplitter.split(text);
      assertEquals(text, again.get(0).text(), name + ": the statement splits back to itself");
      assertEquals(1, again.size(), name + ": one statement: " + text);
    }
  }

  @Test
  void corporaAndPgDumpOutputsReadBackToTheirBytesWhateverTheChunking() throws IOException {
    Random r = new Random(18L);
    for (String name : new String[] {"corpora/hostile.sql", "corpora/hostile2.sql", "corpora/atomic.sql",
        "corpora/pagila/pagila-schema.sql", "corpora/pagila/pagila-data.sql.gz",
        "corpora/paperclip-legacy/paperclip-20260331-120000.sql",
        "corpora/paperclip-drizzle/paperclip-drizzle-0217.sql.gz"}) {
      byte[] bytes = Corpora.resource(name).getBytes(StandardCharsets.UTF_8);
      roundTrips(name, bytes, r);
    }
  }

  private static final String[] FRAGMENTS = {
      "SELECT 1;\n", "COPY public.t (a) FROM stdin;\n", "1\tx;y\n", "\\N\t\\\\.\n", "\\.\n", "\\.x\n", "é😀\t'\n",
      "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\n",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n", "\\connect db\n",
      "SELECT E'a\\';b', U&\"x\", $q$;$q$ /* /* ; */ */;\n", "-- entry: {\"a\":1}\n", "\r\n", "\\.\r\n",
      "COPY (SELECT 1 FROM stdin) TO stdout;\n", "SELECT 'é😀';", "\n",
  };

  @Test
  void randomScriptsReadTheSameWhateverTheChunking() throws IOException {
    Random r = new Random(20261202L);
    int read = 0;
    for (int round = 0; round < 2000; round++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(20);
      for (int i = 0; i < n; i++) {
        sb.append(FRAGMENTS[r.nextInt(FRAGMENTS.length)]);
      }
      byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
      try {
        roundTrips(sb.toString(), bytes, r);
        read++;
      } catch (SqlSyntaxException e) {
        String first = e.getMessage();
        SqlSyntaxException again = assertThrows(SqlSyntaxException.class, () -> read(chunked(bytes, r, 3)));
        assertEquals(first, again.getMessage());
      }
    }
    assertTrue(read > 1000, "enough inputs were readable: " + read);
  }

  @Test
  void copyDataIsTheFilesBytesAndPositionsGoOnAfterIt() throws IOException {
    byte[] b = "SET x = 1;\nCOPY public.t (a, b) FROM stdin;\n\\N\t\\\\.\n\\.x\tü🙂\n1\n\\.\nSELECT 2;\nCOPY t FROM stdin;\n\\.\r\n\\x"
        .getBytes(StandardCharsets.UTF_8);
    SqlScriptReader r = new SqlScriptReader(chunked(b, new Random(1), 3));
    assertEquals("SET x = 1;", r.next().sql());
    assertTrue(r.next().isCopyFromStdin());
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    SqlScriptReader.CopyEnd end = r.copyData((buf, off, len, n) -> data.write(buf, off, len));
    assertEquals("\\N\t\\\\.\n\\.x\tü🙂\n1\n", data.toString(StandardCharsets.UTF_8));
    assertEquals(3, end.lines());
    assertEquals(3, end.startLine());
    assertFalse(end.carriageReturn());
    SqlStatement s = r.next();
    assertEquals("SELECT 2;", s.sql());
    assertEquals("7:1", s.first().orElseThrow().position());
    assertEquals("SET x = 1;\nCOPY public.t (a, b) FROM stdin;\n\\N\t\\\\.\n\\.x\tü🙂\n1\n\\.\n".getBytes(StandardCharsets.UTF_8).length,
        s.first().orElseThrow().byteOffset());
    assertTrue(r.next().isCopyFromStdin());
    assertTrue(r.copyData((buf, off, len, n) -> { }).carriageReturn());
    SqlStatement meta = r.next();
    assertTrue(meta.metaCommand());
    assertEquals("10:1", meta.first().orElseThrow().position());
    assertEquals(10, r.lines());
  }

  @Test
  void aCopyBlockWithoutItsEndIsReported() {
    byte[] b = "COPY t FROM stdin;\n1\n2\n\\".getBytes(StandardCharsets.UTF_8);
    SqlScriptReader r = new SqlScriptReader(new ByteArrayInputStream(b));
    r.next();
    SqlSyntaxException e = assertThrows(SqlSyntaxException.class, r::next, "skipping the rows still needs their end");
    assertTrue(e.getMessage().contains("COPY data starting at line 2"), e.getMessage());
    UncheckedIOException io = assertThrows(UncheckedIOException.class, () -> new SqlScriptReader(new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("disk gone");
      }
    }).next());
    assertTrue(io.getMessage().contains("disk gone"));
  }
}
