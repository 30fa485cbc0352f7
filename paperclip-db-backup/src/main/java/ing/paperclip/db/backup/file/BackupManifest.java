package ing.paperclip.db.backup.file;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import ing.paperclip.db.backup.internal.Json;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The manifest a backup file carries on its last-but-one line: what was dumped, from which
 * server, by which tool and engine, with per-table row counts and checksums and a checksum of the
 * whole body. Serialized as one line of JSON ({@link #toJson()}); unknown JSON properties are
 * ignored on reading so that later format-1 writers may add fields. Immutable.
 *
 * @param formatVersion the file format version ({@link BackupFormat#VERSION})
 * @param tool always {@code paperclip-db}
 * @param toolVersion the version of paperclip-db that wrote the file
 * @param createdAt when the backup's snapshot was taken
 * @param engine {@code java}, or {@code pg_dump <version>}
 * @param serverVersion the server's {@code server_version_num}, e.g. {@code 150020}
 * @param database the name of the database backed up
 * @param schemas the schemas covered, in name order
 * @param tables one entry per {@code COPY} block, in file order
 * @param transforms data transforms applied while writing
 * @param bodyBytes the number of uncompressed bytes before the manifest line
 * @param bodySha256 lower-case hex SHA-256 of those bytes
 * @param source what a restore's pre-flight needs to know about the source database, or null
 *     (files written before it was recorded)
 * @param sequences every sequence's value as the backup sets it, for the check after a restore, or
 *     null (files written before it was recorded)
 */
@JsonPropertyOrder({"formatVersion", "tool", "toolVersion", "createdAt", "engine", "serverVersion",
    "database", "schemas", "tables", "transforms", "bodyBytes", "bodySha256", "source", "sequences"})
public record BackupManifest(
    int formatVersion, String tool, String toolVersion, Instant createdAt, String engine,
    int serverVersion, String database, List<String> schemas, List<TableEntry> tables,
    Transforms transforms, long bodyBytes, String bodySha256,
    @JsonInclude(JsonInclude.Include.NON_NULL) Source source,
    @JsonInclude(JsonInclude.Include.NON_NULL) Sequences sequences) {

  /** Creates a manifest without a {@link Sequences} record. */
  public BackupManifest(int formatVersion, String tool, String toolVersion, Instant createdAt, String engine,
      int serverVersion, String database, List<String> schemas, List<TableEntry> tables,
      Transforms transforms, long bodyBytes, String bodySha256, Source source) {
    this(formatVersion, tool, toolVersion, createdAt, engine, serverVersion, database, schemas, tables,
        transforms, bodyBytes, bodySha256, source, null);
  }

  /** Creates a manifest without a {@link Source} record. */
  public BackupManifest(int formatVersion, String tool, String toolVersion, Instant createdAt, String engine,
      int serverVersion, String database, List<String> schemas, List<TableEntry> tables,
      Transforms transforms, long bodyBytes, String bodySha256) {
    this(formatVersion, tool, toolVersion, createdAt, engine, serverVersion, database, schemas, tables,
        transforms, bodyBytes, bodySha256, null, null);
  }

  /**
   * The sequences of the backup as its {@code setval} statements set them: read from the java
   * engine's script (the catalog in the backup's snapshot) or from pg_dump's {@code SEQUENCE SET}
   * entries.
   *
   * @param values one entry per sequence whose statement was understood, in file order
   * @param unknown how many {@code SEQUENCE SET} entries were not of the simple form {@link
   *     SequenceEntry#parseSetval} reads (their sequences cannot be compared after a restore)
   */
  @JsonPropertyOrder({"values", "unknown"})
  public record Sequences(List<SequenceEntry> values, int unknown) {
    /** Validates and copies. */
    public Sequences {
      values = List.copyOf(values == null ? List.of() : values);
      if (unknown < 0) {
        throw new IllegalArgumentException("unknown must be >= 0, got " + unknown);
      }
    }
  }

  /**
   * One sequence's state as the backup sets it ({@code setval(name, lastValue, isCalled)}).
   *
   * @param schema the sequence's schema
   * @param name the sequence's name
   * @param lastValue its {@code last_value}
   * @param isCalled its {@code is_called}
   */
  @JsonPropertyOrder({"schema", "name", "lastValue", "isCalled"})
  public record SequenceEntry(String schema, String name, long lastValue, boolean isCalled) {
    private static final Pattern SETVAL = Pattern.compile(
        "SELECT pg_catalog\\.setval\\('((?:[^']|'')*)', (-?[0-9]{1,19}), (true|false)\\);");
    private static final Pattern IDENTIFIER = Pattern.compile("\"((?:[^\"]|\"\")*)\"|([a-z_][a-z0-9_$]*)");

    /** Validates. */
    public SequenceEntry {
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(name, "name");
    }

    /** Returns {@code schema.name}, unquoted. */
    public String qualifiedName() {
      return schema + "." + name;
    }

    /**
     * Reads a {@code setval} statement of the simple form both engines write: {@code SELECT
     * pg_catalog.setval('schema.name', 42, true);} with the name in standard-conforming quotes,
     * schema-qualified, each part quoted or a plain lower-case identifier.
     *
     * @param sql the statement (surrounding white space ignored)
     * @return the entry, or empty when the statement is not of that form
     */
    public static Optional<SequenceEntry> parseSetval(String sql) {
      Matcher m = SETVAL.matcher(sql.strip());
      if (!m.matches()) {
        return Optional.empty();
      }
      String path = m.group(1).replace("''", "'");
      List<String> parts = new ArrayList<>();
      Matcher id = IDENTIFIER.matcher(path);
      int at = 0;
      while (at < path.length()) {
        if (!id.find(at) || id.start() != at) {
          return Optional.empty();
        }
        parts.add(id.group(1) != null ? id.group(1).replace("\"\"", "\"") : id.group(2));
        at = id.end();
        if (at < path.length()) {
          if (path.charAt(at) != '.') {
            return Optional.empty();
          }
          at++;
          if (at == path.length()) {
            return Optional.empty();
          }
        }
      }
      if (parts.size() != 2) {
        return Optional.empty();
      }
      long value;
      try {
        value = Long.parseLong(m.group(2));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      return Optional.of(new SequenceEntry(parts.get(0), parts.get(1), value, Boolean.parseBoolean(m.group(3))));
    }
  }

  /**
   * The source database as a restore's pre-flight checks it, read in the backup's snapshot.
   *
   * @param databaseBytes {@code pg_database_size} of the source database
   * @param extensions the extensions installed ({@code pg_extension} names, in name order)
   * @param coreMigration the id of the newest core changeset applied ({@code public.databasechangelog}),
   *     or null when the database has no core journal
   * @param coreMigrations how many core changesets were applied
   */
  @JsonPropertyOrder({"databaseBytes", "extensions", "coreMigration", "coreMigrations"})
  public record Source(long databaseBytes, List<String> extensions,
      @JsonInclude(JsonInclude.Include.NON_NULL) String coreMigration, int coreMigrations) {
    /** Validates and copies. */
    public Source {
      extensions = List.copyOf(extensions == null ? List.of() : extensions);
      if (databaseBytes < 0 || coreMigrations < 0) {
        throw new IllegalArgumentException("databaseBytes and coreMigrations must be >= 0");
      }
    }
  }

  /** The value of {@link #tool()}. */
  public static final String TOOL = "paperclip-db";

  /** Validates and copies. */
  public BackupManifest {
    if (formatVersion < 1) {
      throw new IllegalArgumentException("formatVersion must be >= 1, got " + formatVersion);
    }
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(toolVersion, "toolVersion");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(database, "database");
    schemas = List.copyOf(schemas == null ? List.of() : schemas);
    tables = List.copyOf(tables == null ? List.of() : tables);
    transforms = transforms == null ? Transforms.NONE : transforms;
    if (bodyBytes < 0) {
      throw new IllegalArgumentException("bodyBytes must be >= 0, got " + bodyBytes);
    }
    Objects.requireNonNull(bodySha256, "bodySha256");
  }

  /** Returns the sum of {@link TableEntry#rows()} over all tables. */
  public long totalRows() {
    return tables.stream().mapToLong(TableEntry::rows).sum();
  }

  /** Returns this manifest as one line of JSON (no line breaks). */
  public String toJson() {
    try {
      return Json.MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new PaperclipException(ErrorCode.INTERNAL, "cannot serialize a backup manifest: "
          + e.getOriginalMessage(), e);
    }
  }

  /**
   * Parses manifest JSON.
   *
   * @param json the JSON text, not null
   * @return the manifest
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} if it is not a valid manifest
   */
  public static BackupManifest fromJson(String json) {
    try {
      BackupManifest m = Json.MAPPER.readValue(json, BackupManifest.class);
      if (m == null) {
        throw new PaperclipException(ErrorCode.CORRUPT_FILE, "backup manifest is empty (null)");
      }
      return m;
    } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new PaperclipException(ErrorCode.CORRUPT_FILE,
          "backup manifest is not valid: " + firstLine(why), e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * Row count and checksum of one table's {@code COPY} block.
   *
   * @param schema the table's schema
   * @param table the table's name
   * @param rows the number of data lines
   * @param sha256 lower-case hex SHA-256 of the data lines, each with its {@code \n}
   * @param memberOffset where the gzip member holding exactly this table's data block (its
   *     {@code -- data:} line, COPY statement, rows and end marker) starts in the file, or null
   *     when the block shares a member with other text (serial backups, files written before
   *     offsets were recorded); lets a parallel restore inflate each table on its own
   * @param memberLength the compressed length of that member, or null with {@code memberOffset}
   */
  @JsonPropertyOrder({"schema", "table", "rows", "sha256", "memberOffset", "memberLength"})
  public record TableEntry(String schema, String table, long rows, String sha256,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long memberOffset,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long memberLength) {
    /** Validates. */
    public TableEntry {
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(sha256, "sha256");
      if (rows < 0) {
        throw new IllegalArgumentException("rows must be >= 0, got " + rows);
      }
      if ((memberOffset == null) != (memberLength == null)
          || (memberOffset != null && (memberOffset < 0 || memberLength <= 0))) {
        throw new IllegalArgumentException("memberOffset and memberLength must both be absent or "
            + "both set (offset >= 0, length > 0), got " + memberOffset + " and " + memberLength);
      }
    }

    /** Creates an entry without a member position. */
    public TableEntry(String schema, String table, long rows, String sha256) {
      this(schema, table, rows, sha256, null, null);
    }

    /** Returns a copy locating the table's own gzip member. */
    public TableEntry withMember(long offset, long length) {
      return new TableEntry(schema, table, rows, sha256, offset, length);
    }

    /** Tells whether the table's data block is a gzip member of its own at a known position. */
    public boolean hasMember() {
      return memberOffset != null;
    }

    /** Returns {@code schema.table}, unquoted. */
    public String qualifiedName() {
      return schema + "." + table;
    }
  }

  /**
   * Data transforms applied while writing.
   *
   * @param excludedTableData {@code schema.table} names whose rows were left out (definitions
   *     kept)
   * @param nullifiedColumns {@code schema.table.column} names written as NULL
   * @param omittedObjects objects left out because the engine cannot script them and the user
   *     asked to skip them ({@code --skip-unsupported}), as kind and identity; absent from the JSON
   *     when empty
   */
  @JsonPropertyOrder({"excludedTableData", "nullifiedColumns", "omittedObjects"})
  public record Transforms(List<String> excludedTableData, List<String> nullifiedColumns,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> omittedObjects) {
    /** No transforms. */
    public static final Transforms NONE = new Transforms(List.of(), List.of());

    /** Copies. */
    public Transforms {
      excludedTableData = List.copyOf(excludedTableData == null ? List.of() : excludedTableData);
      nullifiedColumns = List.copyOf(nullifiedColumns == null ? List.of() : nullifiedColumns);
      omittedObjects = List.copyOf(omittedObjects == null ? List.of() : omittedObjects);
    }

    /** Creates transforms that omit no object. */
    public Transforms(List<String> excludedTableData, List<String> nullifiedColumns) {
      this(excludedTableData, nullifiedColumns, List.of());
    }
  }
}
