package ing.paperclip.db.backup.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.Corpora;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one detection of a backup file's format, gzip or not. */
class FormatTest {
  @TempDir
  Path dir;

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private Path text(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  private static String refusal(Path file) {
    assertEquals(Optional.empty(), Format.detect(file));
    PaperclipException e = assertThrows(PaperclipException.class, () -> Format.of(file));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().startsWith(file + " "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void eachFormatIsFoundPlainOrGzipped() throws IOException {
    String ours = new SyntheticBackup().table("public.t", "1").text();
    String pgDump = "--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\n\nSET x = 1;\n";
    String legacy = "-- Paperclip database backup\n-- Created: 2026-03-31T12:00:00.000Z\n\nBEGIN;\n";
    for (var c : List.of(List.of(ours, Format.OURS), List.of(pgDump, Format.PG_DUMP), List.of(legacy, Format.LEGACY))) {
      byte[] b = ((String) c.get(0)).getBytes(StandardCharsets.UTF_8);
      assertEquals(Optional.of(c.get(1)), Format.detect(write("plain.sql", b)));
      assertEquals(c.get(1), Format.of(write("gz.sql.gz", gzip(b))));
    }
    assertEquals(Format.LEGACY, Format.of(Corpora.file("corpora/paperclip-legacy/paperclip-20260331-120000.sql")));
    assertEquals(Format.LEGACY, Format.of(Corpora.file("corpora/paperclip-legacy/paperclip-20260331-120000.sql.gz")));
    assertEquals(Format.PG_DUMP, Format.of(Corpora.file("corpora/paperclip-drizzle/paperclip-drizzle-0217.sql.gz")));
  }

  @Test
  void markersMayFollowBlankCommentAndMetaCommandLines() throws IOException {
    assertEquals(Format.PG_DUMP, Format.of(text("r.sql", "\\restrict k\n-- PostgreSQL database dump\n")));
    assertEquals(Format.PG_DUMP, Format.of(text("b.sql", "\n\n  \n-- a note\n--\n-- PostgreSQL database dump\n")));
    assertEquals(Format.LEGACY, Format.of(text("c.sql", "\r\n-- x\r\n-- Paperclip database backup\r\n")));
    assertEquals(Format.OURS, Format.of(text("crlf.sql", BackupFormat.FIRST_LINE + "\r\n-- format: 2\r\n")));
    // ours only as the first line; a marker after SQL, or after 40 lines, names nothing
    refusal(text("late.sql", "\n" + BackupFormat.FIRST_LINE + "\n"));
    refusal(text("sql.sql", "CREATE TABLE t (a int);\n-- PostgreSQL database dump\n"));
    refusal(text("far.sql", "--\n".repeat(40) + "-- PostgreSQL database dump\n"));
  }

  @Test
  void whatIsNoBackupSaysWhatItIsAndWhatToDo() throws IOException {
    assertTrue(refusal(write("empty.sql", new byte[0])).contains("is empty"));
    assertTrue(refusal(write("empty.sql.gz", gzip(new byte[0]))).contains("is empty"));
    byte[] binary = new byte[300_000];
    new Random(7).nextBytes(binary);
    binary[0] = 0x00;
    assertTrue(refusal(write("bin", binary)).contains("is not a backup this tool can read (not a paperclip-db,"
        + " pg_dump plain or Paperclip backup); use another file"));
    byte[] custom = "PGDMP\u0001\u000e\u0000\u0004\u0008\u0001\u0001".getBytes(StandardCharsets.ISO_8859_1);
    String m = refusal(write("db.dump", custom));
    assertTrue(m.contains("custom-format archive") && m.contains("restore it with pg_restore"), m);
    assertTrue(refusal(write("db.dump.gz", gzip(custom))).contains("pg_restore"));
    assertTrue(refusal(text("bom.sql", "\uFEFF-- PostgreSQL database dump\n")).contains("byte-order mark"));
    byte[] badGzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0};
    assertTrue(refusal(write("bad.gz", badGzip)).contains("cannot be read"));
  }

  @Test
  void labelsNounsAndFactsAreStable() {
    assertEquals(List.of("paperclip-db", "pg_dump", "paperclip-legacy"),
        List.of(Format.values()).stream().map(Format::label).toList());
    assertEquals("pg_dump", Format.PG_DUMP.toString());
    assertEquals("original Paperclip file", Format.LEGACY.noun());
    for (Format f : Format.values()) {
      boolean ours = f == Format.OURS;
      assertEquals(ours, f.hasChecksums());
      assertEquals(ours, f.parallelRestore());
      assertEquals(ours, f.selectiveRestore());
    }
  }
}
