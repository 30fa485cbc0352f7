package ing.paperclip.db.backup.restore;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ownership on the target, like pg_restore without {@code --no-owner}: a plan's
 * {@code ALTER ... OWNER TO} statements run where the role exists on the target and the restoring
 * role may become it ({@code SET ROLE}); the others are left out, with one warning per role, and
 * their objects stay the restoring role's. A {@code SECURITY DEFINER} function whose owner does
 * not exist on the target is refused: it would run as the restoring role (often a superuser);
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

  private static final String MISSING = "does not exist on the target";

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
   * role they name.
   *
   * @throws PaperclipException {@link ErrorCode#RESTORE} for a SECURITY DEFINER function whose
   *     owner does not exist on the target
   */
  static RestorePlan apply(RestorePlan plan, Connection c) throws SQLException {
    Map<String, Integer> roles = new TreeMap<>();
    for (RestoreStep s : plan.steps()) {
      if (s instanceof RestoreStep.CreateObject o) {
        for (String sql : o.sql()) {
          String r = ownerRole(sql);
          if (r != null) {
            roles.merge(r, 1, Integer::sum);
          }
        }
      }
    }
    if (roles.isEmpty()) {
      return plan;
    }
    Map<String, String> unusable = unusable(c, roles.keySet());
    if (unusable.isEmpty()) {
      return plan;
    }
    refuseSecurityDefiners(plan, unusable);
    List<RestoreStep> steps = new ArrayList<>();
    for (RestoreStep s : plan.steps()) {
      if (!(s instanceof RestoreStep.CreateObject o)) {
        steps.add(s);
        continue;
      }
      List<String> kept = new ArrayList<>();
      String dropped = null;
      for (String sql : o.sql()) {
        String r = ownerRole(sql);
        if (r != null && unusable.containsKey(r)) {
          dropped = r;
        } else {
          kept.add(sql);
        }
      }
      if (dropped == null) {
        steps.add(s);
      } else if (kept.isEmpty()) {
        steps.add(new RestoreStep.Skipped("ALTER ... OWNER TO", "role \"" + dropped + "\" "
            + unusable.get(dropped), o.line()));
      } else {
        steps.add(new RestoreStep.CreateObject(o.section(), o.kind(), o.name(), o.schema(), o.key(),
            o.dependsOn(), o.line(), kept));
      }
    }
    List<String> warnings = new ArrayList<>(plan.warnings());
    unusable.forEach((role, why) -> warnings.add("role \"" + role + "\" " + why + ": the "
        + roles.get(role) + " object(s) it owned in the backup are owned by the restoring role"
        + " (create the role and grant it to the restoring role to keep them, or --no-owner)"));
    return new RestorePlan(plan.file(), plan.format(), steps, warnings, plan.fileBytes(), plan.selective());
  }

  /** The roles of {@code names} the restoring role cannot give objects to, and why. */
  private static Map<String, String> unusable(Connection c, java.util.Collection<String> names)
      throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    // PostgreSQL 16 split SET from membership: ALTER ... OWNER TO needs the SET option there
    String sql = "SELECT x.name, r.oid IS NOT NULL, r.oid IS NOT NULL AND CASE WHEN"
        + " pg_catalog.current_setting('server_version_num')::int >= 160000"
        + " THEN pg_catalog.pg_has_role(r.oid, 'SET') ELSE pg_catalog.pg_has_role(r.oid, 'MEMBER') END"
        + " FROM pg_catalog.unnest(?::text[]) AS x(name)"
        + " LEFT JOIN pg_catalog.pg_roles r ON r.rolname = x.name ORDER BY 1";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Array a = c.createArrayOf("text", names.toArray());
      ps.setArray(1, a);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!rs.getBoolean(2)) {
            out.put(rs.getString(1), MISSING);
          } else if (!rs.getBoolean(3)) {
            out.put(rs.getString(1), "cannot be taken by the restoring role (no SET ROLE to it)");
          }
        }
      }
    }
    return out;
  }

  private static void refuseSecurityDefiners(RestorePlan plan, Map<String, String> unusable) {
    Map<String, String> definers = new LinkedHashMap<>(); // normalized name -> name as written
    Map<String, String> owners = new LinkedHashMap<>();
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
          owners.put(normalize(m.group(1)), role);
        } else if (sql.stripLeading().regionMatches(true, 0, "CREATE", 0, 6)) {
          Matcher body = BODY.matcher(sql);
          String header = body.find() ? sql.substring(0, body.start()) : sql;
          if (SECURITY_DEFINER.matcher(header).find()) {
            definers.put(normalize(m.group(1)), m.group(1));
          }
        }
      }
    }
    definers.forEach((name, written) -> {
      String role = owners.get(name);
      // a role that exists but that the restoring role cannot take (a hosted restore as the
      // database's owner) only warns: the function then runs as that owner, no superuser
      if (role != null && MISSING.equals(unusable.get(role))) {
        throw new PaperclipException(ErrorCode.RESTORE, "function " + written + " is SECURITY DEFINER and"
            + " owned by role \"" + role + "\", which " + unusable.get(role) + ": it would run as the"
            + " restoring role; create the role (and grant it to the restoring role), or restore with --no-owner");
      }
    });
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
