package ing.paperclip.db.core.settings;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Files that hold credentials (master keys, database passwords): read without following symbolic
 * links, refused when they are directories or other non-regular files, their mode tightened to
 * 0600 on the file itself (never on a link's target), and created 0600 from the first byte, once,
 * even when several processes race.
 *
 * <p>Stateless; thread-safe.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> OWNER_RW =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final int MAX_BYTES = 64 * 1024;

  private PrivateFiles() {}

  /**
   * What {@link #read} found.
   *
   * @param text the file's contents (UTF-8); a secret: never log it
   * @param warning a note on loose permissions that were found (and fixed when possible), or empty
   */
  public record Contents(String text, Optional<String> warning) {
    /** Validates. */
    public Contents {
      java.util.Objects.requireNonNull(text, "text");
      java.util.Objects.requireNonNull(warning, "warning");
    }

    @Override
    public String toString() {
      return "Contents[" + text.length() + " chars, warning=" + warning + "]";
    }
  }

  /**
   * Reads a private file.
   *
   * @param file the file
   * @param what names it in errors, e.g. {@code "the master key file"}
   * @return its text and any permission warning
   * @throws PaperclipException {@link ErrorCode#CONFIGURATION} when it is missing, a symbolic link
   *     (the real path is named), a directory or another non-regular file, or too large
   */
  public static Contents read(Path file, String what) {
    PosixFileAttributes attrs = attributes(file, what)
        .orElseThrow(() -> new PaperclipException(ErrorCode.CONFIGURATION, what + " " + file + " does not exist"));
    requireRegular(file, attrs, what);
    Optional<String> warning = Optional.empty();
    Set<PosixFilePermission> perms = attrs.permissions();
    if (perms.stream().anyMatch(p -> !OWNER_RW.contains(p))) {
      String msg = what + " " + file + " has mode " + PosixFilePermissions.toString(perms);
      if (attrs.owner().getName().equals(System.getProperty("user.name"))) {
        try {
          // NOFOLLOW: the view opens the file itself (O_NOFOLLOW), so a link swapped in since the
          // check above fails instead of changing its target.
          Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .setPermissions(OWNER_RW);
          msg += "; tightened to rw-------";
        } catch (IOException e) {
          msg += "; could not tighten it (" + e.getMessage() + "): run 'chmod 600 " + file + "'";
        }
      } else {
        msg += "; run 'chmod 600 " + file + "'";
      }
      warning = Optional.of(msg);
    }
    try (SeekableByteChannel ch = Files.newByteChannel(file,
        Set.<java.nio.file.OpenOption>of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      if (ch.size() > MAX_BYTES) {
        throw new PaperclipException(ErrorCode.CONFIGURATION, what + " " + file + " is "
            + ch.size() + " bytes, more than such a file ever holds; point the setting at the right file");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read all
      }
      return new Contents(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8), warning);
    } catch (IOException e) {
      // ELOOP here means the path became a symbolic link after the check above
      throw new PaperclipException(ErrorCode.CONFIGURATION, "cannot read " + what + " " + file + ": "
          + e.getMessage() + " (a symbolic link or a changed file is not followed)", e);
    }
  }

  /**
   * Returns whether something exists at the path, without following a symbolic link (a dangling
   * link exists).
   */
  public static boolean exists(Path file) {
    return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Creates a private file with the given text unless something exists at the path: the text is
   * written to a temporary 0600 file in the same directory, synced, and hard-linked into place,
   * which never replaces anything (the first of several racing processes wins).
   *
   * @param file the file to create; its directory is created 0700 when missing
   * @param text the contents; a secret: never logged
   * @param what names it in errors
   * @return true if this call created it, false if something was already there
   * @throws PaperclipException {@link ErrorCode#CONFIGURATION} when it cannot be written
   */
  public static boolean createNew(Path file, String text, String what) {
    if (exists(file)) {
      return false;
    }
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      try (FileChannel ch = FileChannel.open(tmp, Set.<java.nio.file.OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(OWNER_RW))) {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      try {
        Files.createLink(file, tmp);
        return true;
      } catch (FileAlreadyExistsException lost) {
        return false;
      }
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "cannot create " + what + " " + file + ": "
          + e.getMessage() + "; check the directory's permissions", e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a leftover temporary file holds nothing the real file does not
      }
    }
  }

  private static Optional<PosixFileAttributes> attributes(Path file, String what) {
    try {
      return Optional.of(Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, "cannot inspect " + what + " " + file + ": "
          + e.getMessage(), e);
    }
  }

  private static void requireRegular(Path file, PosixFileAttributes attrs, String what) {
    if (attrs.isSymbolicLink()) {
      String real;
      try {
        real = file.toRealPath().toString();
      } catch (IOException e) {
        real = "a missing file (the link dangles)";
      }
      throw new PaperclipException(ErrorCode.CONFIGURATION, what + " " + file + " is a symbolic link to "
          + real + "; links are not followed for credential files: point the setting at the real file");
    }
    if (attrs.isDirectory()) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, what + " " + file + " is a directory, not a "
          + "file; point the setting at the file itself");
    }
    if (!attrs.isRegularFile()) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, what + " " + file + " is not a regular file; "
          + "point the setting at a regular file");
    }
  }
}
