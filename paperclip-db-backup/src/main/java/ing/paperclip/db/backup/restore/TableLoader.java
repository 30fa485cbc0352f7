package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.internal.Sha256;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams one {@link RestoreStep.LoadTableData}'s rows to the server: sends the step's COPY,
 * forwards the file's bytes as they are read (never decoded), and at the end checks them against
 * the step (the row count, and the verified checksum of our files) before the COPY is ended, so
 * rows that are not the verified ones are never committed. Used by both executors.
 */
final class TableLoader {
  private final RestoreStep.LoadTableData step;
  private final Path file;
  private final CopyIn copy;
  private final MessageDigest digest = Sha256.newDigest();
  private long bytes;
  private long rows;
  private boolean open = true;

  /** Starts the COPY of {@code step} on {@code c}. */
  TableLoader(Connection c, RestoreStep.LoadTableData step, Path file) {
    this(c, step, step.copySql(), file);
  }

  /**
   * Starts {@code copySql}, the COPY of {@code step}'s rows into another table (a single schema's
   * restore loads the plugin registry's rows into scratch tables: {@link SchemaReplacement}).
   */
  TableLoader(Connection c, RestoreStep.LoadTableData step, String copySql, Path file) {
    this.step = step;
    this.file = file;
    try {
      this.copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Sends a chunk of the block's bytes holding {@code newlines} line ends. */
  void write(byte[] b, int off, int len, int newlines) {
    digest.update(b, off, len);
    bytes += len;
    rows += newlines;
    try {
      copy.writeToCopy(b, off, len);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /**
   * Checks the rows read and ends the COPY.
   *
   * @return the rows the server loaded
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} when the rows are not the ones
   *     planned (the file changed since), {@link ErrorCode#RESTORE} when the server refuses them
   */
  long end() {
    String sha = Sha256.hex(digest);
    if (rows != step.expectedRows() || (step.sha256() != null && !step.sha256().equalsIgnoreCase(sha))) {
      abort();
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, "the rows of " + step.qualifiedName() + " read from "
          + file + " for loading are not the ones verified (" + rows + " rows, checksum " + sha
          + "): the file changed after its verification; take it from a safe place and restore again");
    }
    long n;
    try {
      n = copy.endCopy();
    } catch (SQLException e) {
      throw failed(e);
    } finally {
      open = false;
    }
    if (n != step.expectedRows()) {
      throw new PaperclipException(ErrorCode.RESTORE, step.qualifiedName() + ": the server loaded " + n
          + " rows but the file holds " + step.expectedRows());
    }
    return n;
  }

  /** Cancels the COPY if it is still open. */
  void abort() {
    if (open) {
      open = false;
      try {
        copy.cancelCopy();
      } catch (SQLException ignored) {
        // the load fails either way
      }
    }
  }

  /** Bytes of row data sent. */
  long bytes() {
    return bytes;
  }

  private PaperclipException failed(SQLException e) {
    return new PaperclipException(ErrorCode.RESTORE, "loading " + step.qualifiedName() + " failed: "
        + RestoreService.oneLine(e), e);
  }
}
