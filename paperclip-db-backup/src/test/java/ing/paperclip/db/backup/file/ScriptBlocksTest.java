package ing.paperclip.db.backup.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.BackupManifest.TableEntry;
import ing.paperclip.db.backup.internal.StrictGzipInputStream;
import ing.paperclip.db.core.sql.SqlSyntaxException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptBlocksTest {
  private static final String PG_DUMP = """
      --
      -- PostgreSQL database dump
      --

      CREATE FUNCTION public.f() RETURNS void
          LANGUAGE sql
          AS $$
      COPY public.t (a) FROM stdin;
      $$;

      --
      -- Data for Name: My Table; Type: TABLE DATA; Schema: Sch"x; Owner: -
      --

      COPY "Sch""x"."My Table" (id, "Na me") FROM stdin;
      1\tx\\ty
      2\t\\N
      \\.


      --
      -- Data for Name: empty; Type: TABLE DATA; Schema: public; Owner: -
      --

      COPY public.empty  FROM stdin;
      \\.


      --
      -- PostgreSQL database dump complete
      --
      """;

  /** Reads {@code text} as it arrives from a pipe: in chunks of {@code chunk} bytes. */
  private static ScriptBlocks read(byte[] text, int chunk, ByteArrayOutputStream skeleton) throws IOException {
    ScriptBlocks s = new ScriptBlocks(skeleton, null);
    s.read(new java.io.FilterInputStream(new ByteArrayInputStream(text)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, chunk));
      }
    });
    return s;
  }

  @Test
  void countsAndHashesPgDumpCopyBlocksInAnyChunking() throws Exception {
    byte[] text = PG_DUMP.getBytes(StandardCharsets.UTF_8);
    for (int chunk : new int[] {1, 2, 3, 7, 64, text.length}) {
      ScriptBlocks s = read(text, chunk, null);
      List<TableEntry> t = s.tables();
      assertEquals(2, t.size(), "chunk " + chunk);
      assertEquals(new TableEntry("Sch\"x", "My Table", 2, sha("1\tx\\ty\n2\t\\N\n")), t.get(0));
      assertEquals(new TableEntry("public", "empty", 0, sha("")), t.get(1));
      assertTrue(s.openBlock().isEmpty());
      assertEquals(List.of(), s.problems());
    }
  }

  @Test
  void writesTheTextWithRowsReplacedByTheirChecksumInAnyChunking() throws Exception {
    byte[] text = PG_DUMP.getBytes(StandardCharsets.UTF_8);
    String rows = "1\tx\\ty\n2\t\\N\n";
    String expected = PG_DUMP.replace(rows, sha(rows) + "\n")
        .replace("COPY public.empty  FROM stdin;\n", "COPY public.empty  FROM stdin;\n" + sha("") + "\n");
    for (int chunk : new int[] {1, 2, 3, 7, 64, text.length}) {
      ByteArrayOutputStream skeleton = new ByteArrayOutputStream();
      read(text, chunk, skeleton);
      assertEquals(expected, skeleton.toString(StandardCharsets.UTF_8), "chunk " + chunk);
    }
  }

  @Test
  void theSkeletonKeepsTheExactBytesOfTheSqlTextEvenWhenTheyAreNotUtf8() throws Exception {
    byte[] head = "SELECT 'caf".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "';\nCOPY public.t (a) FROM stdin;\n1\n\\.\n".getBytes(StandardCharsets.UTF_8);
    byte[] text = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, text, 0, head.length);
    text[head.length] = (byte) 0xe9; // Latin-1, not UTF-8
    System.arraycopy(tail, 0, text, head.length + 1, tail.length);
    ByteArrayOutputStream skeleton = new ByteArrayOutputStream();
    ScriptBlocks s = read(text, 5, skeleton);
    byte[] cut = java.util.Arrays.copyOf(text, text.length - "1\n\\.\n".length());
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(cut);
    expected.write((sha("1\n") + "\n\\.\n").getBytes(StandardCharsets.UTF_8));
    assertEquals(HexFormat.of().formatHex(expected.toByteArray()), HexFormat.of().formatHex(skeleton.toByteArray()));
    assertEquals(List.of(new TableEntry("public", "t", 1, sha("1\n"))), s.tables());
  }

  @Test
  void blockRangesRunFromTheDataLineToTheEndMarker() throws Exception {
    String block = "-- data: {\"schema\":\"public\",\"table\":\"t\"}\nCOPY \"public\".\"t\" (\"a\") FROM stdin;\n1\n\\.\n";
    String text = "-- section: data\nSELECT 'é';\n\n" + block + "SELECT 1;\n";
    ScriptBlocks s = read(text.getBytes(StandardCharsets.UTF_8), 3, null);
    long start = text.substring(0, text.indexOf("-- data:")).getBytes(StandardCharsets.UTF_8).length;
    assertEquals(1, s.blockRanges().size());
    assertEquals(start, s.blockRanges().get(0)[0]);
    assertEquals(start + block.length(), s.blockRanges().get(0)[1]);
  }

  @Test
  void copyLookalikesAreNotBlocksAndWhatNoBackupWritesIsReported() throws Exception {
    // inside a dollar quote, a literal or a comment COPY is text; FROM PROGRAM reads no rows
    String text = "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $f$\nCOPY public.t FROM stdin;\n$f$;\n"
        + "SELECT 'x\nCOPY public.t FROM stdin;\n';\n/* COPY public.t FROM stdin;\n*/\n"
        + "COPY public.t FROM PROGRAM 'id';\n"
        + "COPY t FROM stdin;\n1\n\\.\n"
        + "COPY public.u FROM stdin; SELECT 1;\n\\.\n"
        + "COPY public.v FROM stdin;\n2\n\\.\r\n";
    ScriptBlocks s = read(text.getBytes(StandardCharsets.UTF_8), 4, null);
    assertEquals(List.of("?.?", "public.u", "public.v"), s.tables().stream().map(TableEntry::qualifiedName).toList());
    List<String> p = s.problems();
    assertEquals(3, p.size(), p.toString());
    assertTrue(p.get(0).contains("COPY statement at line 10 is not one"), p.toString());
    assertTrue(p.get(1).contains("line 13 holds text after its COPY statement"), p.toString());
    assertTrue(p.get(2).contains("line 17 in the rows of public.v is \\. and a carriage return"), p.toString());
  }

  @Test
  void reportsAnUnterminatedBlock() throws Exception {
    String cut = PG_DUMP.substring(0, PG_DUMP.indexOf("2\t\\N"));
    ScriptBlocks s = read(cut.getBytes(StandardCharsets.UTF_8), 64, null);
    assertEquals("Sch\"x.My Table", s.openBlock().orElseThrow());
    assertEquals(15, s.openBlockLine());
    assertEquals(List.of(), s.tables());
  }

  @Test
  void aTextEndingInsideAQuoteIsASyntaxError() {
    String cut = PG_DUMP.substring(0, PG_DUMP.indexOf("COPY public.t"));
    assertThrows(SqlSyntaxException.class, () -> read(cut.getBytes(StandardCharsets.UTF_8), 64, null));
  }

  @Test
  void spoolsOverflowToAPrivateFileAndCleanUp(@TempDir Path dir) throws IOException {
    Spool spool = new Spool(dir, ".x.tmp-1-2.part-", 10);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < 100; i++) {
      byte[] b = ("line " + i + "\n").getBytes(StandardCharsets.UTF_8);
      spool.write(b);
      expected.write(b);
    }
    spool.close();
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    spool.copyTo(copy);
    assertEquals(expected.toString(StandardCharsets.UTF_8), copy.toString(StandardCharsets.UTF_8));
    spool.discard();
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void bodyConcatenatesMembersAndHashesTheSkeleton(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    BackupBody body = new BackupBody(file, 6);
    body.line("first");
    // a block written through the body: rows unhashed, their checksum line hashed only
    body.text().write("COPY a FROM stdin;\n".getBytes(StandardCharsets.UTF_8));
    body.unhashed().write("1\n2\n".getBytes(StandardCharsets.UTF_8));
    body.hashOnly().write((sha("1\n2\n") + "\n").getBytes(StandardCharsets.UTF_8));
    body.text().write("\\.\n".getBytes(StandardCharsets.UTF_8));
    // a member compressed elsewhere, standing in the checksum for what the caller says
    Spool spool = new Spool(dir, ".s.tmp-", 1 << 20);
    String member = "COPY b FROM stdin;\nthird\n\\.\n";
    try (GzipMember m = new GzipMember(spool, 1)) {
      m.write(member.getBytes(StandardCharsets.UTF_8));
    }
    spool.close();
    String memberSkeleton = "COPY b FROM stdin;\n" + sha("third\n") + "\n\\.\n";
    body.appendMember(spool, member.length(), memberSkeleton.getBytes(StandardCharsets.UTF_8));
    body.sql("fourth;");
    String sha = body.bodySha256();
    body.finish("{}");
    String expectedBody = "first\nCOPY a FROM stdin;\n1\n2\n\\.\n" + member + "fourth;\n";
    String skeleton = "first\nCOPY a FROM stdin;\n" + sha("1\n2\n") + "\n\\.\n" + memberSkeleton + "fourth;\n";
    assertEquals(sha(skeleton), sha);
    assertEquals(expectedBody.length(), body.bodyBytes());
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(file.toByteArray()))) {
      assertEquals(expectedBody + "-- paperclip-manifest: {}\n-- paperclip-end\n",
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    try (StrictGzipInputStream in = new StrictGzipInputStream(new ByteArrayInputStream(file.toByteArray()))) {
      in.readAllBytes();
      assertEquals(3, in.members());
    }
  }

  static String sha(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
