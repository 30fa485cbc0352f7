package ing.paperclip.db.backup.script;

import java.util.Objects;

/**
 * One item of a SQL script: a statement, a psql meta-command, or the start of a COPY block whose
 * data lines the {@link ScriptReader} hands over separately.
 */
public sealed interface ScriptItem {
  /**
   * A complete SQL statement, its final semicolon included.
   *
   * @param sql the statement text as written
   * @param label the structured comment before it, if any (e.g. {@code -- entry: {...}} or
   *     pg_dump's {@code -- Name: ...; Type: ...}), else ""
   * @param section the section named by the last {@code -- section:} line, else ""
   * @param line the 1-based line where it starts
   * @param code the statement as the lexer sees it: every string literal reduced to {@code ''},
   *     every quoted identifier to {@code ""}, every dollar-quoted body to {@code $$$$}, every
   *     comment to a space, so that checks of its keywords cannot be fooled by user text
   */
  record Statement(String sql, String label, String section, long line, String code) implements ScriptItem {
    /** Validates. */
    public Statement {
      Objects.requireNonNull(sql, "sql");
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(section, "section");
      Objects.requireNonNull(code, "code");
    }
  }

  /**
   * A {@code COPY ... FROM stdin} statement; its data lines follow through
   * {@link ScriptReader.Handler#copyData}.
   *
   * @param sql the COPY statement
   * @param label the structured comment before it, else ""
   * @param line the 1-based line where it starts
   */
  record CopyStart(String sql, String label, long line) implements ScriptItem {}

  /**
   * A psql meta-command such as {@code \connect} or {@code \restrict KEY}.
   *
   * @param text the whole line
   * @param line its 1-based line number
   */
  record MetaCommand(String text, long line) implements ScriptItem {}
}
