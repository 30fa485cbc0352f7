package ing.paperclip.db.backup.file;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link BackupReader} finds in a backup file, in file order, the same types for every
 * {@link Format}: what psql would run ({@link Item}s: {@link Entry}, {@link Statement},
 * {@link DataStart}, {@link MetaCommand}) and the markers around them ({@link Section},
 * {@link DataEnd}, {@link DumpComplete}, {@link UnreadableLabel}). A COPY block's rows are not
 * events: they pass between its {@link DataStart} and {@link DataEnd} as the file's raw bytes
 * ({@link BackupReader.Handler#data}). Labels are parsed once, by the reader: no consumer looks
 * at a comment again.
 */
public sealed interface BackupEvent {
  /** Returns the 1-based line where the event starts. */
  long line();

  /** An event psql would execute: a statement, the start of a COPY block or a meta-command. */
  sealed interface Item extends BackupEvent {
    /** Returns the item's text as written (for messages). */
    String text();
  }

  /**
   * A complete SQL statement, labelled ({@link Entry}) or not ({@link Statement}).
   *
   * <p>{@link #code()} is the statement as the lexer sees it: every string literal reduced to
   * {@code ''}, every quoted identifier to {@code ""}, every dollar-quoted body to {@code $$$$},
   * every comment to a space, so that checks of its keywords cannot be fooled by user text.
   */
  sealed interface Sql extends Item {
    /** Returns the statement text as written, its final semicolon included. */
    String sql();

    /** Returns the statement's code shape (see {@link Sql}). */
    String code();

    @Override
    default String text() {
      return sql();
    }
  }

  /**
   * A {@code -- section:} line of our files ({@code pre-data}, {@code data}, {@code post-data}).
   *
   * @param name the section's name
   * @param line its line
   */
  record Section(String name, long line) implements BackupEvent {
    /** Validates. */
    public Section {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * The first statement of a schema object's entry: the object named by the comment before it,
   * our {@code -- entry: {json}} line or pg_dump's {@code -- Name: x; Type: y; Schema: z; Owner: o}
   * comment (read as entries only in a body without section lines, as pg_dump writes it). The
   * unlabelled statements after it that belong to the same object follow as {@link Statement}s.
   *
   * @param origin which comment named it
   * @param kind the object's kind ({@code TABLE}, {@code INDEX}, pg_dump's {@code FK CONSTRAINT}, ...)
   * @param schema its schema, "" when it has none
   * @param name its name as the comment gives it (pg_dump's may be e.g. {@code TABLE t} for an ACL)
   * @param deps the entries it depends on ({@code KIND schema.name}); pg_dump's comments record none
   * @param owner pg_dump's owner, "" for ours and for pg_dump's {@code -}
   * @param sql the statement
   * @param code its code shape
   * @param line the statement's first line
   */
  record Entry(Origin origin, String kind, String schema, String name, List<String> deps, String owner,
      String sql, String code, long line) implements Sql {
    /** Validates and copies. */
    public Entry {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(name, "name");
      deps = List.copyOf(deps);
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(sql, "sql");
      Objects.requireNonNull(code, "code");
    }

    /** Returns the entry's key, {@code KIND schema.name}, as other entries' {@link #deps()} name it. */
    public String key() {
      return kind + " " + schema + "." + name;
    }

    /** Which comment names an entry. */
    public enum Origin {
      /** Our writer's {@code -- entry: {json}} line. */
      ENTRY_LINE,
      /** pg_dump's {@code -- Name: ...; Type: ...; Schema: ...; Owner: ...} comment. */
      PG_DUMP_TOC
    }
  }

  /**
   * A statement no entry comment names: the settings, transaction control, INSERTs and
   * statements of the original Paperclip's files, pg_dump's SETs, an entry's further statements.
   *
   * @param sql the statement text as written
   * @param code its code shape (see {@link Sql})
   * @param line its first line
   */
  record Statement(String sql, String code, long line) implements Sql {
    /** Validates. */
    public Statement {
      Objects.requireNonNull(sql, "sql");
      Objects.requireNonNull(code, "code");
    }
  }

  /**
   * A {@code COPY ... FROM stdin} statement; its rows follow as data chunks, then {@link DataEnd}.
   *
   * @param schema the table's schema ({@code public} when the statement names none)
   * @param table the table, or {@code ?} when the statement's target cannot be read
   * @param columns the column list, empty when it has none or it was not read
   * @param copySql the COPY statement as written
   * @param line its line
   */
  record DataStart(String schema, String table, List<String> columns, String copySql, long line) implements Item {
    /** Validates and copies. */
    public DataStart {
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(table, "table");
      columns = List.copyOf(columns);
      Objects.requireNonNull(copySql, "copySql");
    }

    @Override
    public String text() {
      return copySql;
    }
  }

  /**
   * The end marker ({@code \.}) of the COPY block started at {@code line}.
   *
   * @param rows the data lines of the block
   * @param line the line of its {@link DataStart}
   */
  record DataEnd(long rows, long line) implements BackupEvent {}

  /**
   * A psql meta-command such as {@code \connect} or {@code \restrict KEY}.
   *
   * @param text the whole line, stripped
   * @param line its line
   */
  record MetaCommand(String text, long line) implements Item {
    /** Validates. */
    public MetaCommand {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * pg_dump's closing comment ({@code -- PostgreSQL database dump complete}): a pg_dump file
   * without it is truncated.
   *
   * @param line its line
   */
  record DumpComplete(long line) implements BackupEvent {}

  /**
   * An {@code -- entry:} line whose JSON cannot be read; the statement after it follows as a
   * {@link Statement}.
   *
   * @param text the comment
   * @param line the statement's line
   */
  record UnreadableLabel(String text, long line) implements BackupEvent {}
}
