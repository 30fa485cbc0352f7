package ing.paperclip.db.backup.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ing.paperclip.db.backup.dump.SchemaObject;
import ing.paperclip.db.backup.dump.Section;
import ing.paperclip.db.backup.dump.TableData;
import ing.paperclip.db.backup.file.BackupManifest.TableEntry;
import ing.paperclip.db.backup.internal.StrictGzipInputStream;
import ing.paperclip.db.core.sql.SqlStatement;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer alone, without a database: framing, order, manifest, members, foreign bodies. */
class BackupWriterTest {
  private static final Instant CREATED = Instant.parse("2026-03-04T05:06:07Z");
  /** A name holding line breaks and text that looks like the format's markers. */
  private static final String NASTY = "x\n-- data: {\"schema\":\"s\"}\n-- section: post-data\n\\.\n-- paperclip-end";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ByteArrayOutputStream file = new ByteArrayOutputStream();

  private BackupWriter start() throws IOException {
    return BackupWriter.start(file, 6, CREATED, 150004, "java");
  }

  /** A started writer with the three sections written, empty. */
  private BackupWriter emptySections() throws IOException {
    BackupWriter w = start();
    w.section(Section.PRE_DATA);
    w.section(Section.DATA);
    w.section(Section.POST_DATA);
    return w;
  }

  private static SchemaObject pre(String name, String sql) {
    return new SchemaObject("TABLE", "s", name, Section.PRE_DATA, sql, List.of());
  }

  private static SchemaObject post(String name, String sql) {
    return new SchemaObject("INDEX", "s", name, Section.POST_DATA, sql, List.of());
  }

  private static TableData table(String name) {
    return new TableData("s", name, List.of("a", NASTY), 1, 1);
  }

  private static BackupWriter.Rows rows(String text) {
    return out -> {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      return text.isEmpty() ? 0 : text.split("\n").length;
    };
  }

  private static BackupManifest finish(BackupWriter w) throws IOException {
    return w.finish(new BackupWriter.Contents(List.of("s"), new BackupManifest.Sequences(List.of(), 0)),
        "db\nname", new BackupManifest.Transforms(List.of(), List.of()),
        new BackupManifest.Source(1, List.of(), null, 0), Optional.empty());
  }

