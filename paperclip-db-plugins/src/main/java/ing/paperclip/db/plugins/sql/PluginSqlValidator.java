package ing.paperclip.db.plugins.sql;

import ing.paperclip.db.plugins.PluginException;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a plugin migration on its token stream (not with regular expressions): statements may
 * only create, alter or comment on objects in the plugin's own schema, insert into and update
 * tables there, and read (select, reference) a whitelist of core tables in {@code public}.
 * DROP, TRUNCATE, DELETE, GRANT/REVOKE, COPY, DO, CALL, SET/RESET, functions, procedures,
 * triggers, extensions, roles, ownership and schema changes are refused with the statement number
 * and the line:column of the offending token.
 *
 * <p>Unqualified names are allowed: migrations run with {@code search_path} set to the plugin
 * schema only, so they resolve there. The database enforces the same boundary again through the
 * plugin's role; this check gives early, precise errors. Immutable and thread-safe.
 */
public final class PluginSqlValidator {
  /** Core tables plugins may read (SELECT, foreign keys), in {@code public}. */
  public static final Set<String> READABLE_CORE_TABLES = Set.of("companies", "agents", "projects", "issues");

  private static final Set<String> FORBIDDEN = Set.of("drop", "truncate", "grant", "revoke", "copy",
      "function", "procedure", "trigger", "extension", "role", "owner", "authorization", "security",
      "schema", "rule", "policy", "execute", "listen", "notify", "vacuum", "cluster", "reindex",
      "database", "tablespace", "server", "publication", "subscription", "lock", "language", "operator",
      "aggregate", "cast", "conversion", "import", "foreign", "system", "set_config", "dblink",
      "lo_import", "lo_export", "pg_read_file", "pg_read_binary_file", "pg_ls_dir");
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
    List<List<Token>> statements = SqlTokenizer.statements(SqlTokenizer.tokenize(sql, source));
    for (int s = 0; s < statements.size(); s++) {
      check(statements.get(s), source, s + 1);
    }
    return statements.size();
  }

  private void check(List<Token> st, String source, int index) {
    Token first = st.get(0);
    if (first.kind() != Token.Kind.WORD || !STARTS.contains(first.text())) {
      throw refuse(source, index, first, "statements may only be CREATE, ALTER, COMMENT ON, INSERT, "
          + "UPDATE or SELECT; '" + first.text().toUpperCase(java.util.Locale.ROOT) + "' is not allowed");
    }
    for (int i = 0; i < st.size(); i++) {
      Token t = st.get(i);
      if (t.kind() != Token.Kind.WORD) {
        continue;
      }
      boolean afterOn = i > 0 && st.get(i - 1).isWord("on");
      if (t.text().equals("delete") && !afterOn) {
        throw refuse(source, index, t, "DELETE is not allowed in plugin migrations");
      }
      if (t.text().equals("do") && !(i > 0 && st.get(i - 1).isWord("conflict"))) {
        throw refuse(source, index, t, "DO blocks are not allowed in plugin migrations");
      }
      if (t.text().equals("call") || (t.text().equals("set") && i == 0) || t.text().equals("reset")) {
        throw refuse(source, index, t, t.text().toUpperCase(java.util.Locale.ROOT) + " is not allowed in plugin migrations");
      }
      if (FORBIDDEN.contains(t.text())) {
        throw refuse(source, index, t, "'" + t.text() + "' is not allowed in plugin migrations (quote it if it is a column name)");
      }
    }
    switch (first.text()) {
      case "create" -> {
        Token kind = word(st, 1);
        if (kind == null || !CREATABLE.contains(kind.text())) {
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
          while (name < st.size() && st.get(name).kind() == Token.Kind.WORD
              && Set.of("table", "view", "sequence", "type", "if", "not", "exists", "materialized").contains(st.get(name).text())) {
            name++;
          }
          checkWriteTarget(st, name, source, index);
        }
      }
      case "alter" -> {
        Token kind = word(st, 1);
        if (kind == null || !ALTERABLE.contains(kind.text())) {
          throw refuse(source, index, st.size() > 1 ? st.get(1) : first, "only tables, indexes, views, sequences and types may be altered");
        }
        int name = 2;
        while (name < st.size() && st.get(name).kind() == Token.Kind.WORD
            && Set.of("view", "if", "exists", "only").contains(st.get(name).text())) {
          name++;
        }
        checkWriteTarget(st, name, source, index);
      }
      case "comment" -> {
        int name = 3;
        while (name < st.size() && st.get(name).kind() == Token.Kind.WORD
            && Set.of("view", "materialized", "column", "index", "sequence", "type", "table").contains(st.get(name).text())) {
          name++;
        }
        if (word(st, 2) != null && word(st, 2).isWord("constraint")) {
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

  /** The object written to must be unqualified (the plugin schema) or qualified with it. */
  private void checkWriteTarget(List<Token> st, int at, String source, int index) {
    if (at <= 0 || at >= st.size() || !st.get(at).isIdentifier()) {
      throw refuse(source, index, st.get(Math.min(Math.max(at, 0), st.size() - 1)), "cannot tell which object this statement changes");
    }
    Token first = st.get(at);
    if (at + 2 < st.size() && st.get(at + 1).text().equals(".") && st.get(at + 1).kind() == Token.Kind.SYMBOL) {
      if (!first.text().equals(schema)) {
        throw refuse(source, index, first, "plugin migrations may only change objects in schema " + schema
            + ", not in '" + first.text() + "'");
      }
    }
  }

  /** Every {@code a.b} reference must be the plugin schema, a readable core table, or a pg_catalog function. */
  private void checkQualifiedNames(List<Token> st, String source, int index) {
    for (int i = 0; i + 2 < st.size(); i++) {
      Token a = st.get(i);
      Token dot = st.get(i + 1);
      Token b = st.get(i + 2);
      if (!a.isIdentifier() || dot.kind() != Token.Kind.SYMBOL || !dot.text().equals(".") || !b.isIdentifier()) {
        continue;
      }
      if (i > 0 && st.get(i - 1).kind() == Token.Kind.SYMBOL && st.get(i - 1).text().equals(".")) {
        continue; // middle of a longer name, handled at its start
      }
      boolean threePart = i + 4 < st.size() && st.get(i + 3).text().equals(".") && st.get(i + 4).isIdentifier();
      String qualifier = a.text();
      if (qualifier.equals(schema)) {
        continue;
      }
      if (qualifier.equals("public") && READABLE_CORE_TABLES.contains(b.text()) && !threePart) {
        continue;
      }
      if (qualifier.equals("pg_catalog") && i + 3 < st.size() && st.get(i + 3).text().equals("(")) {
        continue;
      }
      if (!threePart && isTableAlias(st, qualifier)) {
        continue; // alias.column
      }
      throw refuse(source, index, a, "reference to '" + qualifier + "." + b.text() + "' is outside schema "
          + schema + " and the readable core tables (public." + String.join(", public.", new java.util.TreeSet<>(READABLE_CORE_TABLES)) + ")");
    }
  }

  /** Returns whether {@code name} is the name of a table, column source or alias of this statement. */
  private boolean isTableAlias(List<Token> st, String name) {
    for (int i = 0; i < st.size(); i++) {
      Token t = st.get(i);
      if (t.isIdentifier() && t.text().equals(name)) {
        boolean qualifiedUse = i + 1 < st.size() && st.get(i + 1).text().equals(".");
        if (!qualifiedUse) {
          return true; // declared (as a table, alias or column) somewhere unqualified
        }
      }
    }
    return false;
  }

  private static Token word(List<Token> st, int i) {
    return i < st.size() && st.get(i).kind() == Token.Kind.WORD ? st.get(i) : null;
  }

  private static int indexOfWord(List<Token> st, String w, int from) {
    for (int i = from; i < st.size(); i++) {
      if (st.get(i).isWord(w)) {
        return i;
      }
    }
    return -1;
  }

  private static PluginException refuse(String source, int index, Token at, String why) {
    return new PluginException("plugin migration " + source + " statement " + index + " at "
        + at.position() + ": " + why);
  }
}
