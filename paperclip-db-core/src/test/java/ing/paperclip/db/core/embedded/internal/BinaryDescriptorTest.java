package ing.paperclip.db.core.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Core carries no binaries: it finds paperclip-db-embedded's descriptor or names the artifact. */
class BinaryDescriptorTest {
  @Test
  void withoutTheEmbeddedArtifactTheErrorIsOneLineNamingIt() throws Exception {
    try (URLClassLoader hostedOnly = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
      PaperclipException e = assertThrows(PaperclipException.class, () -> BinaryInstaller.descriptor(hostedOnly));
      assertEquals(ErrorCode.CONFIGURATION, e.code());
      assertTrue(e.getMessage().contains("add the dependency ing.paperclip:paperclip-db-embedded"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "one line");
    }
  }

  @Test
  void theEmbeddedArtifactDescribesItsArchiveForLinuxX8664() {
    Properties p = BinaryInstaller.descriptor(BinaryInstaller.class.getClassLoader());
    String archive = p.getProperty("archive.linux-x86_64");
    assertEquals("postgres-linux-x86_64-" + p.getProperty("version") + ".tar.gz", archive);
    assertTrue(BinaryInstaller.class.getClassLoader().getResource("META-INF/paperclip-db/" + archive) != null,
        archive + " ships next to the descriptor");
  }

  @Test
  void coreItselfShipsNoArchive() {
    URL own = BinaryInstaller.class.getProtectionDomain().getCodeSource().getLocation();
    URL descriptor = BinaryInstaller.class.getClassLoader().getResource(BinaryInstaller.DESCRIPTOR);
    assertFalse(descriptor.toString().startsWith(own.toString()), "the descriptor comes from paperclip-db-embedded, not "
        + own);
  }
}
