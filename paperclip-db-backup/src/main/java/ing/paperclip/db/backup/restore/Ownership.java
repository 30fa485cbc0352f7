package ing.paperclip.db.backup.restore;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ownership on the target, like pg_restore without {@code --no-owner}: a plan's
 * {@code ALTER ... OWNER TO} statements run where the role exists on the target and the restoring
 * role may become it ({@code SET ROLE}) and inherits its rights; the others are left out, with one
 * warning per role, and their objects stay the restoring role's. A non-superuser restore also
 * leaves out (one warning per role and schema) the objects given to a role in a schema it may not
 * create in, as PostgreSQL would refuse them half-way: one the target grants it CREATE on, or that
 * the plan made the role's own before, is fine. A {@code SECURITY DEFINER} function whose owner
 * does not exist on the target is refused: it would run as the restoring role (often a superuser);
 * one whose owner exists but cannot be taken (a non-superuser restore) only warns. One query on
 * the target, whatever the number of statements.
 */
final class Ownership {
  private static final String IDENT = "(?:\"(?:[^\"]|\"\")*\"|[^\\s(.\";]+)";
  private static final Pattern OWNER_TO = Pattern.compile(
      "(?is)^\\s*ALTER\\s+(.+?)\\s+OWNER\\s+TO\\s+(" + IDENT + ")\\s*;?\\s*$");
  private static final Pattern ROUTINE = Pattern.compile(
      "(?is)^\\s*(?:CREATE\\s+(?:OR\\s+REPLACE\\s+)?|ALTER\\s+)(?:FUNCTION|PROCEDURE)\\s+(" + IDENT
          + "(?:\\s*\\.\\s*" + IDENT + ")?)\\s*\\(.*");
  /** Where a routine's body starts: its options (SECURITY DEFINER) come before. */
  private static final Pattern BODY = Pattern.compile("(?is)\\$[A-Za-z_0-9]*\\$|\\bBEGIN\\s+ATOMIC\\b|\\bAS\\s+'");
  private static final Pattern SECURITY_DEFINER = Pattern.compile("(?is)\\bSECURITY\\s+DEFINER\\b");

  static final String MISSING = "does not exist on the target";

  private Ownership() {}

  /** Returns the role an {@code ALTER ... OWNER TO} statement names, or null for another statement. */
  static String ownerRole(String sql) {
    Matcher m = OWNER_TO.matcher(sql);
    if (!m.matches()) {
      return null;
    }
    String r = m.group(2);
    if (r.startsWith("\"")) {
      return r.substring(1, r.length() - 1).replace("\"\"", "\"");
    }
    String lower = r.toLowerCase(Locale.ROOT);
    return lower.equals("current_user") || lower.equals("session_user") || lower.equals("current_role")
        ? null : lower;
  }

  /**
   * Returns the plan with the owner changes the target cannot take left out, and a warning per
   * role they name (per role and schema for a role that may not own objects in a schema).
   *
   * @throws PaperclipException {@link ErrorCode#RESTORE} for a SECURITY DEFINER function whose
   *     owner does not exist on the target
   */
  static RestorePlan apply(RestorePlan plan, Connection c) throws SQLException {
    Set<String> roles = new TreeSet<>();
    Set<String> schemas = new TreeSet<>();
    for (RestoreStep s : plan.steps()) {
      if (s instanceof RestoreStep.CreateObject o) {
        for (String sql : o.sql()) {
          String r = ownerRole(sql);
          if (r != null) {
            roles.add(r);
            String schema = objectSchema(sql);
            if (schema != null) {
              schemas.add(schema);
            }
          }
        }
      }
    }
    if (roles.isEmpty()) {
      return plan;
    }
    Target target = target(c, roles, schemas);
    refuseSecurityDefiners(plan, target.unusable());
    // In plan order, as the statements run: a non-superuser may give an object to a role only
    // where that role may create (PostgreSQL checks CREATE on the object's schema), which it may
    // in a schema the plan made its own before, or where the target grants it.
    Map<String, String> schemaOwners = new HashMap<>();
    Map<Refusal, Integer> refused = new LinkedHashMap<>(); // -> how many statements
    List<RestoreStep> steps = new ArrayList<>();
    for (RestoreStep s : plan.steps()) {
      if (!(s instanceof RestoreStep.CreateObject o)) {
        steps.add(s);
        continue;
      }
      List<String> kept = new ArrayList<>();
      Refusal dropped = null;
      for (String sql : o.sql()) {
        String r = ownerRole(sql);
        Refusal why = r == null ? null : target.refusal(r, objectSchema(sql), schemaOwners);
        if (why != null) {
          dropped = why;
          refused.merge(why, 1, Integer::sum);
          continue;
        }
        kept.add(sql);
        Matcher m = r == null ? null : OWNER_TO.matcher(sql);
        if (m != null && m.matches()) {
          Matcher schema = ALTER_SCHEMA.matcher(m.group(1));
          if (schema.matches()) {
            schemaOwners.put(normalize(schema.group(1)), r);
          }
        }
      }
      if (dropped == null) {
        steps.add(s);
      } else if (kept.isEmpty()) {
        steps.add(new RestoreStep.Skipped("ALTER ... OWNER TO", "role \"" + dropped.role() + "\" "
            + dropped.why(), o.line()));
      } else {
        steps.add(new RestoreStep.CreateObject(o.section(), o.kind(), o.name(), o.schema(), o.key(),
            o.dependsOn(), o.line(), kept));
      }
    }
    if (refused.isEmpty()) {
      return plan;
    }
    List<String> warnings = new ArrayList<>(plan.warnings());
    refused.forEach((why, n) -> warnings.add("role \"" + why.role() + "\" " + why.why() + ": the " + n
        + " object(s) it owned " + (why.schema() == null ? "" : "there ") + "in the backup are owned by the"
        + " restoring role (" + (why.schema() == null
            ? "create the role and grant it to the restoring role to keep them"
            : "grant it CREATE on the schema to keep them") + ", or --no-owner)"));
    return new RestorePlan(plan.file(), plan.format(), steps, warnings, plan.fileBytes(), plan.selective());
  }

