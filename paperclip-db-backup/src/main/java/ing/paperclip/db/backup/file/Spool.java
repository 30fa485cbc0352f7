package ing.paperclip.db.backup.file;

import ing.paperclip.db.backup.internal.BackupFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A byte buffer for one table's compressed part: kept in memory up to a limit, then moved to a
 * private temporary file (created by {@link BackupFiles#createPrivateFile}) next to the backup,
 * so memory stays bounded whatever the table's size. Written by one thread, then read by another
 * after a happens-before edge (a completed future). Not thread-safe.
 */
final class Spool extends OutputStream {
  private final Path dir;
  private final String namePrefix;
  private final int memoryLimit;
  private Memory memory = new Memory();
  private Path file;
  private OutputStream fileOut;
  private long size;

  /**
   * Creates an empty spool.
   *
   * @param dir where an overflow file goes
   * @param namePrefix the overflow file's name prefix; must make it a temporary name
   * @param memoryLimit bytes kept in memory before switching to a file
   */
  Spool(Path dir, String namePrefix, int memoryLimit) {
    this.dir = dir;
    this.namePrefix = namePrefix;
    this.memoryLimit = memoryLimit;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (fileOut == null && memory.size() + len > memoryLimit) {
      file = BackupFiles.createPrivateFile(dir, namePrefix);
      fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
      memory.writeTo(fileOut);
      memory = null;
    }
    if (fileOut != null) {
      fileOut.write(b, off, len);
    } else {
      memory.write(b, off, len);
    }
    size += len;
  }

  @Override
  public void close() throws IOException {
    if (fileOut != null) {
      fileOut.close();
    }
  }

  /** Returns the number of bytes written. */
  public long size() {
    return size;
  }

  /** Copies the written bytes to {@code out}; call after {@link #close()}. */
  public void copyTo(OutputStream out) throws IOException {
    if (file != null) {
      Files.copy(file, out);
    } else {
      memory.writeTo(out);
    }
  }

  /** The in-memory part. */
  private static final class Memory extends ByteArrayOutputStream {
    Memory() {
      super(64 * 1024);
    }
  }

  /** Releases the memory and deletes the overflow file, if any; never throws. */
  public void discard() {
    memory = null;
    if (fileOut != null) {
      try {
        fileOut.close();
      } catch (IOException ignored) {
        // deleting it next is all that matters
      }
    }
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // an abandoned temp file is cleaned up by retention
      }
    }
  }
}
