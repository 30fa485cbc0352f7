package ing.paperclip.db.core.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core carries no binaries: it finds paperclip-db-embedded's descriptor or names the artifact. */
class BinaryDescriptorTest {
  @Test
  void withoutTheEmbeddedArtifactTheErrorIsOneLineNamingIt() throws Exception {
    try (URLClassLoader hostedOnly = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
      PaperclipException e = assertThrows(PaperclipException.class, () -> BinaryInstaller.descriptor(hostedOnly, OptionalInt.empty()));
      assertEquals(ErrorCode.CONFIGURATION, e.code());
      assertTrue(e.getMessage().contains("add the dependency ing.paperclip:paperclip-db-embedded"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "one line");
    }
  }

  @Test
  void theEmbeddedArtifactDescribesItsArchiveForLinuxX8664() {
    Properties p = BinaryInstaller.descriptor(BinaryInstaller.class.getClassLoader(), OptionalInt.empty());
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

  @Test
  void aMajorIsPickedAmongSeveralArtifactsAndAMissingOneIsNamed(@TempDir Path dir) throws Exception {
    URL a = artifact(dir.resolve("a"), "ing.paperclip:paperclip-db-embedded", "18.3.0");
    URL b = artifact(dir.resolve("b"), "ing.paperclip:paperclip-db-embedded-16", "16.4.0");
    try (URLClassLoader both = new URLClassLoader(new URL[] {a, b}, ClassLoader.getPlatformClassLoader())) {
      assertEquals("18.3.0", BinaryInstaller.descriptor(both, OptionalInt.empty()).getProperty("version"), "newest");
      assertEquals("16.4.0", BinaryInstaller.descriptor(both, OptionalInt.of(16)).getProperty("version"));
      assertEquals("18.3.0", BinaryInstaller.descriptor(both, OptionalInt.of(18)).getProperty("version"));
      PaperclipException e = assertThrows(PaperclipException.class,
          () -> BinaryInstaller.descriptor(both, OptionalInt.of(17)));
      assertEquals(ErrorCode.CONFIGURATION, e.code());
      assertEquals("no embedded PostgreSQL 17 binaries on the classpath (found [16.4.0 from "
          + "ing.paperclip:paperclip-db-embedded-16, 18.3.0 from ing.paperclip:paperclip-db-embedded]): add the "
          + "dependency ing.paperclip:paperclip-db-embedded-17, or set the embedded installDir to a system "
          + "PostgreSQL 17", e.getMessage());
    }
  }

  @Test
  void aJarMergingTwoArtifactsStillShowsBothMajors(@TempDir Path dir) throws Exception {
    // A shaded jar keeps one postgres-binaries.properties; the per-major copies survive.
    URL merged = artifact(dir.resolve("m"), "ing.paperclip:paperclip-db-embedded", "18.3.0");
    perMajor(dir.resolve("m"), "ing.paperclip:paperclip-db-embedded", "18.3.0");
    perMajor(dir.resolve("m"), "ing.paperclip:paperclip-db-embedded-16", "16.10.0");
    try (URLClassLoader jar = new URLClassLoader(new URL[] {merged}, ClassLoader.getPlatformClassLoader())) {
      assertEquals("18.3.0", BinaryInstaller.descriptor(jar, OptionalInt.empty()).getProperty("version"), "newest");
      assertEquals("16.10.0", BinaryInstaller.descriptor(jar, OptionalInt.of(16)).getProperty("version"));
    }
  }

  @Test
  void twoBuildsOfOneMajorAreRefusedNamingBoth(@TempDir Path dir) throws Exception {
    URL a = artifact(dir.resolve("a"), "ing.paperclip:paperclip-db-embedded-16", "16.4.0");
    URL b = artifact(dir.resolve("b"), "ing.paperclip:paperclip-db-embedded-16", "16.10.0");
    URL c = artifact(dir.resolve("c"), "ing.paperclip:paperclip-db-embedded", "18.3.0");
    try (URLClassLoader both = new URLClassLoader(new URL[] {a, b, c}, ClassLoader.getPlatformClassLoader())) {
      PaperclipException e = assertThrows(PaperclipException.class,
          () -> BinaryInstaller.descriptor(both, OptionalInt.empty()));
      assertEquals(ErrorCode.CONFIGURATION, e.code());
      assertEquals("two builds of embedded PostgreSQL 16 on the classpath (16.4.0 from "
          + "ing.paperclip:paperclip-db-embedded-16, 16.10.0 from ing.paperclip:paperclip-db-embedded-16): keep one"
          + " of them", e.getMessage());
    }
  }

  @Test
  void theEmbeddedArtifactAlsoWritesItsPerMajorDescriptor() throws Exception {
    Properties p = BinaryInstaller.descriptor(BinaryInstaller.class.getClassLoader(), OptionalInt.empty());
    int major = Integer.parseInt(p.getProperty("version").split("\\.")[0]);
    URL perMajor = BinaryInstaller.class.getClassLoader().getResource(BinaryInstaller.majorDescriptor(major));
    assertTrue(perMajor != null, BinaryInstaller.majorDescriptor(major) + " on the classpath");
    Properties q = new Properties();
    try (var in = perMajor.openStream()) {
      q.load(in);
    }
    assertEquals(p, q);
  }

  private static void perMajor(Path root, String artifact, String version) throws Exception {
    Path d = Files.createDirectories(root.resolve("META-INF/paperclip-db"));
    Files.writeString(d.resolve("postgres-binaries-" + version.split("\\.")[0] + ".properties"), "artifact="
        + artifact + "\nversion=" + version + "\narchive.linux-x86_64=postgres-linux-x86_64-" + version + ".tar.gz\n");
  }

  private static URL artifact(Path root, String artifact, String version) throws Exception {
    Path d = Files.createDirectories(root.resolve("META-INF/paperclip-db"));
    Files.writeString(d.resolve("postgres-binaries.properties"), "artifact=" + artifact + "\nversion=" + version
        + "\narchive.linux-x86_64=postgres-linux-x86_64-" + version + ".tar.gz\n");
    return root.toUri().toURL();
  }
}