  /** The kinds whose new owner needs CREATE on the object's schema, and that schema (group 1). */
  private static final Pattern SCHEMA_OBJECT = Pattern.compile("(?is)^(?:TABLE|FOREIGN\\s+TABLE|VIEW"
      + "|MATERIALIZED\\s+VIEW|SEQUENCE|TYPE|DOMAIN|FUNCTION|PROCEDURE|ROUTINE|AGGREGATE"
      + "|OPERATOR(?:\\s+CLASS|\\s+FAMILY)?|COLLATION|CONVERSION|STATISTICS"
      + "|TEXT\\s+SEARCH\\s+(?:CONFIGURATION|DICTIONARY))\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?(" + IDENT
      + ")\\s*\\..*");
  private static final Pattern ALTER_SCHEMA = Pattern.compile("(?is)^SCHEMA\\s+(" + IDENT + ")");

  /**
   * The schema of the object an {@code ALTER ... OWNER TO} statement gives away, where its new
   * owner needs CREATE on it; null for other kinds, unqualified names and other statements.
   */
  static String objectSchema(String sql) {
    Matcher m = OWNER_TO.matcher(sql);
    if (!m.matches()) {
      return null;
    }
    Matcher o = SCHEMA_OBJECT.matcher(m.group(1));
    return o.matches() ? normalize(o.group(1)) : null;
  }

  /**
   * Why owner changes to a role are left out.
   *
   * @param role the role
   * @param schema the schema it may not own objects in, or null when it can own nothing
   * @param why the reason, after the role's name
   */
  record Refusal(String role, String schema, String why) {}

  /**
   * What the target says about the roles a plan names.
   *
   * @param unusable the roles the restoring role cannot give objects to at all, and why
   * @param creates per role that exists, the target's schemas (of those the plan names) it may create in
   * @param superuser whether the restoring role is a superuser (PostgreSQL then checks no CREATE)
   */
  record Target(Map<String, String> unusable, Map<String, Set<String>> creates, boolean superuser) {
    /** Why an owner change to {@code role} of an object in {@code schema} (or null) is left out, or null. */
    Refusal refusal(String role, String schema, Map<String, String> schemaOwners) {
      String why = unusable.get(role);
      if (why != null) {
        return new Refusal(role, null, why);
      }
      if (superuser || schema == null || role.equals(schemaOwners.get(schema))
          || creates.getOrDefault(role, Set.of()).contains(schema)) {
        return null;
      }
      return new Refusal(role, schema, "may not own objects in schema \"" + schema
          + "\" (it has no CREATE on it, and a non-superuser restore gives objects only where their owner may create)");
    }
  }

