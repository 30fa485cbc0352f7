package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Checks a restored database against the backup's manifest: every table the manifest lists is
 * counted ({@code count(*)}) and compared with the rows the backup holds for it. Run after a
 * restore, so that rows lost or added on the way (a trigger, a rule, a concurrent writer) are
 * reported rather than found later.
 *
 * <p>The manifest is read from the file's trailer alone (its last gzip member, which our writer
 * keeps to itself), not by inflating the whole file again. Stateless; thread-safe.
 */
public final class RestoreVerification {
  /** How far from the end the trailer member is searched for. */
  private static final int TAIL = 8 << 20;

  /**
   * The outcome.
   *
   * @param tables the tables counted
   * @param rows the rows found in them
   * @param problems one line per table whose count differs (empty when verified)
   */
  public record Result(long tables, long rows, List<String> problems) {
    /** Copies. */
    public Result {
      problems = List.copyOf(problems);
    }

    /** Tells whether every count matched. */
    public boolean ok() {
      return problems.isEmpty();
    }

    /** Returns e.g. {@code "verified 12 tables, 3456 rows"}. */
    public String summary() {
      return String.format(Locale.ROOT, "verified %d tables, %d rows", tables, rows);
    }
  }

  private RestoreVerification() {}

  /**
   * Reads the manifest of one of our files from its trailer.
   *
   * @param file a backup file
   * @return the manifest, or empty for files without one (plain pg_dump, the original Paperclip's,
   *     an uncompressed file)
   */
  public static Optional<BackupManifest> manifest(Path file) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long len = raf.length();
      int n = (int) Math.min(len, TAIL);
      byte[] tail = new byte[n];
      raf.seek(len - n);
      raf.readFully(tail);
      // the last member that starts at a gzip header and inflates to the manifest line
      for (int i = n - 18; i >= 0; i--) {
        if ((tail[i] & 0xff) != 0x1f || (tail[i + 1] & 0xff) != 0x8b || tail[i + 2] != 8) {
          continue;
        }
        Optional<String> json = manifestLine(new ByteArrayInputStream(tail, i, n - i));
        if (json.isPresent()) {
          return Optional.of(BackupManifest.fromJson(json.get()));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.IO, "cannot read " + file + " to verify the restore: " + e.getMessage(), e);
    }
  }

  private static Optional<String> manifestLine(InputStream member) {
    try (InputStream in = new GZIPInputStream(member)) {
      String text = new String(in.readNBytes(TAIL), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.startsWith(BackupFormat.MANIFEST_PREFIX)) {
          return Optional.of(line.substring(BackupFormat.MANIFEST_PREFIX.length()).trim());
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException notAMember) {
      return Optional.empty();
    }
  }

  /**
   * Counts the manifest's tables in the database and compares.
   *
   * @param c a connection to the restored database
   * @param manifest the backup's manifest
   * @return the outcome
   * @throws PaperclipException {@link ErrorCode#RESTORE} when a table cannot be counted (it is missing)
   */
  public static Result verify(Connection c, BackupManifest manifest) {
    return verify(c, manifest, null);
  }

  /**
   * Counts the manifest's tables that a restore restored (all of them, or the selected ones of a
   * selective restore: {@link RestoreResult#selected()}) and compares.
   *
   * @param selected {@code schema.table} names, or null for every table
   */
  public static Result verify(Connection c, BackupManifest manifest, java.util.Set<String> selected) {
    Objects.requireNonNull(c, "c");
    long tables = 0;
    long rows = 0;
    List<String> problems = new ArrayList<>();
    for (BackupManifest.TableEntry t : manifest.tables()) {
      if (selected != null && !selected.contains(t.qualifiedName())) {
        continue;
      }
      long found;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM ONLY "
          + SqlIdentifiers.quote(t.schema()) + "." + SqlIdentifiers.quote(t.table()))) {
        rs.next();
        found = rs.getLong(1);
      } catch (SQLException e) {
        problems.add(t.qualifiedName() + ": cannot be counted (" + e.getMessage() + ")");
        continue;
      }
      tables++;
      rows += found;
      if (found != t.rows()) {
        problems.add(t.qualifiedName() + ": " + found + " rows in the database, " + t.rows() + " in the backup");
      }
    }
    return new Result(tables, rows, problems);
  }
}
