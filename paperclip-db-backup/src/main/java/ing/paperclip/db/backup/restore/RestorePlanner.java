package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.BackupEvent;
import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.file.BackupReader;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.Format;
import ing.paperclip.db.backup.internal.SqlNames;
import ing.paperclip.db.backup.script.ScriptPolicy;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a backup file into a {@link RestorePlan} without touching any database, verifying the file
 * on the way: our files against their manifest and checksums ({@link BackupVerifier}), plain
 * pg_dump files and the original Paperclip's files by parsing them to the end (a file cut short
 * ends inside a statement or lacks its closing line). Reads the file once, in bounded memory.
 *
 * <p>Stateless and thread-safe.
 */
public final class RestorePlanner {
  private static final String IDENT = SqlNames.IDENT;
  private static final String QUALIFIED = SqlNames.QUALIFIED;
  /** pg_dump's post-data entry types (its SECTION_POST_DATA). */
  private static final Set<String> PG_DUMP_POST = Set.of("CONSTRAINT", "CHECK CONSTRAINT", "FK CONSTRAINT",
      "INDEX", "INDEX ATTACH", "STATISTICS", "TRIGGER", "EVENT TRIGGER", "POLICY", "ROW SECURITY", "RULE",
      "MATERIALIZED VIEW DATA", "PUBLICATION", "PUBLICATION TABLE", "PUBLICATION TABLES IN SCHEMA",
      "SUBSCRIPTION", "SUBSCRIPTION TABLE", "DEFAULT ACL");
  /** pg_dump's data entry types (its SECTION_DATA). */
  private static final Set<String> PG_DUMP_DATA = Set.of("TABLE DATA", "SEQUENCE SET", "BLOBS", "BLOB DATA",
      "LARGE OBJECTS", "STATISTICS DATA");
  /** pg_dump's entry types that belong to whatever section they follow (its SECTION_NONE). */
  private static final Set<String> PG_DUMP_INHERIT = Set.of("ACL", "COMMENT", "SECURITY LABEL");
  /** The table a pg_dump index or constraint is built on (its entry records no dependencies). */
  private static final Pattern BUILT_ON = Pattern.compile("(?is)^\\s*(?:CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+"
      + "(?:" + IDENT + "\\s+)?ON\\s+|ALTER\\s+TABLE\\s+)(?:ONLY\\s+)?" + QUALIFIED + "\\s.*");
  private static final Pattern OWNER_TO = Pattern.compile("(?is)^\\s*ALTER\\s.+\\sOWNER\\s+TO\\s.+");
  private static final Pattern INSERT_INTO = Pattern.compile("(?is)^\\s*INSERT\\s+INTO\\s+" + QUALIFIED + ".*");

  private final BackupVerifier verifier;

  /** Creates a planner whose verifier has no key and accepts unsigned files. */
  public RestorePlanner() {
    this(new BackupVerifier());
  }

  /**
   * Creates a planner verifying files with {@code verifier} (its key and whether it accepts files
   * not signed by that key).
   */
  public RestorePlanner(BackupVerifier verifier) {
    this.verifier = java.util.Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * Verifies a file and plans its restore.
   *
   * @param file the backup
   * @param noOwner whether {@code ALTER ... OWNER TO} statements will be skipped
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} when the file is damaged,
   *     truncated or not a backup
   */
  public RestorePlan plan(Path file, boolean noOwner) {
    return plan(file, noOwner, false).plan();
  }

  /**
   * Verifies a file and plans its restore with these options (ownership, {@code trustFile}).
   *
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} when the file is damaged,
   *     truncated, not a backup, or (unless {@link RestoreOptions#trustFile()}) holds a statement
   *     no backup contains
   */
  public RestorePlan plan(Path file, RestoreOptions options) {
    return options.selection().apply(plan(file, options.noOwner(), options.trustFile()).plan());
  }

  /**
   * The writer's own check of a file it has just written, before publishing it: verifies and
   * plans it as {@link #plan(Path, RestoreOptions)} with the defaults, except that the event
   * triggers it scripted from the source catalog are allowed (a restore of the file still needs
   * {@code --trust-file} for them).
   *
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} as {@link #plan(Path, RestoreOptions)}
   */
  public RestorePlan writersCheck(Path file) {
    return plan(file, false, false, true).plan();
  }

  /**
   * The allowlist a restore applies to a file of this format ({@link Format#of}), or null when
   * the user vouches for the file; {@code db backups verify} applies the same one.
   */
  public static ScriptPolicy policy(Format format, Path file, boolean trust) {
    return policy(format, file, trust, false);
  }

