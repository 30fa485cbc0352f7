package ing.paperclip.cli.db;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code db restore -}: standard input is not seekable and must be verified before the target is
 * touched, so it is first copied to a private (0600) temporary file, which the restore then reads
 * like any file and which is deleted afterwards. A spool that cannot be written (disk full) is
 * removed and refused before anything reaches the database.
 */
final class StdinSpool implements AutoCloseable {
  private final Path file;

  private StdinSpool(Path file) {
    this.file = file;
  }

  /** Copies the stream to a private temporary file in {@code dir}. */
  static StdinSpool spool(InputStream in, Path dir) {
    Path f = null;
    try {
      f = Files.createTempFile(dir, ".paperclip-restore-stdin-", ".sql.gz",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (OutputStream out = Files.newOutputStream(f, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        in.transferTo(out);
      }
      if (Files.size(f) == 0) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "standard input was empty: pipe a backup into "
            + "'paperclipai db restore -', e.g. 'paperclipai db restore - < FILE'");
      }
      return new StdinSpool(f);
    } catch (IOException e) {
      delete(f);
      throw new PaperclipException(ErrorCode.IO, "cannot spool standard input to " + dir + " before the restore: "
          + reason(e) + "; nothing was sent to the database. Free space there, or spool to a directory with room "
          + "for the whole backup: TMPDIR=DIR with the paperclipai launcher, or PAPERCLIP_JAVA_OPTS=-Djava.io.tmpdir=DIR",
          e);
    } catch (RuntimeException e) {
      delete(f);
      throw e;
    }
  }

  /** The cause in a few words: the OS's reason, without the path the message names already. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Returns the spooled file. */
  Path file() {
    return file;
  }

  @Override
  public void close() {
    delete(file);
  }

  private static void delete(Path f) {
    if (f == null) {
      return;
    }
    try {
      Files.deleteIfExists(f);
    } catch (IOException ignored) {
      // a private temporary file; the OS cleans its temp directory
    }
  }
}
