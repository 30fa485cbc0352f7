package ing.paperclip.db.backup.file;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link BackupVerifier} found in one file. Immutable.
 *
 * @param source the file (or stream name) verified
 * @param kind what the file is
 * @param complete true iff the file is a paperclip-db backup whose gzip stream ends cleanly, whose
 *     manifest and end line are present, and whose body size, body checksum, per-table row counts
 *     and checksums all match the manifest; then {@link #errors()} is empty
 * @param manifest the manifest, or null if it is missing or unreadable
 * @param tables one check per table in the manifest or in the file, in file order
 * @param errors one-line descriptions of every problem found, empty iff {@code complete}
 * @param bodyBytes uncompressed bytes read before the manifest line (or in total if none)
 * @param authenticity who signed the file ({@link BackupSignature}); a signature that names this
 *     instance's key but does not verify is also one of {@link #errors()}
 */
public record VerificationReport(
    String source, Kind kind, boolean complete, BackupManifest manifest, List<TableCheck> tables,
    List<String> errors, long bodyBytes, Authenticity authenticity) {

  /** What a verified file is. */
  public enum Kind {
    /** A paperclip-db backup (format line present), complete or not. */
    PAPERCLIP_DB,
    /**
     * A backup by the original (TypeScript) Paperclip: no manifest, so it cannot be verified;
     * restore reads it as it is.
     */
    PAPERCLIP_LEGACY,
    /** Not a backup of ours: not gzip, or gzip of something else. */
    FOREIGN
  }

  /** Validates and copies. */
  public VerificationReport {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
    tables = List.copyOf(tables);
    errors = List.copyOf(errors);
    Objects.requireNonNull(authenticity, "authenticity");
    if (complete != errors.isEmpty()) {
      throw new IllegalArgumentException("complete must be true exactly when there are no errors");
    }
  }

  /**
   * Creates a report whose signature was not looked at: {@link Authenticity.Status#NOT_SIGNABLE}
   * for files other than ours, {@link Authenticity.Status#UNKNOWN} for ours.
   */
  public VerificationReport(String source, Kind kind, boolean complete, BackupManifest manifest,
      List<TableCheck> tables, List<String> errors, long bodyBytes) {
    this(source, kind, complete, manifest, tables, errors, bodyBytes, new Authenticity(
        kind == Kind.PAPERCLIP_DB ? Authenticity.Status.UNKNOWN : Authenticity.Status.NOT_SIGNABLE, null, null));
  }

  /** Returns the manifest, if it was present and readable. */
  public Optional<BackupManifest> manifestIfPresent() {
    return Optional.ofNullable(manifest);
  }

  /** Returns the first error, if any. */
  public Optional<String> firstError() {
    return errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(0));
  }

  /**
   * The check of one table's rows.
   *
   * @param schema the table's schema
   * @param table the table's name
   * @param expectedRows rows according to the manifest, -1 if the manifest does not list it
   * @param actualRows rows in the file, -1 if the file has no block for it
   * @param expectedSha256 checksum according to the manifest, null if not listed
   * @param actualSha256 checksum of the rows in the file, null if no block
   */
  public record TableCheck(String schema, String table, long expectedRows, long actualRows,
      String expectedSha256, String actualSha256) {
    /** Validates. */
    public TableCheck {
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(table, "table");
    }

    /** Tells whether the file's rows match the manifest. */
    public boolean ok() {
      return expectedSha256 != null && expectedRows == actualRows
          && expectedSha256.equals(actualSha256);
    }

    /** Returns {@code schema.table}. */
    public String qualifiedName() {
      return schema + "." + table;
    }
  }
}
