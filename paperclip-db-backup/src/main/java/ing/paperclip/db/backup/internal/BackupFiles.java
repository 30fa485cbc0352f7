package ing.paperclip.db.backup.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/** File-system helpers for private backup files and directories. Stateless. */
public final class BackupFiles {
  private BackupFiles() {}

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /**
   * Creates a directory (and missing parents) with mode 0700 from the start; an existing directory
   * is left as it is.
   */
  public static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (posix()) {
      FileAttribute<Set<PosixFilePermission>> attr =
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
      Files.createDirectories(dir, attr);
    } else {
      Files.createDirectories(dir);
    }
  }

  /**
   * Creates a new, empty file {@code <namePrefix><pid>-<random>} in {@code dir} with mode 0600
   * from the start (never wider, even briefly).
   */
  public static Path createPrivateFile(Path dir, String namePrefix) throws IOException {
    SecureRandom random = new SecureRandom();
    while (true) {
      byte[] r = new byte[6];
      random.nextBytes(r);
      Path p = dir.resolve(namePrefix + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(r));
      try {
        if (posix()) {
          Files.createFile(p, PosixFilePermissions.asFileAttribute(
              EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        } else {
          Files.createFile(p);
        }
        return p;
      } catch (FileAlreadyExistsException e) {
        // astronomically unlikely; pick another random suffix
      }
    }
  }

  /** Tells whether a directory can be read or entered by group or others. */
  public static boolean isShared(Path dir) {
    if (!posix()) {
      return false;
    }
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
          || p.contains(PosixFilePermission.GROUP_EXECUTE)
          || p.contains(PosixFilePermission.OTHERS_EXECUTE);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Flushes a directory's entries to disk where the platform allows it (a no-op elsewhere). */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open directories; the rename is durable there once the file is synced.
    }
  }
}
