package ing.paperclip.db.backup.script;

import ing.paperclip.db.backup.file.BackupEvent;
import ing.paperclip.db.backup.file.BackupReader;
import ing.paperclip.db.backup.file.Format;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a restore agrees to run: the statements our writer and pg_dump (plain, without
 * {@code --create}) produce, and the original Paperclip's, and nothing else. A backup file is
 * hostile input whose checksums anyone can recompute; this allowlist keeps a file from running
 * {@code COPY ... PROGRAM}, creating or altering roles, changing database or server settings,
 * committing in the middle of the restore's transaction, installing foreign servers or
 * subscriptions, or smuggling psql meta-commands past {@code gunzip | psql}. Foreign-data wrappers,
 * servers and user mappings (a connection to another server, with credentials) and event triggers, which
 * backups of databases that have them do hold, run their function on every later DDL statement of
 * every user, superusers included: they are refused too, naming the trigger, unless the file is
 * vouched for ({@code --trust-file}) or the policy is the writer's own check of a file it has just
 * scripted from the catalog ({@link #ScriptPolicy(Format, String, boolean)}).
 *
 * <p>The file's {@link Format} decides its framing (transaction control) and a few shapes. Checks
 * look at {@link BackupEvent.Sql#code()}, where the lexer has blanked strings,
 * quoted identifiers, dollar bodies and comments, so user text cannot pass for keywords or hide
 * them. It is a first line only: functions a file defines still run with the restoring role's
 * privileges when its checks, defaults, index expressions or materialized views are evaluated,
 * which is why restores should run as a role that owns the database, not a superuser.
 *
 * <p>One instance per read of a file, in order. Not thread-safe.
 */
public final class ScriptPolicy {
  private static final Set<String> SETTINGS = Set.of("STATEMENT_TIMEOUT", "LOCK_TIMEOUT",
      "IDLE_IN_TRANSACTION_SESSION_TIMEOUT", "TRANSACTION_TIMEOUT", "CLIENT_ENCODING",
      "STANDARD_CONFORMING_STRINGS", "CHECK_FUNCTION_BODIES", "XMLOPTION", "CLIENT_MIN_MESSAGES",
      "ROW_SECURITY", "SEARCH_PATH", "DEFAULT_TABLESPACE", "DEFAULT_TABLE_ACCESS_METHOD",
      "DEFAULT_TOAST_COMPRESSION", "DEFAULT_WITH_OIDS");
  /** Object kinds a database backup creates, alters, drops, comments on and labels. */
  private static final List<String> OBJECT_KINDS = List.of("SCHEMA", "EXTENSION", "TYPE", "DOMAIN",
      "FUNCTION", "PROCEDURE", "ROUTINE", "AGGREGATE", "OPERATOR", "CAST", "COLLATION",
      "CONVERSION", "SEQUENCE", "TABLE", "VIEW", "MATERIALIZED VIEW", "INDEX", "TRIGGER",
      "CONSTRAINT", "POLICY", "RULE", "TEXT SEARCH", "STATISTICS", "LANGUAGE", "TRANSFORM",
      "PUBLICATION", "ACCESS METHOD", "COLUMN", "LARGE OBJECT", "DEFAULT PRIVILEGES");
  private static final Pattern CREATE_MODIFIERS = Pattern.compile(
      "^CREATE (?:OR REPLACE )?(?:UNIQUE |TRUSTED |PROCEDURAL |UNLOGGED |RECURSIVE |CONSTRAINT |DEFAULT )*");
  private static final Pattern CREATE_TABLE_AS = Pattern.compile(
      "^CREATE (?:UNLOGGED )?TABLE (?:IF NOT EXISTS )?[^ (]+ (?:\\([^()]*\\) )?AS\\b.*");
  private static final Pattern SET = Pattern.compile(
      "^SET (?:SESSION |LOCAL )?([A-Z_]+) ?(?:=|TO\\b).*");
  private static final Pattern GLOBAL_TARGET = Pattern.compile(
      "^(?:DATABASE|TABLESPACE|FOREIGN DATA WRAPPER|FOREIGN SERVER|SERVER|PARAMETER|ROLE|GROUP|USER|SUBSCRIPTION)\\b.*");
  private static final Pattern EVENT_TRIGGER = Pattern.compile("^EVENT TRIGGER\\b.*");
  /** What reaches outside the database: a foreign server's address, a user mapping's credentials. */
  private static final Pattern FOREIGN = Pattern.compile(
      "^(?:FOREIGN DATA WRAPPER|SERVER|USER MAPPING|FOREIGN SERVER|FOREIGN TABLE)\\b.*");
  private static final String LITERAL = "'(?:[^']|'')*'";
  private static final Pattern SET_CONFIG = Pattern.compile(
      "(?i)SELECT pg_catalog\\.set_config\\('([a-z_]+)', " + LITERAL + ", false\\);");
  // a large object of ours: created in the pre-data, its data written in chunks in the post-data
  private static final Pattern LO_CREATE = Pattern.compile(
      "SELECT pg_catalog\\.lo_create\\('[0-9]+'\\);");
  private static final Pattern LO_PUT = Pattern.compile(
      "SELECT pg_catalog\\.lo_put\\('[0-9]+', [0-9]+, '\\\\x(?:[0-9a-f]{2})+'\\);");
  private static final Pattern SETVAL = Pattern.compile(
      "(?i)SELECT (pg_catalog\\.)?setval\\(" + LITERAL + ", -?[0-9]+, (?:true|false)\\);");
  // a U&"..." name is how our writer keeps a name with a line break on one COPY line
  private static final String IDENT = "(?:(?:U&)?\"(?:[^\"]|\"\")+\"|[\\p{L}_][\\p{L}\\p{N}_$]*)";
  private static final Pattern COPY = Pattern.compile("(?s)COPY " + IDENT + "\\." + IDENT
      + "(?: \\(" + IDENT + "(?:, " + IDENT + ")*\\))? +FROM stdin;");
  private static final Pattern ACL_BLOCK = Pattern.compile("(?s)DO (\\$acl[0-9]*\\$) BEGIN IF EXISTS"
      + " \\(SELECT 1 FROM pg_catalog\\.pg_roles WHERE rolname = " + LITERAL + "\\) THEN (GRANT .*;)"
      + " END IF; END \\1;");
  private static final String NAME = "(?:\"\"|[\\p{L}_][\\p{L}\\p{N}_$]*)";
  private static final String VALUE = "(?:E?''|\\$\\$\\$\\$|-?[0-9][0-9.]*+(?:E[-+]?[0-9]+)?|NULL|TRUE|FALSE|DEFAULT)"
      + "(?:::" + NAME + "(?: ?\\. ?" + NAME + ")?(?: VARYING)?(?:\\[\\])*)?";
  private static final String TUPLE = "\\( ?" + VALUE + "(?: ?, ?" + VALUE + ")*+ ?\\)";
  private static final Pattern INSERT = Pattern.compile("^INSERT INTO " + NAME + "(?: ?\\. ?" + NAME + ")?"
      + "(?: ?\\( ?" + NAME + "(?: ?, ?" + NAME + ")*+ ?\\))?(?: OVERRIDING (?:SYSTEM|USER) VALUE)? VALUES ?"
      + TUPLE + "(?: ?, ?" + TUPLE + ")*+ ?;$");
  private static final Pattern META = Pattern.compile("\\\\(?:restrict|unrestrict) [A-Za-z0-9]+");

  private final Format format;
  private final String source;
  private final boolean trusted;
  private boolean pastSettings;
  private boolean begun;
  private boolean committed;
  /** Whether a {@code -- section:} line was read (our body has begun). */
  private boolean sectioned;

  /**
   * Creates a policy for one read of a file.
   *
   * @param format the file's format
   * @param source names the file in messages
   */
  public ScriptPolicy(Format format, String source) {
    this(format, source, false);
  }

  /**
   * Creates a policy for one read of a file, optionally allowing event triggers, foreign-data
   * wrappers, servers and user mappings: only for the writer's check of the file it has just
   * written, whose objects come from the source database's catalog, never for a file read from
   * disk.
   *
   * @param format the file's format
   * @param source names the file in messages
   * @param eventTriggers whether {@code CREATE/ALTER/COMMENT ON EVENT TRIGGER}, and statements on
   *     foreign-data wrappers, servers and user mappings, are allowed
   */
  public ScriptPolicy(Format format, String source, boolean eventTriggers) {
    this.format = format;
    this.source = source;
    this.trusted = eventTriggers;
  }

  /**
   * Checks the next event of the file: what psql would run ({@link BackupEvent.Item}s); a
   * section line is noted, other markers are ignored.
   *
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} naming the line and the statement
   *     when the file holds something a backup does not contain
   */
  public void check(BackupEvent event) {
    if (event instanceof BackupEvent.Section sec) {
      sectioned |= !sec.name().isEmpty();
      return;
    }
    if (!(event instanceof BackupEvent.Item item)) {
      return;
    }
    if (committed) {
      throw refuse(item.line(), item.text(), "it follows the file's final COMMIT (a file cut short after a COMMIT"
          + " injected early would otherwise pass for complete)");
    }
    String why;
    if (item instanceof BackupEvent.MetaCommand m) {
      why = meta(m.text());
    } else if (item instanceof BackupEvent.DataStart c) {
      why = COPY.matcher(c.copySql()).matches() ? null
          : "only COPY schema.table (columns) FROM stdin is a table's data";
    } else {
      why = statement((BackupEvent.Sql) item);
    }
    if (why != null) {
      throw refuse(item.line(), item.text(), why);
    }
    if (!(item instanceof BackupEvent.Sql s && isSetting(s))) {
      pastSettings = true;
    }
  }

  private static boolean isSetting(BackupEvent.Sql s) {
    String k = normalize(s.code());
    return k.startsWith("SET ") || SET_CONFIG.matcher(s.sql()).matches();
  }

  private String meta(String text) {
    if (format != Format.LEGACY && META.matcher(text.strip()).matches()) {
      return null; // pg_dump's own guard against this very attack (ours wrap pg_dump's output)
    }
    if (format == Format.LEGACY && text.strip().equals("\\.")) {
      return null; // the original wrote a stray end-of-data line after each table
    }
    return "psql meta-commands run on the machine of whoever pipes the file into psql";
  }

  private String statement(BackupEvent.Sql s) {
    String k = normalize(s.code());
    if (k.indexOf('\\') >= 0) {
      return "a backslash outside quotes is a psql meta-command inside the statement";
    }
    String first = k.isEmpty() ? "" : k.split("[ ;(]", 2)[0];
    switch (first) {
      case "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE" -> {
        return transaction(first);
      }
      case "SET" -> {
        return set(k);
      }
      case "SELECT" -> {
        Matcher m = SET_CONFIG.matcher(s.sql());
        if (m.matches()) {
          return SETTINGS.contains(m.group(1).toUpperCase(Locale.ROOT)) ? null
              : "set_config of " + m.group(1) + " is not a restore setting";
        }
        Matcher v = SETVAL.matcher(s.sql());
        if (v.matches() && (v.group(1) != null || format == Format.LEGACY)) {
          return null;
        }
        if (format != Format.LEGACY && (LO_CREATE.matcher(s.sql()).matches()
            || LO_PUT.matcher(s.sql()).matches())) {
          return null;
        }
        return "the only queries a backup holds set a sequence (pg_catalog.setval) or a setting,"
            + " or create a large object and write its data (pg_catalog.lo_create, lo_put)";
      }
      case "CREATE" -> {
        String rest = CREATE_MODIFIERS.matcher(k).replaceFirst("");
        if (CREATE_TABLE_AS.matcher(k).matches()) {
          return "CREATE TABLE ... AS runs a query; backups create tables and COPY their rows";
        }
        return objectKind(rest, "CREATE");
      }
      case "ALTER", "DROP" -> {
        return objectKind(k.substring(first.length()).strip(), first);
      }
      case "COMMENT" -> {
        return k.startsWith("COMMENT ON ") ? objectKind(k.substring("COMMENT ON ".length()), "COMMENT ON")
            : "not a COMMENT ON statement";
      }
      case "SECURITY" -> {
        int on = k.indexOf(" ON ");
        return k.startsWith("SECURITY LABEL ") && on > 0 ? objectKind(k.substring(on + 4), "SECURITY LABEL ON")
            : "not a SECURITY LABEL statement";
      }
      case "GRANT", "REVOKE" -> {
        return grant(k);
      }
      case "REFRESH" -> {
        return k.startsWith("REFRESH MATERIALIZED VIEW ") ? null : "not a REFRESH MATERIALIZED VIEW";
      }
      case "INSERT" -> {
        if (format == Format.OURS) {
          return "paperclip-db files hold rows only in COPY blocks";
        }
        return INSERT.matcher(k).matches() ? null
            : "an INSERT of a backup holds literal values only (no queries, functions or ON CONFLICT)";
      }
      case "DO" -> {
        return aclBlock(s.sql());
      }
      default -> {
        return "no backup this tool reads contains " + (first.isEmpty() ? "this statement" : first + " statements");
      }
    }
  }

  /** BEGIN only as the first statement, COMMIT only as the last (ours and the original's). */
  private String transaction(String first) {
    if (format == Format.PG_DUMP) {
      return "a plain pg_dump file holds no transaction control";
    }
    if ((first.equals("BEGIN") || first.equals("START")) && !begun && !pastSettings && !sectioned) {
      begun = true;
      return null;
    }
    if ((first.equals("COMMIT") || first.equals("END")) && begun) {
      committed = true;
      return null;
    }
    return "transaction control inside the body would end the restore's own transaction";
  }

  private String set(String k) {
    Matcher m = SET.matcher(k);
    if (!m.matches()) {
      return "SET ROLE, SET SESSION AUTHORIZATION and other forms are not restore settings";
    }
    String name = m.group(1);
    if (SETTINGS.contains(name)) {
      return null;
    }
    if (format == Format.LEGACY && name.equals("SESSION_REPLICATION_ROLE")) {
      return null; // the original disables triggers this way (it needs a superuser)
    }
    return "SET " + name.toLowerCase(Locale.ROOT) + " is not a restore setting";
  }

  private String objectKind(String rest, String verb) {
    if (EVENT_TRIGGER.matcher(rest).matches()) {
      return trusted ? null : verb + " EVENT TRIGGER installs a function that runs on every later"
          + " DDL statement of every user, superusers included (a backup holds one only when its"
          + " database had it)";
    }
    if (FOREIGN.matcher(rest).matches() && !rest.startsWith("FOREIGN SERVER")) {
      return trusted ? null : foreign(verb.split(" ")[0], rest);
    }
    if (GLOBAL_TARGET.matcher(rest).matches()) {
      return verb + " " + rest.split(" ")[0] + " changes the server or the database itself, which a"
          + " backup of schemas never does";
    }
    for (String kind : OBJECT_KINDS) {
      if (rest.startsWith(kind) && (rest.length() == kind.length()
          || " ;(".indexOf(rest.charAt(kind.length())) >= 0)) {
        return null;
      }
    }
    String word = rest.isEmpty() ? "" : rest.split("[ ;(]", 2)[0];
    return verb + " " + word + " is not something a backup of schemas contains";
  }

  /**
   * Foreign-data wrappers, servers and user mappings: a hostile file could make a restore create a
   * server pointing anywhere, and a mapping with credentials for it, without the user noticing.
   */
  private static String foreign(String verb, String target) {
    String name = target.startsWith("FOREIGN DATA WRAPPER") ? "FOREIGN DATA WRAPPER"
        : target.startsWith("FOREIGN TABLE") ? "FOREIGN TABLE"
        : target.startsWith("USER MAPPING") ? "USER MAPPING" : "SERVER";
    return verb + " " + name + " makes the database connect to another server, with the mapping's"
        + " credentials (a backup holds one only when its database had it)";
  }

  private String grant(String k) {
    int on = k.indexOf(" ON ");
    if (on < 0) {
      return "granting roles to roles changes the server's roles, not the database";
    }
    String target = k.substring(on + 4);
    if (FOREIGN.matcher(target).matches()) {
      return trusted ? null : foreign(k.split(" ")[0], target);
    }
    if (GLOBAL_TARGET.matcher(target).matches()) {
      return "privileges on " + target.split(" ")[0] + " belong to the server or the database itself";
    }
    return null;
  }

  /** Our writer's only DO block: a GRANT to a role, run only when the role exists on the target. */
  private String aclBlock(String sql) {
    if (format != Format.OURS) {
      return "DO blocks run arbitrary code";
    }
    Matcher m = ACL_BLOCK.matcher(sql);
    if (!m.matches()) {
      return "DO blocks run arbitrary code; the only one a backup holds grants privileges to a role";
    }
    List<BackupEvent.Item> inner = new ArrayList<>();
    try {
      new BackupReader(new ByteArrayInputStream(m.group(2).getBytes(StandardCharsets.UTF_8))).read(e -> {
        if (e instanceof BackupEvent.Item i) {
          inner.add(i);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (PaperclipException e) {
      return "its GRANT is not a complete statement";
    }
    if (inner.size() != 1 || !(inner.get(0) instanceof BackupEvent.Sql g)
        || !normalize(g.code()).startsWith("GRANT ")) {
      return "DO blocks run arbitrary code; the only one a backup holds is a single GRANT";
    }
    return grant(normalize(g.code()));
  }

  private static String normalize(String code) {
    return code.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ").replace(" ;", ";").strip();
  }

  private PaperclipException refuse(long line, String text, String why) {
    return new PaperclipException(ErrorCode.CORRUPT_FILE, "refusing " + source + ": line " + line
        + " holds " + summary(text) + ", which no backup contains: " + why + "; nothing was changed."
        + " Restore it only if you trust where it comes from, with --trust-file");
  }

  /** The statement's start on one line, with control characters shown as '?' (it is user text). */
  static String summary(String sql) {
    String one = sql.replaceAll("\\s+", " ").strip().replaceAll("\\p{Cntrl}", "?");
    return "'" + (one.length() > 70 ? one.substring(0, 67) + "..." : one) + "'";
  }
}