  /** One query: whether each role exists and can be taken, where it may create, and whether we are a superuser. */
  private static Target target(Connection c, Set<String> names, Set<String> schemas) throws SQLException {
    Map<String, String> unusable = new LinkedHashMap<>();
    Map<String, Set<String>> creates = new HashMap<>();
    boolean superuser = false;
    // PostgreSQL 16 split SET from membership: ALTER ... OWNER TO needs the SET option there; and
    // the restoring role must inherit the role's rights (USAGE) to go on with the objects it gave
    // away (pg_dump's files load a table's rows after its owner is set) and to verify them
    String sql = "SELECT x.name, r.oid IS NOT NULL, r.oid IS NOT NULL AND CASE WHEN"
        + " pg_catalog.current_setting('server_version_num')::int >= 160000"
        + " THEN pg_catalog.pg_has_role(r.oid, 'SET') ELSE pg_catalog.pg_has_role(r.oid, 'MEMBER') END"
        + " AND pg_catalog.pg_has_role(r.oid, 'USAGE'),"
        + " ARRAY(SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE r.oid IS NOT NULL"
        + " AND n.nspname = ANY (?::text[]) AND pg_catalog.has_schema_privilege(r.oid, n.oid, 'CREATE')),"
        + " (SELECT s.rolsuper FROM pg_catalog.pg_roles s WHERE s.rolname = CURRENT_USER)"
        + " FROM pg_catalog.unnest(?::text[]) AS x(name)"
        + " LEFT JOIN pg_catalog.pg_roles r ON r.rolname = x.name ORDER BY 1";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
      ps.setArray(2, c.createArrayOf("text", names.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String role = rs.getString(1);
          if (!rs.getBoolean(2)) {
            unusable.put(role, MISSING);
          } else if (!rs.getBoolean(3)) {
            unusable.put(role, "cannot be taken by the restoring role (it needs SET ROLE to it and"
                + " to inherit its rights)");
          } else {
            creates.put(role, Set.of((String[]) rs.getArray(4).getArray()));
          }
          superuser = rs.getBoolean(5);
        }
      }
    }
    return new Target(unusable, creates, superuser);
  }

  /**
   * Refuses a SECURITY DEFINER function whose owner change names a role {@link #MISSING} from the
   * target, matching each function with its owner change by its identity (schema, name, argument
   * types), so that an overload's owner is no other's.
   */
  static void refuseSecurityDefiners(RestorePlan plan, Map<String, String> unusable) {
    Map<String, String> definers = new LinkedHashMap<>(); // identity -> name as written, with its arguments
    Map<String, String> owners = new LinkedHashMap<>(); // identity -> role
    for (RestoreStep s : plan.steps()) {
      if (!(s instanceof RestoreStep.CreateObject o)) {
        continue;
      }
      for (String sql : o.sql()) {
        Matcher m = ROUTINE.matcher(sql);
        if (!m.matches()) {
          continue;
        }
        String role = ownerRole(sql);
        if (role != null) {
          owners.put(normalize(m.group(1)) + argumentTypes(sql, m.end(1)), role);
        } else if (sql.stripLeading().regionMatches(true, 0, "CREATE", 0, 6)) {
          Matcher body = BODY.matcher(sql);
          String header = body.find() ? sql.substring(0, body.start()) : sql;
          if (SECURITY_DEFINER.matcher(header).find()) {
            String args = entryArgumentTypes(o).orElseGet(() -> argumentTypes(sql, m.end(1)));
            definers.put(normalize(m.group(1)) + args, m.group(1) + args);
          }
        }
      }
    }
    definers.forEach((identity, written) -> {
      String role = owners.get(identity);
      // a role that exists but that the restoring role cannot take (a hosted restore as the
      // database's owner) only warns: the function then runs as that owner, no superuser
      if (role != null && MISSING.equals(unusable.get(role))) {
        throw new PaperclipException(ErrorCode.RESTORE, "function " + written + " is SECURITY DEFINER and"
            + " owned by role \"" + role + "\", which " + unusable.get(role) + ": it would run as the"
            + " restoring role; create the role (and grant it to the restoring role), or restore with --no-owner");
      }
    });
  }

  /**
   * The argument types of the routine entry {@code o} as its name records them ({@code f(x integer)}
   * in our files, {@code f(integer)} in pg_dump's), or empty for an entry that names no signature.
   */
  private static java.util.Optional<String> entryArgumentTypes(RestoreStep.CreateObject o) {
    int open = o.name().indexOf('(');
    boolean routine = o.kind().equals("FUNCTION") || o.kind().equals("PROCEDURE");
    if (!routine || open < 0 || !o.name().endsWith(")")) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(argumentTypes(o.name(), open));
  }

  /**
   * The identity of the argument list that starts at or after {@code from} in {@code sql} (its
   * first parenthesis) as {@code (type,type)}: the input arguments' types only, without names,
   * modes, defaults or OUT arguments, unquoted parts folded to lower case and {@code pg_catalog.}
   * left out, so that a CREATE's header, pg_dump's and {@code pg_identify_object}'s signatures of
   * one function agree and its overloads differ.
   */
  static String argumentTypes(String sql, int from) {
    List<String> tokens = new ArrayList<>();
    Matcher t = TOKEN.matcher(sql);
    int open = sql.indexOf('(', from);
    if (open < 0) {
      return "()";
    }
    int depth = 0;
    for (t.region(open, sql.length()); t.find();) {
      String tok = t.group();
      if (tok.equals("(") || tok.equals("[")) {
        depth++;
      } else if (tok.equals(")") || tok.equals("]")) {
        depth--;
      }
      if (depth == 0) {
        break;
      }
      tokens.add(tok);
    }
    List<String> types = new ArrayList<>();
    List<String> arg = new ArrayList<>();
    depth = 0;
    for (String tok : tokens.subList(Math.min(1, tokens.size()), tokens.size())) {
      if (tok.equals("(") || tok.equals("[")) {
        depth++;
      } else if (tok.equals(")") || tok.equals("]")) {
        depth--;
      }
      if (depth == 0 && tok.equals(",")) {
        addType(types, arg);
        arg.clear();
      } else {
        arg.add(tok);
      }
    }
    addType(types, arg);
    return "(" + String.join(",", types) + ")";
  }

  /** Identifiers, string literals, and any other character alone (blanks skipped). */
  private static final Pattern TOKEN = Pattern.compile("\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'|[\\p{L}\\p{N}_$]+|\\S");
  private static final java.util.Set<String> MODES = java.util.Set.of("in", "out", "inout", "variadic");

  /** Adds the type of one argument ({@code [mode] [name] type [DEFAULT expr]}), none for an OUT one. */
  private static void addType(List<String> types, List<String> arg) {
    List<String> a = new ArrayList<>();
    for (String tok : arg) {
      if (tok.equals("=") || tok.equalsIgnoreCase("default")) {
        break;
      }
      a.add(tok);
    }
    if (a.isEmpty()) {
      return;
    }
    if (a.size() > 1 && MODES.contains(a.get(0).toLowerCase(Locale.ROOT))) {
      if (a.get(0).equalsIgnoreCase("out")) {
        return;
      }
      a.remove(0);
    }
    if (a.size() > 1 && isName(a.get(1)) && !typeStartsWith(a.get(0), a.get(1))) {
      a.remove(0); // the argument's name
    }
    StringBuilder type = new StringBuilder();
    String prev = null;
    for (String tok : a) {
      if (prev != null && isName(prev) && isName(tok)) {
        type.append(' ');
      }
      type.append(tok.startsWith("\"") ? tok.substring(1, tok.length() - 1).replace("\"\"", "\"")
          : tok.toLowerCase(Locale.ROOT));
      prev = tok;
    }
    String out = type.toString();
    types.add(out.startsWith("pg_catalog.") ? out.substring("pg_catalog.".length()) : out);
  }

  private static boolean isName(String tok) {
    return tok.startsWith("\"") || Character.isLetterOrDigit(tok.codePointAt(0)) || tok.charAt(0) == '_';
  }

  /** Whether two words start one of SQL's type names of several words ({@code double precision}). */
  private static boolean typeStartsWith(String first, String second) {
    if (first.startsWith("\"") || second.startsWith("\"")) {
      return false;
    }
    String a = first.toLowerCase(Locale.ROOT);
    String b = second.toLowerCase(Locale.ROOT);
    return switch (a) {
      case "double" -> b.equals("precision");
      case "character", "char", "bit" -> b.equals("varying");
      case "national" -> b.equals("character") || b.equals("char");
      case "time", "timestamp" -> b.equals("with") || b.equals("without");
      case "interval" -> java.util.Set.of("year", "month", "day", "hour", "minute", "second").contains(b);
      default -> false;
    };
  }

  /** {@code "S".f} and {@code s."f"} alike: unquoted parts folded to lower case. */
  private static String normalize(String qualified) {
    StringBuilder out = new StringBuilder();
    Matcher m = Pattern.compile(IDENT).matcher(qualified);
    while (m.find()) {
      String p = m.group();
      out.append(out.length() > 0 ? "." : "").append(p.startsWith("\"")
          ? p.substring(1, p.length() - 1).replace("\"\"", "\"") : p.toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }
}
