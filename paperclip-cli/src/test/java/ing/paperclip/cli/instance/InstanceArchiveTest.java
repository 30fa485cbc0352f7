package ing.paperclip.cli.instance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.secrets.MasterKey;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceArchiveTest {
  @TempDir
  Path tmp;

  private ObjectNode header() {
    ObjectNode h = new ObjectMapper().createObjectNode();
    h.put("format", InstanceArchive.FORMAT);
    h.putObject("database").put("file", "database/db.sql.gz");
    return h;
  }

  private Map<String, Path> members() throws Exception {
    Map<String, Path> files = new LinkedHashMap<>();
    files.put("database/db.sql.gz", Files.writeString(tmp.resolve("db"), "not really gzip"));
    files.put("config.json", Files.writeString(tmp.resolve("config"), "{}"));
    Path deep = Files.createDirectories(tmp.resolve("s/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/a/b/c/d/e/f"));
    files.put("storage/" + tmp.resolve("s").relativize(deep) + "/a-file-name-long-enough-for-pax.bin",
        Files.write(deep.resolve("f.bin"), new byte[] {0, 1, 2, (byte) 255}));
    return files;
  }

  private Path write(Map<String, Path> files, Optional<String> mac) throws Exception {
    List<InstanceArchive.Member> m = new ArrayList<>();
    for (Map.Entry<String, Path> f : files.entrySet()) {
      m.add(InstanceArchive.describe(f.getKey(), f.getValue()));
    }
    Path out = Files.createDirectories(tmp.resolve("out")).resolve("a.tar");
    InstanceArchive.write(out, InstanceArchive.manifest(header(), m), mac, files);
    return out;
  }

  @Test
  void writesAPrivateArchiveThatReadsBackByteForByte() throws Exception {
    Map<String, Path> files = members();
    MasterKey key = MasterKey.of(new byte[32]);
    Path archive = write(files, Optional.empty());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));
    try (Stream<Path> s = Files.list(archive.getParent())) {
      assertEquals(1, s.count(), "no temporary file left");
    }
    InstanceArchive.Contents c = InstanceArchive.read(archive, Files.createDirectory(tmp.resolve("st")));
    assertEquals(files.keySet(), c.files().keySet());
    for (Map.Entry<String, Path> f : files.entrySet()) {
      assertArrayEquals(Files.readAllBytes(f.getValue()), Files.readAllBytes(c.files().get(f.getKey())), f.getKey());
    }
    String mac = InstanceArchive.mac(key, c.manifestBytes());
    assertTrue(InstanceArchive.macMatches(key, c.manifestBytes(), mac));
    byte[] changed = c.manifestBytes().clone();
    changed[changed.length / 2] ^= 1;
    assertFalse(InstanceArchive.macMatches(key, changed, mac));
    assertFalse(InstanceArchive.macMatches(MasterKey.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}), c.manifestBytes(), mac));
  }

  @Test
  void aPruneOfTheDirectoryLeavesAnArchiveBeingWrittenAlone() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("backups"));
    Path tmpFile = Files.createFile(InstanceArchive.temporary(dir.resolve("paperclip-instance-20260101-000000.tar")));
    assertTrue(ing.paperclip.db.backup.file.BackupFile.isTemporary(tmpFile.getFileName().toString()));
    assertEquals(List.of(), ing.paperclip.db.backup.retention.BackupPruner.abandonedTemporaryFiles(dir));
  }

  @Test
  void namesOutsideTheFormatAreRefused() {
    for (String bad : List.of("/etc/passwd", "storage/../x", "storage/./x", "storage/", "storage//x", "db/PG_VERSION",
        "database/a/b", "secrets/master.key", "storage/a\nb")) {
      assertFalse(InstanceArchive.allowedName(bad), bad);
    }
    for (String ok : List.of("config.json", "env", "master-key.sealed", "database/x.sql.gz", "storage/a/b c.txt")) {
      assertTrue(InstanceArchive.allowedName(ok), ok);
    }
  }

  /** A hand-made tar: the manifest lists {@code listed}; the members are {@code entries}. */
  private Path forged(Map<String, byte[]> listed, Map<String, byte[]> entries, boolean link) throws Exception {
    List<InstanceArchive.Member> m = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : listed.entrySet()) {
      Path f = Files.write(Files.createTempFile(tmp, "m", ""), e.getValue());
      m.add(InstanceArchive.describe(e.getKey(), f));
    }
    byte[] manifest = InstanceArchive.manifest(header(), m);
    Path out = Files.createTempFile(tmp, "forged", ".tar");
    try (OutputStream o = Files.newOutputStream(out); TarArchiveOutputStream tar = new TarArchiveOutputStream(o)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry me = new TarArchiveEntry(InstanceArchive.MANIFEST);
      me.setSize(manifest.length);
      tar.putArchiveEntry(me);
      tar.write(manifest);
      tar.closeArchiveEntry();
      if (link) {
        TarArchiveEntry l = new TarArchiveEntry("storage/link", TarArchiveEntry.LF_SYMLINK);
        l.setLinkName("/etc/passwd");
        tar.putArchiveEntry(l);
        tar.closeArchiveEntry();
      }
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        TarArchiveEntry te = new TarArchiveEntry(e.getKey());
        te.setSize(e.getValue().length);
        tar.putArchiveEntry(te);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    }
    return out;
  }

  private String refusal(Path archive) throws Exception {
    Path st = Files.createTempDirectory(tmp, "st");
    PaperclipException e = assertThrows(PaperclipException.class, () -> InstanceArchive.read(archive, st));
    try (Stream<Path> s = Files.walk(st)) {
      assertTrue(s.noneMatch(p -> p.toString().contains("passwd") || p.getFileName().toString().equals("x")),
          "nothing escaped the staging directory");
    }
    assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void forgedArchivesAreRefused() throws Exception {
    byte[] db = "db".getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> base = Map.of("database/db.sql.gz", db);
    assertTrue(refusal(forged(base, Map.of("database/db.sql.gz", db, "storage/extra", db), false))
        .contains("not in its manifest"));
    assertTrue(refusal(forged(base, Map.of(), false)).contains("ends before member"));
    assertTrue(refusal(forged(base, Map.of("database/db.sql.gz", "dB".getBytes(StandardCharsets.UTF_8)), false))
        .contains("does not match its manifest"));
    assertTrue(refusal(forged(base, Map.of("database/db.sql.gz", db), true)).contains("not a regular file"));
    assertTrue(refusal(forged(Map.of("storage/../x", db), Map.of("storage/../x", db), false))
        .contains("bad or repeated member"));
    Path notTar = Files.writeString(tmp.resolve("x.tar"), "hello");
    assertTrue(refusal(notTar).contains("is damaged or not an instance archive"));
  }

  @Test
  void theEnvKeepsSettingsAndDropsSecretValues() {
    EnvRedaction.Result r = EnvRedaction.redact(List.of("# comment", "PORT=3100", "export OPENAI_API_KEY=sk-1",
        "GITHUB_TOKEN='t'", "DATABASE_URL=postgres://u:pw@h/db", "PUBLIC_URL=https://example.com", "", "BETTER_AUTH_SECRET=s",
        "GITLAB_PAT=glpat-1", "SMTP_PASS=p2", "not a line"), ".env");
    assertEquals(List.of("OPENAI_API_KEY", "GITHUB_TOKEN", "DATABASE_URL", "BETTER_AUTH_SECRET", "GITLAB_PAT", "SMTP_PASS"),
        r.removed());
    assertTrue(r.text().contains("PORT=3100\n") && r.text().contains("PUBLIC_URL=https://example.com\n")
        && r.text().contains("# comment\n"), r.text());
    for (String secret : List.of("sk-1", "'t'", "pw@", "=s\n", "glpat-1", "p2", "not a line")) {
      assertFalse(r.text().contains(secret), secret + " in " + r.text());
    }
  }
}
