package ing.paperclip.db.core.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.embedded.internal.CredentialsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
  @TempDir
  Path dir;

  @Test
  void createsOnce0600AndNeverReplaces() throws Exception {
    Path f = dir.resolve("sub/secret");
    assertTrue(PrivateFiles.createNew(f, "one", "the test file"));
    assertFalse(PrivateFiles.createNew(f, "two", "the test file"));
    assertEquals("one", PrivateFiles.read(f, "the test file").text());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())));
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("target"));
    assertFalse(PrivateFiles.createNew(dangling, "x", "the test file"), "a dangling link counts as existing");
    assertFalse(Files.exists(dir.resolve("target")));
  }

  @Test
  void refusesLinksAndDirectoriesWithoutTouchingThem() throws Exception {
    Path target = Files.writeString(dir.resolve("target"), "data");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    PaperclipException e = assertThrows(PaperclipException.class, () -> PrivateFiles.read(link, "the test file"));
    assertTrue(e.getMessage().contains("symbolic link to " + target.toRealPath()), e.getMessage());
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    PaperclipException d = assertThrows(PaperclipException.class, () -> PrivateFiles.read(dir, "the test file"));
    assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
    PrivateFiles.Contents c = PrivateFiles.read(target, "the test file");
    assertTrue(c.warning().orElseThrow().contains("tightened"), c.warning().toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    assertFalse(c.toString().contains("data"), "toString shows no contents");
  }

  @Test
  void credentialsFileHasOneRandomPasswordPerRoleAndPrintsNone() {
    CredentialsFile a = CredentialsFile.create(dir.resolve("a.pgpass"), "paperclip", "paperclip_app");
    CredentialsFile b = CredentialsFile.create(dir.resolve("b.pgpass"), "paperclip", "paperclip_app");
    assertFalse(a.password("paperclip").equals(a.password("paperclip_app")));
    assertFalse(a.password("paperclip").equals(b.password("paperclip")));
    assertTrue(a.password("paperclip").length() >= 40);
    CredentialsFile again = CredentialsFile.read(dir.resolve("a.pgpass"));
    assertEquals(a.password("paperclip_app"), again.password("paperclip_app"));
    assertFalse(a.toString().contains(a.password("paperclip")) || a.toString().contains(a.password("paperclip_app")));
    assertThrows(PaperclipException.class, () -> a.password("postgres"));
  }

  @Test
  void aMalformedCredentialsFileIsAnErrorNamingIt() throws Exception {
    Path f = Files.writeString(dir.resolve("bad.pgpass"), "not a pgpass line\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    PaperclipException e = assertThrows(PaperclipException.class, () -> CredentialsFile.read(f));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("malformed"), e.getMessage());
  }
}
