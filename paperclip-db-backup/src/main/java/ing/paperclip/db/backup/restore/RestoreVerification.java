package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.catalog.CatalogReader;
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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Checks a restored database against the backup's manifest: every table the manifest lists is
 * counted ({@code count(*)}) and compared with the rows the backup holds for it, and every sequence
 * it records is read ({@code last_value}, {@code is_called}) and compared with the value the backup
 * sets. Run after a restore, so that rows lost or added on the way (a trigger, a rule, a concurrent
 * writer) and sequences left behind (a {@code setval} that did not run, a {@code nextval} during the
 * load) are reported rather than found later as duplicate keys.
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
   * @param sequences the sequences compared, or -1 when the manifest does not record them
   * @param problems one line per table whose count differs and per sequence whose value differs
   *     (empty when verified)
   * @param notes what could not be compared and why (an older manifest, pg_dump statements not
   *     understood); not failures
   */
  public record Result(long tables, long rows, long sequences, List<String> problems, List<String> notes) {
    /** Copies. */
    public Result {
      problems = List.copyOf(problems);
      notes = List.copyOf(notes);
    }

    /** Tells whether every count and every sequence matched. */
    public boolean ok() {
      return problems.isEmpty();
    }

    /**
     * Returns e.g. {@code "verified 12 tables, 3456 rows, 4 sequences"}; without the sequence part
     * when the manifest does not record sequences (see {@link #notes()}).
     */
    public String summary() {
      return String.format(Locale.ROOT, "verified %d tables, %d rows", tables, rows)
          + (sequences < 0 ? "" : String.format(Locale.ROOT, ", %d sequences", sequences));
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
    return verify(c, manifest, (schema, name) -> true);
  }

  /**
   * Counts the manifest's tables and sequences that a restore restored (all of them, or the selected
   * ones of a selective restore: {@link RestoreResult#selected()}) and compares.
   *
   * @param c a connection to the restored database
   * @param manifest the backup's manifest
   * @param selected {@code schema.name} of the tables (and sequences) restored, or null for all
   * @return the outcome
   */
  public static Result verify(Connection c, BackupManifest manifest, java.util.Set<String> selected) {
    return verify(c, manifest, selected == null ? (schema, name) -> true
        : (schema, name) -> selected.contains(schema + "." + name));
  }

  /**
   * Compares the part of the manifest a selective restore loaded.
   *
   * @param c a connection to the restored database
   * @param manifest the backup's manifest
   * @param restored tells whether a table or sequence ({@code schema}, {@code name}) was restored;
   *     the others are not looked at
   * @return the outcome
   */
  public static Result verify(Connection c, BackupManifest manifest, java.util.function.BiPredicate<String, String> restored) {
    Objects.requireNonNull(c, "c");
    Objects.requireNonNull(restored, "restored");
    long tables = 0;
    long rows = 0;
    List<String> problems = new ArrayList<>();
    Map<String, String> configFilters;
    try {
      configFilters = configFilters(c);
    } catch (SQLException e) {
      problems.add("the extensions' configuration tables cannot be read (" + e.getMessage() + ")");
      configFilters = Map.of();
    }
    for (BackupManifest.TableEntry t : manifest.tables()) {
      if (!restored.test(t.schema(), t.table())) {
        continue;
      }
      long found;
      // an extension's configuration table also holds the rows its script made: count the user's
      String filter = configFilters.get(t.schema() + "\u0000" + t.table());
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM ONLY "
          + SqlIdentifiers.quote(t.schema()) + "." + SqlIdentifiers.quote(t.table())
          + (filter == null ? "" : " " + filter))) {
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
    List<String> notes = new ArrayList<>();
    BackupManifest.Sequences recorded = manifest.sequences();
    if (recorded == null) {
      notes.add("sequences not compared: the backup's manifest does not record them (a file written before "
          + "sequence values were recorded)");
      return new Result(tables, rows, -1, problems, notes);
    }
    if (recorded.unknown() > 0) {
      notes.add(recorded.unknown() + " sequence(s) not compared: the backup's setval statements for them are not "
          + "of the simple form the manifest records");
    }
    List<BackupManifest.SequenceEntry> selected = recorded.values().stream()
        .filter(e -> restored.test(e.schema(), e.name())).toList();
    long sequences = 0;
    for (int from = 0; from < selected.size(); from += SEQUENCE_BATCH) {
      List<BackupManifest.SequenceEntry> batch = selected.subList(from, Math.min(selected.size(), from + SEQUENCE_BATCH));
      long[][] found;
      try {
        found = read(c, batch);
      } catch (SQLException oneIsMissing) {
        found = null; // one query per sequence then: a batch fails as a whole when one of them is missing
      }
      for (int i = 0; i < batch.size(); i++) {
        BackupManifest.SequenceEntry e = batch.get(i);
        long[] state = found != null ? found[i] : null;
        String unreadable = null;
        if (state == null) {
          try {
            state = read(c, List.of(e))[0];
          } catch (SQLException x) {
            unreadable = x.getMessage();
          }
        }
        if (unreadable != null) {
          problems.add("sequence " + e.qualifiedName() + ": cannot be read (" + unreadable + ")");
          continue;
        }
        sequences++;
        boolean called = state[1] == 1;
        if (state[0] != e.lastValue() || called != e.isCalled()) {
          problems.add("sequence " + e.qualifiedName() + ": " + state(state[0], called) + " in the database, "
              + state(e.lastValue(), e.isCalled()) + " in the backup");
        }
      }
    }
    return new Result(tables, rows, sequences, problems, notes);
  }

  /** Sequences read in one round trip. */
  private static final int SEQUENCE_BATCH = 500;

  private static String readSql(BackupManifest.SequenceEntry e, int index) {
    return "SELECT " + index + ", last_value, is_called FROM " + SqlIdentifiers.quote(e.schema()) + "."
        + SqlIdentifiers.quote(e.name());
  }

  /**
   * Reads sequences in one statement: per entry {@code {last_value, is_called ? 1 : 0}} in their
   * order. A failure (a sequence is missing) leaves the connection usable: outside autocommit the
   * statement runs under a savepoint that is rolled back.
   */
  private static long[][] read(Connection c, List<BackupManifest.SequenceEntry> batch) throws SQLException {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < batch.size(); i++) {
      sql.append(i == 0 ? "" : " UNION ALL ").append(readSql(batch.get(i), i));
    }
    java.sql.Savepoint sp = c.getAutoCommit() ? null : c.setSavepoint();
    try {
      long[][] out = new long[batch.size()][];
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
        while (rs.next()) {
          out[rs.getInt(1)] = new long[] {rs.getLong(2), rs.getBoolean(3) ? 1 : 0};
        }
      }
      if (sp != null) {
        c.releaseSavepoint(sp);
      }
      return out;
    } catch (SQLException e) {
      if (sp != null) {
        c.rollback(sp);
      }
      throw e;
    }
  }

  private static String state(long value, boolean called) {
    return "last_value " + value + (called ? "" : " (not yet called)");
  }

  /**
   * The conditions of the target's extension configuration tables ({@code schema NUL table} to
   * {@code WHERE ...}; an empty condition, every row, is absent): the target's own catalog, as its
   * extensions' scripts wrote it, never the file's.
   */
  private static Map<String, String> configFilters(Connection c) throws SQLException {
    Map<String, String> out = new java.util.HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n.nspname, r.relname, cfg.cond"
        + " FROM pg_catalog.pg_extension x, " + CatalogReader.EXTENSION_CONFIG
        + " JOIN pg_catalog.pg_class r ON r.oid = cfg.oid JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace"
        + " WHERE r.relkind = 'r' AND cfg.cond <> ''")) {
      while (rs.next()) {
        out.put(rs.getString(1) + "\u0000" + rs.getString(2), rs.getString(3));
      }
    }
    return out;
  }
}