  private static ScriptPolicy policy(Format format, Path file, boolean trust, boolean eventTriggers) {
    return trust ? null : new ScriptPolicy(format, file.toString(), eventTriggers);
  }

  /** A plan and the verified manifest of our files (null for others). */
  record Planned(RestorePlan plan, BackupManifest manifest) {}

  /**
   * Verifies and plans; our files are decompressed once for both, verified and parsed on
   * separate threads, and a verification failure wins over a parse failure.
   */
  Planned plan(Path file, boolean noOwner, boolean trust) {
    return plan(file, noOwner, trust, false);
  }

  private Planned plan(Path file, boolean noOwner, boolean trust, boolean eventTriggers) {
    if (!Files.isRegularFile(file)) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "no such backup file: " + file
          + "; check the path (list backups with 'paperclipai db backups list')");
    }
    Format format = Format.of(file);
    List<String> warnings = new ArrayList<>();
    Collector c = new Collector(format, noOwner, policy(format, file, trust, eventTriggers));
    RuntimeException[] parseFailure = new RuntimeException[1];
    BackupVerifier.TextReader parse = in -> {
      try {
        new BackupReader(in).read(c);
      } catch (IOException e) {
        parseFailure[0] = new PaperclipException(ErrorCode.CORRUPT_FILE, "cannot read " + file + ": "
            + e.getMessage() + "; the file is damaged or truncated, use another backup", e);
      } catch (RuntimeException e) {
        parseFailure[0] = e;
      }
    };
    BackupManifest manifest = null;
    if (format.hasChecksums()) {
      // One decompression feeds both the verification and the parse, on separate threads.
      ing.paperclip.db.backup.file.VerificationReport report = verifier.verifyOrThrow(file, parse);
      manifest = report.manifest();
      if (verifier.checksSignatures() && !report.authenticity().byThisInstance()) {
        warnings.add("the file is " + report.authenticity().describe() + ": its origin is not checked (accepted"
            + " by --accept-unsigned or --trust-file, or this instance has no master key to check it with)");
      }
      if (manifest != null && manifest.transforms() != null) {
        if (!manifest.transforms().excludedTableData().isEmpty()) {
          warnings.add("the backup left out the rows of " + String.join(", ", manifest.transforms().excludedTableData()));
        }
        if (!manifest.transforms().nullifiedColumns().isEmpty()) {
          warnings.add("the backup wrote these columns as NULL: " + String.join(", ", manifest.transforms().nullifiedColumns()));
        }
      }
    } else {
      warnings.add("a " + format.label() + " file has no checksums: it was checked for completeness only");
      if (verifier.checksSignatures()) {
        warnings.add("the file is not signed (" + format.noun() + "): only the allowlist guards what it runs");
      }
      try (InputStream in = BackupFormat.openText(file)) {
        parse.read(in);
      } catch (IOException e) {
        parseFailure[0] = new PaperclipException(ErrorCode.CORRUPT_FILE, "cannot read " + file + ": "
            + e.getMessage() + "; the file is damaged or truncated, use another backup", e);
      }
    }
    if (parseFailure[0] != null) {
      throw parseFailure[0];
    }
    c.flushInserts();
    if (format == Format.PG_DUMP && !c.sawPgDumpComplete) {
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, file + " is a pg_dump file without its "
          + "closing line ('-- PostgreSQL database dump complete'): it is truncated; use another file");
    }
    if (format == Format.LEGACY && !c.sawCommit) {
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, file + " is a Paperclip backup without its "
          + "final COMMIT: it is truncated; use another file");
    }
    if (manifest != null) {
      agree(file, manifest, c.blocks);
    }
    warnings.addAll(c.warnings);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, "cannot read " + file + ": " + e.getMessage()
          + "; check the file", e);
    }
    RestorePlan plan = new RestorePlan(file, format, c.steps(manifest), warnings, size, false);
    return new Planned(plan, manifest);
  }

  /**
   * Checks that the COPY blocks the restore's reader finds are the ones the verifier checked
   * against the manifest (same tables, same row counts, same order): the verifier and the reader
   * find blocks in different ways, and a file on which they disagree would load rows nobody
   * verified.
   */
  private static void agree(Path file, BackupManifest manifest, List<RestoreStep.LoadTableData> blocks) {
    List<BackupManifest.TableEntry> entries = manifest.tables();
    for (int i = 0; i < Math.max(blocks.size(), entries.size()); i++) {
      RestoreStep.LoadTableData b = i < blocks.size() ? blocks.get(i) : null;
      BackupManifest.TableEntry e = i < entries.size() ? entries.get(i) : null;
      if (b == null || e == null || !b.schema().equals(e.schema()) || !b.table().equals(e.table())
          || b.expectedRows() != e.rows()) {
        throw new PaperclipException(ErrorCode.CORRUPT_FILE, file + " is not usable: its data block "
            + (i + 1) + " as a restore reads it (" + (b == null ? "none" : b.schema() + "." + b.table() + ", "
            + b.expectedRows() + " rows") + ") is not the one its manifest verified (" + (e == null ? "none"
            : e.qualifiedName() + ", " + e.rows() + " rows") + "); take a new backup or use another file");
      }
    }
  }

  /**
   * The section of a pg_dump entry of this type (from its {@code -- Name: ...; Type: ...} comment),
   * as pg_dump assigns it: comments, privileges and security labels have none of their own and
   * belong to the section of the entry before them ({@code current}).
   */
  static String pgDumpSection(String type, String current) {
    if (PG_DUMP_POST.contains(type)) {
      return "post-data";
    }
    if (PG_DUMP_DATA.contains(type)) {
      return "data";
    }
    return PG_DUMP_INHERIT.contains(type) ? current : "pre-data";
  }

  /** Returns whether a statement is an ownership change that {@code noOwner} skips. */
  static boolean isOwnerChange(String sql) {
    return OWNER_TO.matcher(sql).matches();
  }

  /** Returns whether a statement is transaction control the restore replaces with its own. */
  static boolean isTransactionControl(String sql) {
    String w = SqlNames.firstWord(sql);
    return w.equals("BEGIN") || w.equals("COMMIT") || w.equals("END") || w.equals("ROLLBACK")
        || (w.equals("START") && sql.toUpperCase(Locale.ROOT).contains("TRANSACTION"));
  }

  /** Tells whether a statement is an INSERT into {@code table} ({@code schema.table} as a plan names it). */
  static boolean insertsInto(String sql, String table) {
    Matcher m = INSERT_INTO.matcher(sql);
    return m.matches() && String.join(".", SqlNames.splitQualified(m.group(1))).equals(table);
  }

  private static final Pattern REFERENCES = Pattern.compile("(?is).*\\sREFERENCES\\s+" + QUALIFIED + "\\s*\\(.*");

  /**
   * The table a foreign key statement references ({@code schema.table}), or empty: the file's
   * entry of a foreign key names only the table it is on.
   */
  static Optional<String> referencedTable(String sql) {
    Matcher m = REFERENCES.matcher(sql);
    return m.matches() ? Optional.of(String.join(".", SqlNames.splitQualified(m.group(1)))) : Optional.empty();
  }

  /**
   * Reads a file's events into the plan's steps, in file order: the opening settings, one step per
   * entry of the file (its statements; for a pg_dump body, an entry comment starts one and the
   * settings written before it belong to it), one per data block or run of INSERTs, one per
   * skipped statement.
   */
  private static final class Collector implements BackupReader.Handler {
    final Format format;
    final boolean noOwner;
    final ScriptPolicy policy;
    /** The steps so far: {@link RestoreStep}s and entries still open ({@link EntryBuilder}). */
    final List<Object> out = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final Set<String> created = new HashSet<>();
    final List<RestoreStep.LoadTableData> blocks = new ArrayList<>();
    boolean sawPgDumpComplete;
    boolean sawCommit;
    /** Whether anything besides settings and skipped statements was read (the opening settings end). */
    boolean opened;
    String insertTable;
    long insertCount;
    long insertLine;
    /** Our file's current section. */
    String section = "pre-data";
    BackupEvent.DataStart copy;
    /** The entry the next unlabelled statement of the same section joins, or null. */
    EntryBuilder current;
    // A body pg_dump wrote has no section lines: its entries' comments give kind and section.
    /** The last pre- or post-data section a pg_dump entry comment set; null before the first. */
    String tocSection;
    /** The section and type of the pg_dump entry the next unlabelled statement belongs to. */
    String tocEntrySection;
    String tocEntryType;
    /** pg_dump's settings for the next entry (it writes them before the entry's comment). */
    final List<BackupEvent.Sql> pendingSettings = new ArrayList<>();
    /** Whether a section line was read (our body has begun). */
    boolean sectioned;

    Collector(Format format, boolean noOwner, ScriptPolicy policy) {
      this.format = format;
      this.noOwner = noOwner;
      this.policy = policy;
    }

    /** One entry's statements while they are read. */
    private static final class EntryBuilder {
      final String kind;
      final String name;
      final String schema;
      final String key;
      final long line;
      final String section;
      final List<String> deps;
      final List<String> sql = new ArrayList<>();
      /** Whether it waits for every table's rows (a pg_dump build whose table was not recognised). */
      boolean afterAllTables;

      EntryBuilder(String kind, String name, String schema, String key, long line, String section,
          List<String> deps) {
        this.kind = kind;
        this.name = name;
        this.schema = schema;
        this.key = key;
        this.line = line;
        this.section = section;
        this.deps = deps;
      }

      RestoreStep.CreateObject build(List<RestoreStep.LoadTableData> tables) {
        List<String> d = afterAllTables ? tables.stream().map(t -> "TABLE " + t.qualifiedName()).distinct().toList()
            : deps;
        return new RestoreStep.CreateObject(section, kind, name, schema, key, d, line, sql);
      }
    }

    /** Starts an entry (with the settings written before it) and files the statement in it. */
    private void begin(BackupEvent.Sql s, String sec, String kind, String name, List<String> deps) {
      begin(s, sec, kind, name, "", "", deps);
    }

    private void begin(BackupEvent.Sql s, String sec, String kind, String name, String schema, String key,
        List<String> deps) {
      long line = pendingSettings.isEmpty() ? s.line() : pendingSettings.get(0).line();
      current = new EntryBuilder(kind, name, schema, key, line, sec, deps);
      out.add(current);
      pendingSettings.forEach(p -> current.sql.add(p.sql()));
      pendingSettings.clear();
      current.sql.add(s.sql());
      opened = true;
    }

    /** Files a statement in the open entry of its section, or in a new one named after it. */
    private void join(BackupEvent.Sql s, String sec) {
      if (current != null && current.section.equals(sec) && pendingSettings.isEmpty()) {
        current.sql.add(s.sql());
        opened = true;
        return;
      }
      String[] words = s.sql().stripLeading().split("\\s+", 4);
      String kind = words.length > 1 ? (words[0] + " " + words[1]).toUpperCase(Locale.ROOT)
          : SqlNames.firstWord(s.sql());
      begin(s, sec, kind, words.length > 2 ? words[2] : "", List.of());
    }

    /** Ends the open entry; settings pending for an entry that never came run where they stand. */
    private void close() {
      current = null;
      pendingSettings.forEach(p -> out.add(new RestoreStep.SessionSetting(p.sql(), p.line(), false)));
      pendingSettings.clear();
    }

    /**
     * The steps, with each of our data blocks located by the manifest (its member and verified
     * checksum, by position: {@link #agree} checks they are the same tables).
     */
    List<RestoreStep> steps(BackupManifest manifest) {
      close();
      List<RestoreStep.LoadTableData> located = new ArrayList<>();
      boolean byManifest = manifest != null && manifest.tables().size() == blocks.size();
      for (int i = 0; i < blocks.size(); i++) {
        RestoreStep.LoadTableData t = blocks.get(i);
        BackupManifest.TableEntry e = byManifest ? manifest.tables().get(i) : null;
        boolean same = e != null && e.schema().equals(t.schema()) && e.table().equals(t.table());
        located.add(same ? new RestoreStep.LoadTableData(t.schema(), t.table(), t.expectedRows(), t.line(),
            t.copySql(), e.sha256(), e.hasMember() ? e.memberOffset() : null, e.hasMember() ? e.memberLength() : null)
            : t);
      }
      List<RestoreStep> steps = new ArrayList<>();
      int block = 0;
      for (Object o : out) {
        if (o instanceof EntryBuilder b) {
          steps.add(b.build(located));
        } else if (o instanceof RestoreStep.LoadTableData) {
          steps.add(located.get(block++));
        } else {
          steps.add((RestoreStep) o);
        }
      }
      return steps;
    }

    @Override
    public void event(BackupEvent event) {
      if (policy != null) {
        policy.check(event);
      }
      if (event instanceof BackupEvent.Section sec) {
        if (!sec.name().isEmpty()) {
          section = sec.name();
          sectioned = true;
        }
      } else if (event instanceof BackupEvent.DumpComplete) {
        sawPgDumpComplete = true;
      } else if (event instanceof BackupEvent.UnreadableLabel u) {
        warnings.add("unreadable entry line at " + u.line());
      } else if (event instanceof BackupEvent.MetaCommand m) {
        flushInserts();
        out.add(new RestoreStep.Skipped(m.text().split("\\s+")[0], "psql meta-command", m.line()));
      } else if (event instanceof BackupEvent.DataStart d) {
        flushInserts();
        close();
        opened = true;
        copy = d;
      } else if (event instanceof BackupEvent.DataEnd end) {
        RestoreStep.LoadTableData d = new RestoreStep.LoadTableData(copy.schema(), copy.table(), end.rows(),
            copy.line(), copy.copySql(), null, null, null);
        blocks.add(d);
        out.add(d);
        copy = null;
      } else if (event instanceof BackupEvent.Sql s) {
        statement(s);
      }
    }

    private void statement(BackupEvent.Sql s) {
      String sql = s.sql();
      Matcher ins = INSERT_INTO.matcher(sql);
      if (ins.matches()) {
        String table = String.join(".", SqlNames.splitQualified(ins.group(1)));
        if (!table.equals(insertTable)) {
          flushInserts();
          close();
          insertTable = table;
          insertLine = s.line();
        }
        opened = true;
        insertCount++;
        return;
      }
      flushInserts();
      String w = SqlNames.firstWord(sql);
      if (isTransactionControl(sql)) {
        if (w.equals("COMMIT") || w.equals("END")) {
          sawCommit = true;
        }
        out.add(new RestoreStep.Skipped(w, "the restore runs in its own transaction", s.line()));
        return;
      }
      if (noOwner && isOwnerChange(sql)) {
        out.add(new RestoreStep.Skipped("ALTER ... OWNER TO", "ownership is not restored (--no-owner)", s.line()));
        return;
      }
      if (w.equals("SET") || sql.startsWith("SELECT pg_catalog.set_config")) {
        if (sectioned) {
          join(s, section);
        } else if (tocSection != null) {
          pendingSettings.add(s);
        } else {
          out.add(new RestoreStep.SessionSetting(sql, s.line(), !opened));
        }
        return;
      }
      if (s instanceof BackupEvent.Entry e && e.origin() == BackupEvent.Entry.Origin.ENTRY_LINE) {
        String key = e.key();
        for (String d : e.deps()) {
          if (!created.contains(d)) {
            warnings.add(key + " is listed before " + d + ", which it depends on");
          }
        }
        created.add(key);
        begin(s, section, e.kind(), e.schema().isEmpty() ? e.name() : e.schema() + "." + e.name(), e.schema(), key,
            e.deps());
        return;
      }
      if (s instanceof BackupEvent.Entry e) {
        // pg_dump's entry (the reader reads its comments only in a body without section lines)
        String type = e.kind();
        String sec = pgDumpSection(type, tocSection == null ? "pre-data" : tocSection);
        if (!sec.equals("data")) {
          tocSection = sec;
        }
        tocEntrySection = sec;
        tocEntryType = type;
        String name = (e.schema().isEmpty() ? "" : e.schema() + ".") + e.name();
        // pg_dump's comments record no dependencies: an index or key waits for the table it names
        List<String> deps = List.of();
        boolean afterAll = false;
        if (type.equals("INDEX") || type.equals("CONSTRAINT")) {
          Matcher m = BUILT_ON.matcher(sql);
          if (m.matches()) {
            deps = List.of("TABLE " + String.join(".", SqlNames.splitQualified(m.group(1))));
          } else {
            afterAll = true;
          }
        }
        begin(s, sec, type, name, e.schema(), e.key(), deps);
        current.afterAllTables = afterAll;
        return;
      }
      if (!sectioned && tocEntrySection != null) {
        join(s, tocEntrySection);
      } else if (sectioned) {
        join(s, section);
      } else {
        // a file without sections or entry comments: one step per statement
        close();
        String[] words = sql.stripLeading().split("\\s+", 4);
        String kind = words.length > 1 ? (words[0] + " " + words[1]).toUpperCase(Locale.ROOT) : w;
        begin(s, guessSection(kind), kind, words.length > 2 ? words[2] : "", List.of());
        current = null;
      }
    }

    private static String guessSection(String kind) {
      return kind.startsWith("ALTER TABLE") || kind.startsWith("CREATE INDEX") || kind.startsWith("CREATE UNIQUE")
          || kind.startsWith("CREATE TRIGGER") || kind.startsWith("CREATE POLICY") ? "post-data" : "pre-data";
    }

    void flushInserts() {
      if (insertTable != null && insertCount > 0) {
        out.add(new RestoreStep.InsertRows(insertTable, insertCount, insertLine));
      }
      insertTable = null;
      insertCount = 0;
    }
  }
}
