package ing.paperclip.db.backup.internal;

import ing.paperclip.db.backup.file.BackupFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A backup file being written: a private temporary file {@code .<name>.tmp-<pid>-<random>} in the
 * backup directory that {@link #commit()} syncs and renames to its final name (never replacing an
 * existing file: a {@code -N} suffix is added instead) and {@link #close()} deletes if it was not
 * committed. A killed process leaves only the temporary name, which listings ignore. Not
 * thread-safe.
 */
public final class AtomicBackupFile implements AutoCloseable {
  private final Path dir;
  private final String prefix;
  private final Instant time;
  private final Path temp;
  private final FileChannel channel;
  private final CountingOutputStream out;
  private Path committed;
  private boolean closed;

  private AtomicBackupFile(Path dir, String prefix, Instant time, Path temp, FileChannel channel) {
    this.dir = dir;
    this.prefix = prefix;
    this.time = time;
    this.temp = temp;
    this.channel = channel;
    this.out = new CountingOutputStream(
        new BufferedOutputStream(Channels.newOutputStream(channel), 256 * 1024));
  }

  /**
   * Creates the directory (0700) if needed and the temporary file (0600).
   *
   * @param dir the backup directory
   * @param prefix a valid file name prefix
   * @param time the backup time, used for the final name
   */
  public static AtomicBackupFile create(Path dir, String prefix, Instant time) throws IOException {
    BackupFiles.createPrivateDirectories(dir);
    Path temp = BackupFiles.createPrivateFile(dir, tempPrefix(BackupFile.fileName(prefix, time, 0)));
    FileChannel ch;
    try {
      ch = FileChannel.open(temp, StandardOpenOption.WRITE);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return new AtomicBackupFile(dir, prefix, time, temp, ch);
  }

  /** Returns the temporary-name prefix for a final file name: {@code .<name>.tmp-}. */
  public static String tempPrefix(String fileName) {
    return "." + fileName + ".tmp-";
  }

  /** Returns the stream to write the file's bytes to (buffered; counted). */
  public OutputStream stream() {
    return out;
  }

  /** Returns the number of bytes written so far. */
  public long bytesWritten() {
    return out.count();
  }

  /** Returns the temporary file's path. */
  public Path tempPath() {
    return temp;
  }

  /** Returns the name prefix for sibling temporary files (spools) of this backup. */
  public String siblingTempPrefix() {
    return temp.getFileName().toString() + ".part-";
  }

  /**
   * Flushes, syncs and closes the temporary file, renames it to its final name and syncs the
   * directory.
   *
   * @return the final path
   */
  public Path commit() throws IOException {
    out.flush();
    channel.force(true);
    channel.close();
    for (int seq = 0; ; seq++) {
      Path target = dir.resolve(BackupFile.fileName(prefix, time, seq));
      if (Files.exists(target)) {
        continue;
      }
      try {
        // A hard link fails if the target exists, so a file appearing meanwhile is never replaced.
        Files.createLink(target, temp);
        Files.delete(temp);
      } catch (FileAlreadyExistsException e) {
        continue;
      } catch (UnsupportedOperationException | FileSystemException e) {
        // No hard links on this file system: an atomic rename (which may replace) is the best left.
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      }
      committed = target;
      BackupFiles.syncDirectory(dir);
      return target;
    }
  }

  /** Deletes the temporary file unless it was committed; never throws. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (committed != null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // deleting is what matters
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // a leftover temp name is ignored by listings and removed by retention
    }
  }
}
