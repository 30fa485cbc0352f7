package ing.paperclip.db.plugins.sql;

import ing.paperclip.db.core.sql.SqlSplitter;
import ing.paperclip.db.core.sql.SqlStatement;
import ing.paperclip.db.core.sql.SqlSyntaxException;
import ing.paperclip.db.core.sql.SqlToken;
import ing.paperclip.db.core.sql.SqlTokenKind;
import ing.paperclip.db.plugins.CoreReadAccess;
import ing.paperclip.db.plugins.PluginException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The friendly first line in front of plugin migrations: checks each statement on the tokens of
 * the project's lexer ({@link ing.paperclip.db.core.sql.SqlLexer}) and refuses, with the file,
 * statement number and line:column, what the plugin's database role would refuse anyway (the
 * role is the boundary; this only fails earlier and clearer) plus what the role cannot be denied.
 *
 * <ul>
 *   <li>Statements may only be {@code CREATE} (table, index, view, sequence, type), {@code ALTER}
 *       of those, {@code COMMENT ON}, {@code INSERT}, {@code UPDATE}, {@code SELECT} and
 *       {@code WITH}; psql meta-commands are refused.
 *   <li>Keywords such as DROP, TRUNCATE, DELETE, GRANT/REVOKE, COPY, DO, CALL, SET/RESET, NOTIFY,
 *       FUNCTION, TRIGGER, RULE, POLICY, EXTENSION, ROLE, OWNER, SCHEMA are refused when written
 *       unquoted (quoted, they are plain names).
 *   <li>Functions that reach outside the plugin's own data or change session or server state
 *       ({@link #FORBIDDEN_FUNCTIONS}, and the {@link #FORBIDDEN_FUNCTION_PREFIXES} families) are
 *       refused by the name they resolve to: case-folded, quotes and {@code U&""} escapes undone,
 *       truncated to 63 bytes, with or without a schema, so {@code "set_config"} and
 *       {@code pg_catalog."SET_CONFIG"} are the same function (the latter is a different, unknown
 *       one, and still refused).
 *   <li>Objects changed must be unqualified (they land in the plugin schema, the only entry of the
 *       migration's {@code search_path}) or qualified with the plugin schema, and not named
 *       {@code pg_*} (the server searches {@code pg_catalog} first).
 *   <li>Qualified references must name the plugin schema, a readable core table
 *       ({@link CoreReadAccess#TABLES}, two-part names only), a {@code pg_catalog} function call or
 *       an alias of the statement; foreign keys may only point into the plugin schema.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class PluginSqlValidator {
  /** Core tables plugins may read, in {@code public}. */
  public static final Set<String> READABLE_CORE_TABLES = CoreReadAccess.TABLES;

  /** Functions refused by resolved name: session state, notifications, sleeping, locks, files, dynamic SQL, server control. */
  public static final Set<String> FORBIDDEN_FUNCTIONS = Set.of(
      "set_config", "pg_notify", "pg_sleep", "pg_sleep_for", "pg_sleep_until", "pg_terminate_backend",
      "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_stat_file", "pg_logical_emit_message",
      "pg_create_restore_point", "pg_switch_wal", "pg_backup_start", "pg_backup_stop", "pg_start_backup",
      "pg_stop_backup", "pg_promote", "pg_import_system_collations", "pg_log_backend_memory_contexts",
      "pg_export_snapshot", "pg_wal_replay_pause", "pg_wal_replay_resume", "query_to_xml", "query_to_xmlschema",
      "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema", "table_to_xml", "table_to_xmlschema",
      "table_to_xml_and_xmlschema", "schema_to_xml", "schema_to_xmlschema", "schema_to_xml_and_xmlschema",
      "database_to_xml", "database_to_xmlschema", "database_to_xml_and_xmlschema", "ts_stat", "loread", "lowrite",
      "pg_current_logfile");

  /** Function families refused by prefix: large objects, dblink, advisory locks, server files, replication, statistics resets. */
  public static final List<String> FORBIDDEN_FUNCTION_PREFIXES = List.of("lo_", "dblink", "pg_advisory",
      "pg_try_advisory", "pg_read_", "pg_ls_", "pg_file_", "pg_stat_reset", "pg_replication_", "pg_create_",
      "pg_drop_replication", "pg_copy_", "pg_xact_", "pg_wal_");

  /** Catalogs only superusers may read (the database refuses them too; named here for a clear message). */
  private static final Set<String> RESTRICTED_CATALOGS = Set.of("pg_authid", "pg_shadow", "pg_user_mapping",
      "pg_largeobject", "pg_statistic", "pg_subscription", "pg_hba_file_rules", "pg_file_settings");

  private static final Set<String> FORBIDDEN_KEYWORDS = Set.of("drop", "truncate", "grant", "revoke", "copy",
      "function", "procedure", "trigger", "extension", "role", "owner", "authorization", "security",
      "schema", "rule", "policy", "execute", "listen", "notify", "unlisten", "vacuum", "cluster", "reindex",
      "database", "tablespace", "server", "publication", "subscription", "lock", "language", "operator",
      "aggregate", "cast", "conversion", "import", "foreign", "system", "call", "reset", "discard", "load",
      "checkpoint", "prepare", "deallocate", "savepoint", "rollback", "commit", "begin", "abort",
      "end", "transaction", "session", "handler", "validator", "statistics", "collation", "domain", "routine",
      "event", "mapping");
  private static final Set<String> STARTS = Set.of("create", "alter", "comment", "insert", "update", "select", "with");
  private static final Set<String> CREATABLE = Set.of("table", "index", "unique", "view", "sequence", "type", "materialized", "unlogged");
  private static final Set<String> ALTERABLE = Set.of("table", "index", "view", "sequence", "type", "materialized");

  private final String schema;

  /** Creates a validator for one plugin schema. */
  public PluginSqlValidator(String schema) {
    this.schema = Objects.requireNonNull(schema, "schema");
  }

  /**
   * Validates a migration file's text.
   *
   * @param sql the text
   * @param source the file name, for errors
   * @return the number of statements
   * @throws PluginException naming the file, statement, position and rule
   */
  public int validate(String sql, String source) {
    return validate(new StringReader(sql), source);
  }

  /**
   * Validates a migration read as a stream, one statement in memory at a time.
   *
   * @param in the text; the caller closes it
   * @param source the file name, for errors
   * @return the number of statements
   * @throws PluginException naming the file, statement, position and rule, or the read error
   */
  public int validate(Reader in, String source) {
    SqlSplitter splitter = new SqlSplitter(in);
    int count = 0;
    try {
      for (SqlStatement st = splitter.next(); st != null; st = splitter.next()) {
        if (st.isBlank()) {
          continue;
        }
        count++;
        if (st.metaCommand()) {
          throw refuse(source, count, st.first().orElseThrow(), "psql meta-commands are not SQL and not allowed");
        }
        check(st.significant().stream().filter(t -> t.kind() != SqlTokenKind.SEMICOLON).toList(), source, count);
      }
    } catch (SqlSyntaxException e) {
      throw new PluginException("plugin migration " + source + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new PluginException("cannot read plugin migration " + source + ": " + e.getCause().getMessage(), e);
    }
    return count;
  }

  private void check(List<SqlToken> st, String source, int index) {
    SqlToken first = st.get(0);
    if (first.kind() != SqlTokenKind.IDENTIFIER || !STARTS.contains(lower(first))) {
      throw refuse(source, index, first, "statements may only be CREATE, ALTER, COMMENT ON, INSERT, "
          + "UPDATE or SELECT; '" + first.text() + "' is not allowed");
    }
    for (int i = 0; i < st.size(); i++) {
      SqlToken t = st.get(i);
      if (t.kind() == SqlTokenKind.META_COMMAND) {
        throw refuse(source, index, t, "psql meta-commands are not allowed");
      }
      if (!t.kind().isIdentifier()) {
        continue;
      }
      int after = i + 1;
      if (t.kind() == SqlTokenKind.UNICODE_IDENTIFIER && after + 1 < st.size() && st.get(after).isWord("uescape")) {
        after += 2;
      }
      boolean call = after < st.size() && st.get(after).isSymbol("(");
      if (call) {
        String fn = name(st, i);
        if (FORBIDDEN_FUNCTIONS.contains(fn) || FORBIDDEN_FUNCTION_PREFIXES.stream().anyMatch(fn::startsWith)) {
          throw refuse(source, index, t, "function " + fn + " is not allowed in plugin migrations (it reaches "
              + "outside the plugin's data or changes session or server state)");
        }
      }
      if (RESTRICTED_CATALOGS.contains(name(st, i))) {
        throw refuse(source, index, t, name(st, i) + " is readable by superusers only");
      }
      if (t.kind() != SqlTokenKind.IDENTIFIER) {
        continue;
      }
      String w = lower(t);
      boolean afterOn = i > 0 && st.get(i - 1).isWord("on");
      if (w.equals("delete") && !afterOn) {
        throw refuse(source, index, t, "DELETE is not allowed in plugin migrations");
      }
      if (w.equals("do") && !(i > 0 && st.get(i - 1).isWord("conflict"))) {
        throw refuse(source, index, t, "DO blocks are not allowed in plugin migrations");
      }
      if (FORBIDDEN_KEYWORDS.contains(w) && !(w.equals("end") && inCase(st, i))) {
        throw refuse(source, index, t, "'" + w + "' is not allowed in plugin migrations");
      }
      if (w.equals("for") && i + 1 < st.size() && Set.of("update", "share", "no", "key").contains(lower(st.get(i + 1)))) {
        throw refuse(source, index, t, "row locks (FOR UPDATE/SHARE) are not allowed in plugin migrations");
      }
      if (w.equals("references")) {
        checkReferenceTarget(st, i + 1, source, index);
      }
    }
    switch (lower(first)) {
      case "create" -> {
        SqlToken kind = word(st, 1);
        if (kind == null || !CREATABLE.contains(lower(kind))) {
          throw refuse(source, index, st.size() > 1 ? st.get(1) : first, "only tables, indexes, views, sequences and types may be created");
        }
        if (kind.isWord("index") || kind.isWord("unique")) {
          int on = indexOfWord(st, "on", 2);
          if (on < 0) {
            throw refuse(source, index, kind, "CREATE INDEX without ON");
          }
          int target = on + 1;
          if (target < st.size() && st.get(target).isWord("only")) {
            target++;
          }
          checkWriteTarget(st, target, source, index);
        } else {
          int name = 2;
          while (name < st.size() && st.get(name).kind() == SqlTokenKind.IDENTIFIER
              && Set.of("table", "view", "sequence", "type", "if", "not", "exists", "materialized").contains(lower(st.get(name)))) {
            name++;
          }
          checkWriteTarget(st, name, source, index);
        }
      }
      case "alter" -> {
        SqlToken kind = word(st, 1);
        if (kind == null || !ALTERABLE.contains(lower(kind))) {
          throw refuse(source, index, st.size() > 1 ? st.get(1) : first, "only tables, indexes, views, sequences and types may be altered");
        }
        int name = 2;
        while (name < st.size() && st.get(name).kind() == SqlTokenKind.IDENTIFIER
            && Set.of("view", "if", "exists", "only").contains(lower(st.get(name)))) {
          name++;
        }
        checkWriteTarget(st, name, source, index);
      }
      case "comment" -> {
        int name = 3;
        while (name < st.size() && st.get(name).kind() == SqlTokenKind.IDENTIFIER
            && Set.of("view", "materialized", "column", "index", "sequence", "type", "table").contains(lower(st.get(name)))) {
          name++;
        }
        SqlToken what = word(st, 2);
        if (what != null && what.isWord("constraint")) {
          name = indexOfWord(st, "on", 3) + 1;
        }
        checkWriteTarget(st, name, source, index);
      }
      case "insert" -> checkWriteTarget(st, indexOfWord(st, "into", 1) + 1, source, index);
      case "update" -> checkWriteTarget(st, st.size() > 1 && st.get(1).isWord("only") ? 2 : 1, source, index);
      default -> { }
    }
    checkQualifiedNames(st, source, index);
  }

  /** Whether the END at {@code i} closes a CASE (the only END a plugin statement may hold). */
  private static boolean inCase(List<SqlToken> st, int i) {
    int depth = 0;
    for (int j = 0; j < i; j++) {
      if (st.get(j).isWord("case")) {
        depth++;
      } else if (st.get(j).isWord("end")) {
        depth--;
      }
    }
    return depth > 0;
  }

  /** The object written to must be unqualified (the plugin schema) or qualified with it, and not pg_*. */
  private void checkWriteTarget(List<SqlToken> st, int at, String source, int index) {
    if (at <= 0 || at >= st.size() || !st.get(at).kind().isIdentifier()) {
      throw refuse(source, index, st.get(Math.min(Math.max(at, 0), st.size() - 1)), "cannot tell which object this statement changes");
    }
    SqlToken first = st.get(at);
    String target = name(st, at);
    if (at + 2 < st.size() && st.get(at + 1).isSymbol(".")) {
      if (!target.equals(schema)) {
        throw refuse(source, index, first, "plugin migrations may only change objects in schema " + schema
            + ", not in '" + target + "'");
      }
      if (st.get(at + 2).kind().isIdentifier()) {
        target = name(st, at + 2);
      }
    }
    if (target.startsWith("pg_")) {
      throw refuse(source, index, first, "'" + target + "' names a system object; plugin objects may not start with pg_");
    }
  }

  /** A foreign key may only point into the plugin schema (unqualified or qualified with it). */
  private void checkReferenceTarget(List<SqlToken> st, int at, String source, int index) {
    if (at < st.size() && st.get(at).kind().isIdentifier() && at + 1 < st.size() && st.get(at + 1).isSymbol(".")
        && !name(st, at).equals(schema)) {
      throw refuse(source, index, st.get(at), "foreign keys into '" + name(st, at) + "' are not allowed: a plugin row "
          + "must not block deleting core rows; store the id without REFERENCES");
    }
  }

  /** Every {@code a.b} reference must be the plugin schema, a readable core table, or a pg_catalog function. */
  private void checkQualifiedNames(List<SqlToken> st, String source, int index) {
    for (int i = 0; i + 2 < st.size(); i++) {
      SqlToken a = st.get(i);
      SqlToken dot = st.get(i + 1);
      SqlToken b = st.get(i + 2);
      if (!a.kind().isIdentifier() || !dot.isSymbol(".") || !b.kind().isIdentifier()) {
        continue;
      }
      if (i > 0 && st.get(i - 1).isSymbol(".")) {
        continue; // middle of a longer name, handled at its start
      }
      boolean threePart = i + 4 < st.size() && st.get(i + 3).isSymbol(".") && st.get(i + 4).kind().isIdentifier();
      String qualifier = name(st, i);
      String second = name(st, i + 2);
      if (qualifier.equals(schema)) {
        continue;
      }
      if (qualifier.equals("public") && READABLE_CORE_TABLES.contains(second) && !threePart) {
        boolean partitionOf = i > 0 && st.get(i - 1).isWord("of");
        boolean inherits = i > 1 && st.get(i - 1).isSymbol("(") && st.get(i - 2).isWord("inherits");
        if (partitionOf || inherits) {
          throw refuse(source, index, a, "plugin tables may not inherit from or be partitions of core tables");
        }
        checkHiddenColumns(st, second, source, index);
        continue;
      }
      if (qualifier.equals("pg_catalog") && i + 3 < st.size() && st.get(i + 3).isSymbol("(")) {
        continue;
      }
      if (!threePart && isTableAlias(st, qualifier)) {
        continue; // alias.column
      }
      throw refuse(source, index, a, "reference to '" + qualifier + "." + second + "' is outside schema "
          + schema + " and the readable core tables (public." + String.join(", public.", READABLE_CORE_TABLES) + ")");
    }
  }

  /** A statement reading a core table may not name its withheld columns, nor use a bare {@code *}. */
  private static void checkHiddenColumns(List<SqlToken> st, String table, String source, int index) {
    Set<String> hidden = CoreReadAccess.HIDDEN_COLUMNS.getOrDefault(table, Set.of());
    if (hidden.isEmpty()) {
      return;
    }
    for (int i = 0; i < st.size(); i++) {
      SqlToken t = st.get(i);
      if (t.kind().isIdentifier() && hidden.contains(name(st, i))) {
        throw refuse(source, index, t, "column " + name(st, i) + " of public." + table + " is not readable by plugins");
      }
      if (t.isSymbol("*") && i > 0 && !st.get(i - 1).isSymbol("(")) {
        throw refuse(source, index, t, "public." + table + " has columns plugins may not read ("
            + String.join(", ", new java.util.TreeSet<>(hidden)) + "): name the columns instead of *");
      }
    }
  }

  /** Returns whether {@code name} is a table, column source or alias used unqualified in this statement. */
  private static boolean isTableAlias(List<SqlToken> st, String name) {
    for (int i = 0; i < st.size(); i++) {
      SqlToken t = st.get(i);
      if (t.kind().isIdentifier() && name(st, i).equals(name)) {
        boolean qualifiedUse = i + 1 < st.size() && st.get(i + 1).isSymbol(".");
        boolean qualifiedPart = i > 0 && st.get(i - 1).isSymbol(".");
        if (!qualifiedUse && !qualifiedPart) {
          return true;
        }
      }
    }
    return false;
  }

  /** The resolved name of the identifier at {@code i}, honouring a {@code UESCAPE 'c'} that follows a U&"" name. */
  private static String name(List<SqlToken> st, int i) {
    SqlToken t = st.get(i);
    if (t.kind() == SqlTokenKind.UNICODE_IDENTIFIER && i + 2 < st.size() && st.get(i + 1).isWord("uescape")
        && st.get(i + 2).kind() == SqlTokenKind.STRING) {
      String esc = st.get(i + 2).stringValue();
      if (esc.length() == 1) {
        return t.identifier(esc.charAt(0));
      }
    }
    return t.identifier();
  }

  private static String lower(SqlToken t) {
    return t.text().toLowerCase(Locale.ROOT);
  }

  private static SqlToken word(List<SqlToken> st, int i) {
    return i < st.size() && st.get(i).kind() == SqlTokenKind.IDENTIFIER ? st.get(i) : null;
  }

  private static int indexOfWord(List<SqlToken> st, String w, int from) {
    for (int i = from; i < st.size(); i++) {
      if (st.get(i).isWord(w)) {
        return i;
      }
    }
    return -1;
  }

  private static PluginException refuse(String source, int index, SqlToken at, String why) {
    return new PluginException("plugin migration " + source + " statement " + index + " at "
        + at.position() + ": " + why);
  }
}
