package ing.paperclip.db.plugins;

import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Role DDL for plugin login roles, on the role-admin connection (a superuser, or a role with
 * CREATEROLE that owns the database). Every method runs in the caller's transaction.
 */
final class PluginRoles {
  private static final Logger LOG = LoggerFactory.getLogger(PluginRoles.class);

  private PluginRoles() {}

  /**
   * Creates or corrects a plugin's login role, password, schema ownership and grants, takes
   * TEMPORARY on the database and CREATE on {@code public} from PUBLIC (granting them to the core
   * users first), then checks the result.
   *
   * @param coreUsers roles that keep TEMPORARY and CREATE on public (the migration and admin users);
   *     those that are not superusers become members of the plugin role
   * @param createSchema whether to create the schema (first install) rather than repair its owner
   * @throws PluginException when the role would not be contained, naming what is wrong
   */
  static void ensure(Connection a, String schema, String role, String password, int connectionLimit,
      Collection<String> coreUsers, boolean createSchema) throws SQLException {
    String r = SqlIdentifiers.quote(role);
    String database = scalarText(a, "SELECT current_database()");
    String db = SqlIdentifiers.quote(database);
    boolean adminIsSuper = scalarBool(a, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    try (Statement s = a.createStatement()) {
      if (!exists(a, role)) {
        s.execute("CREATE ROLE " + r + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS "
            + "CONNECTION LIMIT " + connectionLimit);
      } else {
        // Name only the attributes that are wrong: PostgreSQL 16 lets a CREATEROLE admin name CREATEDB,
        // REPLICATION, BYPASSRLS or SUPERUSER at all only if it holds them itself.
        List<String> fix = new ArrayList<>();
        try (PreparedStatement ps = a.prepareStatement("SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit, "
            + "rolreplication, rolbypassrls, rolconnlimit FROM pg_roles WHERE rolname = ?")) {
          ps.setString(1, role);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            String[] wrongIfTrue = {null, "NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE", "NOINHERIT", "NOREPLICATION", "NOBYPASSRLS"};
            if (!rs.getBoolean(1)) {
              fix.add("LOGIN");
            }
            for (int i = 2; i <= 7; i++) {
              if (rs.getBoolean(i)) {
                fix.add(wrongIfTrue[i - 1]);
              }
            }
            if (rs.getInt(8) != connectionLimit) {
              fix.add("CONNECTION LIMIT " + connectionLimit);
            }
          }
        }
        if (!fix.isEmpty()) {
          s.execute("ALTER ROLE " + r + " " + String.join(" ", fix));
        }
        // NOINHERIT still allows SET ROLE to a granted role: the plugin role is a member of nothing.
        for (String granted : texts(a, "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            + "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ?", role)) {
          s.execute("REVOKE " + SqlIdentifiers.quote(granted) + " FROM " + r);
        }
      }
      setPassword(a, role, password);
      // Settings the role gave itself (ALTER ROLE CURRENT_USER SET ...) go; connections set their own.
      s.execute("ALTER ROLE " + r + " RESET ALL");
      s.execute("ALTER ROLE " + r + " IN DATABASE " + db + " RESET ALL");
      if (!adminIsSuper) {
        // ALTER ... OWNER TO and CREATE SCHEMA AUTHORIZATION need the admin to be able to act as the role.
        s.execute("GRANT " + r + " TO CURRENT_USER");
      }
      s.execute("GRANT CONNECT ON DATABASE " + db + " TO " + r);
      s.execute("REVOKE CREATE, TEMPORARY ON DATABASE " + db + " FROM " + r);
      Set<String> keep = new LinkedHashSet<>();
      for (String u : coreUsers) {
        if (!scalarBool(a, "SELECT rolsuper FROM pg_roles WHERE rolname = " + SqlIdentifiers.literal(u))) {
          keep.add(SqlIdentifiers.quote(u));
        }
      }
      // A non-superuser core user (the embedded server's runtime role) must read the plugin schema
      // for backups and own what a restore recreates in it: it becomes a member of the plugin role,
      // never the other way round (the plugin role stays a member of nothing).
      for (String u : keep) {
        s.execute("GRANT " + r + " TO " + u);
      }
      if (scalarBool(a, "SELECT has_database_privilege('public', current_database(), 'TEMPORARY')")) {
        attempt(a, s, keep.isEmpty() ? null : "GRANT TEMPORARY ON DATABASE " + db + " TO " + String.join(", ", keep),
            "REVOKE TEMPORARY ON DATABASE " + db + " FROM PUBLIC");
      }
      if (scalarBool(a, "SELECT has_database_privilege('public', current_database(), 'CREATE')")) {
        attempt(a, s, keep.isEmpty() ? null : "GRANT CREATE ON DATABASE " + db + " TO " + String.join(", ", keep),
            "REVOKE CREATE ON DATABASE " + db + " FROM PUBLIC");
      }
      if (scalarBool(a, "SELECT has_schema_privilege('public', 'public', 'CREATE')")) {
        attempt(a, s, keep.isEmpty() ? null : "GRANT CREATE ON SCHEMA public TO " + String.join(", ", keep),
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
      }
      String sch = SqlIdentifiers.quote(schema);
      if (createSchema) {
        s.execute("CREATE SCHEMA " + sch + " AUTHORIZATION " + r);
      } else {
        giveBack(a, s, schema, role);
      }
      s.execute("REVOKE ALL ON SCHEMA " + sch + " FROM PUBLIC");
      s.execute("GRANT USAGE ON SCHEMA public TO " + r);
      for (String table : CoreReadAccess.TABLES) {
        List<String> columns = texts(a, "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ? "
            + "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", table);
        if (columns.isEmpty()) {
          continue; // an older core schema without this table
        }
        String t = SqlIdentifiers.qualified("public", table);
        s.execute("REVOKE ALL ON " + t + " FROM " + r);
        List<String> visible = new ArrayList<>();
        for (String c : columns) {
          if (!CoreReadAccess.HIDDEN_COLUMNS.get(table).contains(c)) {
            visible.add(SqlIdentifiers.quote(c));
          }
        }
        s.execute("GRANT SELECT (" + String.join(", ", visible) + ") ON " + t + " TO " + r);
      }
    }
    verify(a, schema, role);
  }

  /** Runs {@code grant} then {@code revoke} under a savepoint; a refusal is left for {@link #verify} to report. */
  private static void attempt(Connection a, Statement s, String grant, String revoke) throws SQLException {
    Savepoint sp = a.setSavepoint();
    try {
      if (grant != null) {
        s.execute(grant);
      }
      s.execute(revoke);
      a.releaseSavepoint(sp);
      LOG.info("{} (plugin roles must not create temporary or public objects)", revoke);
    } catch (SQLException e) {
      a.rollback(sp);
      LOG.warn("could not {}: {}", revoke, e.getMessage());
    }
  }

  /** Makes the role own its schema and everything in it again (after a restore as another role). */
  private static void giveBack(Connection a, Statement s, String schema, String role) throws SQLException {
    String r = SqlIdentifiers.quote(role);
    String sch = SqlIdentifiers.quote(schema);
    s.execute("ALTER SCHEMA " + sch + " OWNER TO " + r);
    for (String rel : texts(a, "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = '"
        + role.replace("'", "''") + "') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i') "
        + "AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass)", schema)) {
      s.execute("ALTER TABLE " + rel + " OWNER TO " + r);
    }
    for (String type : texts(a, "SELECT t.oid::regtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        + "LEFT JOIN pg_class c ON c.oid = t.typrelid WHERE n.nspname = ? AND (t.typtype IN ('e', 'r', 'd') "
        + "OR (t.typtype = 'c' AND c.relkind = 'c'))", schema)) {
      s.execute("ALTER TYPE " + type + " OWNER TO " + r);
    }
    for (String fn : texts(a, "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        + "WHERE n.nspname = ?", schema)) {
      s.execute("ALTER ROUTINE " + fn + " OWNER TO " + r);
    }
  }

  /** Sets the password as a SCRAM verifier computed here, so no statement text carries it. */
  static void setPassword(Connection a, String role, String password) throws SQLException {
    char[] pw = password.toCharArray();
    try {
      a.unwrap(PGConnection.class).alterUserPassword(role, pw, "scram-sha-256");
    } finally {
      java.util.Arrays.fill(pw, '\0');
    }
  }

  /**
   * Checks, by asking the server, that the role can do nothing outside its schema but read the
   * granted columns.
   *
   * @throws PluginException listing every privilege it should not have
   */
  static void verify(Connection a, String schema, String role) throws SQLException {
    List<String> wrong = new ArrayList<>();
    try (PreparedStatement ps = a.prepareStatement("SELECT rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolreplication, "
        + "rolbypassrls, NOT rolcanlogin FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String[] names = {"SUPERUSER", "CREATEDB", "CREATEROLE", "INHERIT", "REPLICATION", "BYPASSRLS", "NOLOGIN"};
        for (int i = 0; i < names.length; i++) {
          if (rs.getBoolean(i + 1)) {
            wrong.add("has " + names[i]);
          }
        }
      }
    }
    wrong.addAll(texts(a, "SELECT 'is a member of ' || g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        + "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ?", role));
    wrong.addAll(texts(a, "SELECT p FROM unnest(ARRAY['CREATE', 'TEMPORARY']) p "
        + "WHERE has_database_privilege(?, current_database(), p)", role).stream().map(p -> "may " + p + " on the database "
        + "(REVOKE " + p + " ON DATABASE ... FROM PUBLIC as its owner)").toList());
    wrong.addAll(texts(a, "SELECT 'may CREATE in schema ' || n.nspname FROM pg_namespace n WHERE n.nspname <> ? "
        + "AND has_schema_privilege(?, n.oid, 'CREATE')", schema, role));
    wrong.addAll(texts(a, "SELECT 'may write ' || c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname <> ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
        + "AND has_table_privilege(?, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')", schema, role));
    List<String> readable = new ArrayList<>();
    for (String t : CoreReadAccess.TABLES) {
      readable.add(t);
    }
    wrong.addAll(texts(a, "SELECT 'may read ' || c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname <> ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
        + "AND NOT (n.nspname = 'public' AND c.relname = ANY (?)) AND has_table_privilege(?, c.oid, 'SELECT')",
        schema, readable.toArray(new String[0]), role));
    for (var e : CoreReadAccess.HIDDEN_COLUMNS.entrySet()) {
      for (String col : e.getValue()) {
        wrong.addAll(texts(a, "SELECT 'may read public.' || c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c "
            + "ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ? "
            + "AND a.attname = ? AND has_column_privilege(?, c.oid, a.attnum, 'SELECT')", e.getKey(), col, role));
      }
    }
    if (!wrong.isEmpty()) {
      throw new PluginException("plugin role " + role + " would not be contained: " + String.join("; ", wrong)
          + "; fix these grants (see docs/PLUGINS.md, 'The boundary') and run the migration again");
    }
  }

  /**
   * Takes every privilege on {@code public} and its tables from plugin roles that do not belong to
   * this database's namespaces: a restore into another database of the same server brings back
   * grants to the source database's plugin roles, which exist there.
   *
   * @param keep this database's plugin roles
   * @return the roles whose privileges were revoked
   */
  static List<String> revokeForeign(Connection a, Collection<String> keep) throws SQLException {
    List<String> foreign = new ArrayList<>();
    String pattern = "^plugin_.*_([0-9a-f]{8}|owner)$";
    for (String name : texts(a, "SELECT DISTINCT r.rolname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "CROSS JOIN LATERAL aclexplode(c.relacl) x JOIN pg_roles r ON r.oid = x.grantee WHERE n.nspname = 'public' AND r.rolname ~ ? "
        + "UNION SELECT DISTINCT r.rolname FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid JOIN pg_namespace n "
        + "ON n.oid = c.relnamespace CROSS JOIN LATERAL aclexplode(t.attacl) x JOIN pg_roles r ON r.oid = x.grantee "
        + "WHERE n.nspname = 'public' AND r.rolname ~ ? "
        + "UNION SELECT DISTINCT r.rolname FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) x JOIN pg_roles r "
        + "ON r.oid = x.grantee WHERE n.nspname = 'public' AND r.rolname ~ ?", pattern, pattern, pattern)) {
      if (keep.contains(name)) {
        continue;
      }
      String r = SqlIdentifiers.quote(name);
      try (Statement s = a.createStatement()) {
        // Only where the role holds something: a REVOKE on an object with the default ACL (NULL) stores
        // that default explicitly, so revoking everywhere gave every other table explicit owner grants.
        for (String table : texts(a, "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND (EXISTS (SELECT 1 FROM "
            + "aclexplode(c.relacl) x JOIN pg_roles g ON g.oid = x.grantee WHERE g.rolname = ?) OR EXISTS (SELECT 1 FROM "
            + "pg_attribute t CROSS JOIN LATERAL aclexplode(t.attacl) x JOIN pg_roles g ON g.oid = x.grantee "
            + "WHERE t.attrelid = c.oid AND g.rolname = ?))", name, name)) {
          s.execute("REVOKE ALL ON " + table + " FROM " + r);
        }
        if (!texts(a, "SELECT 1 FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) x JOIN pg_roles g "
            + "ON g.oid = x.grantee WHERE n.nspname = 'public' AND g.rolname = ?", name).isEmpty()) {
          s.execute("REVOKE ALL ON SCHEMA public FROM " + r);
        }
      }
      foreign.add(name);
      LOG.info("revoked the privileges of {}, a plugin role of another database, on schema public", name);
    }
    return foreign;
  }

  /** Drops a plugin's schema and, unless it owns objects elsewhere, its role. */
  static void drop(Connection a, String schema, String role) throws SQLException {
    String r = SqlIdentifiers.quote(role);
    try (Statement s = a.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + SqlIdentifiers.quote(schema) + " CASCADE");
      if (!exists(a, role)) {
        return;
      }
      s.execute("ALTER ROLE " + r + " NOLOGIN");
      Savepoint sp = a.setSavepoint();
      try {
        s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = " + SqlIdentifiers.literal(role));
        a.releaseSavepoint(sp);
      } catch (SQLException e) {
        a.rollback(sp); // its sessions end on their own; they can no longer log in
      }
      s.execute("DROP OWNED BY " + r);
      s.execute("REVOKE ALL ON DATABASE " + SqlIdentifiers.quote(scalarText(a, "SELECT current_database()")) + " FROM " + r);
      sp = a.setSavepoint();
      try {
        s.execute("DROP ROLE " + r);
        a.releaseSavepoint(sp);
      } catch (SQLException e) {
        a.rollback(sp); // it still owns objects in another database: keep it, without login
        LOG.warn("kept role {} without LOGIN: {}", role, e.getMessage());
      }
    }
  }

  static boolean exists(Connection a, String role) throws SQLException {
    return !texts(a, "SELECT rolname FROM pg_roles WHERE rolname = ?", role).isEmpty();
  }

  static List<String> texts(Connection c, String sql, Object... args) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        if (args[i] instanceof String[] arr) {
          ps.setArray(i + 1, c.createArrayOf("text", arr));
        } else {
          ps.setObject(i + 1, args[i]);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  static String scalarText(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static boolean scalarBool(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() && rs.getBoolean(1);
    }
  }
}