  private String text() throws IOException {
    try (StrictGzipInputStream in = new StrictGzipInputStream(new ByteArrayInputStream(file.toByteArray()))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private VerificationReport verify(Path dir) throws IOException {
    Path p = dir.resolve("b.sql.gz");
    Files.write(p, file.toByteArray());
    return new BackupVerifier().verifyOrThrow(p);
  }

  @Test
  void entriesAndBlocksAreFramedByTheirByteLengthsWhateverTheNamesHold(@TempDir Path dir) throws Exception {
    BackupWriter w = start();
    w.section(Section.PRE_DATA);
    String sql = "CREATE TABLE s.\"" + NASTY + "\" (a text);";
    w.entry(pre(NASTY, sql));
    w.section(Section.DATA);
    TableEntry e = w.data(table(NASTY), rows("1\t\\\\.\n2\t-- paperclip-end\n"));
    w.section(Section.POST_DATA);
    w.entry(post("i", "CREATE INDEX i ON s.t (a);\n"));
    BackupManifest m = finish(w);

    String text = text();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    String entryPrefix = "\n" + BackupFormat.ENTRY_PREFIX;
    int at = text.indexOf(entryPrefix) + 1;
    int nl = text.indexOf('\n', at);
    JsonNode entry = JSON.readTree(text.substring(at + BackupFormat.ENTRY_PREFIX.length(), nl));
    assertEquals(NASTY, entry.get("name").asText());
    int start = utf8Length(text.substring(0, nl + 1));
    int length = entry.get(BackupFormat.FRAME_BYTES).asInt();
    assertEquals(sql + "\n", new String(bytes, start, length, StandardCharsets.UTF_8));

    // the name's marker-looking lines are inside the framed SQL: what follows it is the real data section
    String after = new String(bytes, start + length, bytes.length - start - length, StandardCharsets.UTF_8);
    String dataSection = BackupFormat.SECTION_PREFIX + "data\n" + BackupFormat.DATA_PREFIX;
    assertTrue(after.startsWith(dataSection), after);
    int dnl = after.indexOf('\n', dataSection.length());
    JsonNode data = JSON.readTree(after.substring(dataSection.length(), dnl));
    assertEquals(List.of("a", NASTY), List.of(data.get("columns").get(0).asText(), data.get("columns").get(1).asText()));
    int copyStart = start + length + utf8Length(after.substring(0, dnl + 1));
    String copy = new String(bytes, copyStart, data.get(BackupFormat.FRAME_BYTES).asInt(), StandardCharsets.UTF_8);
    assertTrue(copy.startsWith("COPY \"s\".") && copy.endsWith(" FROM stdin;\n"), copy);
    assertTrue(text.contains(copy + "1\t\\\\.\n2\t-- paperclip-end\n\\.\n" + BackupFormat.SECTION_PREFIX + "post-data\n"), text);

    assertEquals(new TableEntry("s", NASTY, 2, sha("1\t\\\\.\n2\t-- paperclip-end\n")), e);
    assertEquals(List.of(e), m.tables());
    VerificationReport v = verify(dir);
    assertEquals(m.bodySha256(), v.manifest().bodySha256());
    assertEquals(2, v.tables().get(0).actualRows());
  }

  @Test
  void theHeaderAndTheTrailerAreTheFormatsAndTheManifestIsOneLine() throws Exception {
    BackupManifest m = finish(emptySections());
    List<String> lines = Arrays.asList(text().split("\n", -1));
    List<String> head = new ArrayList<>(List.of(BackupFormat.FIRST_LINE, BackupFormat.FORMAT_PREFIX + "2"));
    assertEquals(head, lines.subList(0, 2));
    assertTrue(lines.get(2).startsWith(BackupFormat.TOOL_PREFIX + BackupManifest.TOOL + " "), lines.get(2));
    assertEquals(List.of(BackupFormat.CREATED_PREFIX + CREATED, BackupFormat.SERVER_PREFIX + "150004",
        BackupFormat.ENGINE_PREFIX + "java"), lines.subList(3, 6));
    assertEquals(BackupFormat.SETTINGS, lines.subList(6, 6 + BackupFormat.SETTINGS.size()));
    int n = 6 + BackupFormat.SETTINGS.size();
    assertEquals(List.of("BEGIN;", "-- section: pre-data", "-- section: data", "-- section: post-data",
        "COMMIT;"), lines.subList(n, n + 5));
    // the database name's line break stays inside the JSON string: one manifest line, then the end
    assertEquals(BackupFormat.MANIFEST_PREFIX + m.toJson(), lines.get(n + 5));
    assertEquals(List.of(BackupFormat.END_LINE, ""), lines.subList(n + 6, lines.size()));
    assertEquals("db\nname", m.database());
    assertEquals(utf8Length(String.join("\n", lines.subList(0, n + 5)) + "\n"), m.bodyBytes());
  }

  @Test
  void sectionsComeOnceAndInOrderAndEntriesOnlyInTheirOwn() throws Exception {
    BackupWriter w = start();
    assertThrows(IllegalStateException.class, () -> w.section(Section.DATA));
    assertThrows(IllegalStateException.class, () -> w.entry(pre("t", "SELECT 1;")));
    w.section(Section.PRE_DATA);
    assertThrows(IllegalStateException.class, () -> w.entry(post("i", "SELECT 1;")));
    assertThrows(IllegalStateException.class, () -> w.data(table("t"), rows("")));
    assertThrows(IllegalStateException.class, () -> w.section(Section.PRE_DATA));
    assertThrows(IllegalStateException.class, () -> w.section(Section.POST_DATA));
    assertThrows(IllegalStateException.class, () -> finish(w));
    w.section(Section.DATA);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.entry(pre("late", "SELECT 1;")));
    assertTrue(e.getMessage().contains("cannot write a pre-data entry (TABLE late) in the data section"),
        e.getMessage());
    assertThrows(IllegalStateException.class, () -> w.foreignBody(InputStreamOf.text(""), new BackupWriter.TextListener() { }));
    w.section(Section.POST_DATA);
    assertThrows(IllegalStateException.class, () -> w.data(table("t"), rows("")));
    assertThrows(IllegalStateException.class, () -> w.section(Section.DATA));
    finish(w);
  }

  @Test
  void nothingIsWrittenAfterTheFinish() throws Exception {
    BackupWriter w = emptySections();
    finish(w);
    int size = file.size();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.entry(post("i", "SELECT 1;")));
    assertTrue(e.getMessage().contains("after the backup was finished"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> finish(w));
    assertThrows(IllegalStateException.class, () -> w.section(Section.POST_DATA));
    assertEquals(size, file.size());
  }

  @Test
  void rowsThatDoNotEndALineAreRefused() throws Exception {
    BackupWriter w = start();
    w.section(Section.PRE_DATA);
    w.section(Section.DATA);
    IOException e = assertThrows(IOException.class, () -> w.data(table("t"), rows("1\n2")));
    assertTrue(e.getMessage().contains("does not end with a newline"), e.getMessage());
  }

  @Test
  void spooledBlocksBecomeMembersAtTheOffsetsTheManifestGives(@TempDir Path dir) throws Exception {
    BackupWriter w = start();
    w.section(Section.PRE_DATA);
    w.entry(pre("t", "CREATE TABLE s.t (a int);"));
    w.section(Section.DATA);
    BackupWriter.Spooler spooler = w.spooler(dir, ".b.sql.gz.tmp-part-", 16);
    List<BackupWriter.SpooledBlock> blocks = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<BackupWriter.SpooledBlock>> f = new ArrayList<>();
      for (String t : List.of("one", "two", "three")) {
        f.add(pool.submit(() -> spooler.write(table(t), rows(t + "\nmore " + t + "\n"))));
      }
      for (Future<BackupWriter.SpooledBlock> x : f) {
        blocks.add(x.get());
      }
    } finally {
      pool.shutdown();
    }
    w.data(table("inline"), rows("i\n"));
    List<TableEntry> appended = new ArrayList<>();
    for (BackupWriter.SpooledBlock b : blocks) {
      appended.add(w.append(b));
    }
    w.section(Section.POST_DATA);
    BackupManifest m = finish(w);
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "spools that overflowed to files are deleted once appended");
    }
    assertEquals(4, m.tables().size());
    long previousEnd = 0;
    for (TableEntry e : appended) {
      assertTrue(e.memberOffset() != null && e.memberOffset() >= previousEnd, e.toString());
      try (StrictGzipInputStream in = new StrictGzipInputStream(new ByteArrayInputStream(file.toByteArray(),
          Math.toIntExact(e.memberOffset()), Math.toIntExact(e.memberLength())))) {
        String member = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(member.startsWith(BackupFormat.DATA_PREFIX) && member.endsWith("more " + e.table() + "\n\\.\n"), member);
        assertEquals(1, in.members());
      }
      previousEnd = e.memberOffset() + e.memberLength();
    }
    assertEquals(appended, m.tables().subList(1, 4));
    VerificationReport v = verify(dir);
    assertEquals(4, v.tables().size());
    assertTrue(v.complete());
  }

  @Test
  void aForeignBodyIsWrittenAsItIsAndItsBlocksReported(@TempDir Path dir) throws Exception {
    String dump = "SET x = 1;\nCOPY public.t (a) FROM stdin;\n1\n2\n\\.\nSELECT 1;\n";
    BackupWriter w = BackupWriter.start(file, 6, CREATED, 150004, "pg_dump 15.4");
    List<String> seen = new ArrayList<>();
    BackupWriter.ForeignBody body = w.foreignBody(InputStreamOf.text(dump), new BackupWriter.TextListener() {
      @Override
      public void statement(SqlStatement s) {
        seen.add("statement");
      }

      @Override
      public void blockDone(TableEntry block) {
        seen.add(block.qualifiedName() + " " + block.rows());
      }
    });
    assertTrue(body.usable());
    assertEquals(List.of(new TableEntry("public", "t", 2, sha("1\n2\n"))), body.tables());
    assertTrue(seen.contains("public.t 2"), seen.toString());
    assertThrows(IllegalStateException.class, () -> w.section(Section.PRE_DATA));
    BackupManifest m = finish(w);
    assertEquals(body.tables(), m.tables());
    String text = text();
    assertTrue(text.contains("BEGIN;\n" + dump + "COMMIT;\n"), text);
    assertTrue(verify(dir).complete());
  }

  @Test
  void aCutForeignBodySaysWhereAndCannotBeFinished() throws Exception {
    BackupWriter rows = start();
    BackupWriter.ForeignBody inRows = rows.foreignBody(InputStreamOf.text("COPY public.t (a) FROM stdin;\n1\n"),
        new BackupWriter.TextListener() { });
    assertEquals(Optional.of("the rows of public.t"), inRows.cut());
    assertFalse(inRows.usable());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> finish(rows));
    assertTrue(e.getMessage().contains("cut or refused"), e.getMessage());

    assertEquals(Optional.of("a line"), start().foreignBody(InputStreamOf.text("SELECT 1;\nSELECT"),
        new BackupWriter.TextListener() { }).cut());
    BackupWriter.ForeignBody quote = start().foreignBody(InputStreamOf.text("SELECT 'open\n"),
        new BackupWriter.TextListener() { });
    assertTrue(quote.cut().orElseThrow().startsWith("a "), quote.toString());
    BackupWriter.ForeignBody odd = start().foreignBody(InputStreamOf.text("COPY t FROM stdin;\n1\n\\.\n"),
        new BackupWriter.TextListener() { });
    assertEquals(Optional.empty(), odd.cut());
    assertFalse(odd.usable(), odd.toString());
  }

  /** Streams of text. */
  private static final class InputStreamOf {
    static ByteArrayInputStream text(String s) {
      return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String sha(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
