package ing.paperclip.db.core.embedded.internal;

import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Gives an embedded cluster its runtime role: a login role that is not a superuser, owns the
 * application database and everything in it, and may create (plugin) roles on PostgreSQL 16 and
 * later, where a role with CREATEROLE manages only the roles it created. On 15 and earlier
 * CREATEROLE could grant itself {@code pg_execute_server_program}, so it is withheld there.
 *
 * <p>Also moves data directories of earlier versions, where everything belonged to the superuser,
 * over to the runtime role. Every step is idempotent: a start interrupted half-way finishes the
 * job next time. Passwords are sent as SCRAM verifiers computed here, so they never appear in SQL
 * text or the server log.
 */
public final class RoleSetup {
  private RoleSetup() {}

  /**
   * Creates the runtime role or corrects its attributes; runs as the superuser on any database.
   *
   * @return whether anything changed
   */
  public static boolean ensureRuntimeRole(Connection admin, String role, String password, int major)
      throws SQLException {
    boolean changed = false;
    String q = SqlIdentifiers.quote(role);
    String attrs = "LOGIN NOSUPERUSER NOCREATEDB NOREPLICATION NOBYPASSRLS INHERIT "
        + (major >= 16 ? "CREATEROLE" : "NOCREATEROLE");
    try (Statement s = admin.createStatement()) {
      Boolean[] now = attributes(admin, role);
      if (now == null) {
        s.execute("CREATE ROLE " + q + " " + attrs);
        setPassword(admin, role, password);
        changed = true;
      } else if (now[0] || now[1] != (major >= 16)) {
        s.execute("ALTER ROLE " + q + " " + attrs);
        changed = true;
      }
      if (major >= 16 && !hasSetting(admin, role, "createrole_self_grant=set, inherit")) {
        // Roles it creates (one per plugin) become roles it may SET ROLE to and whose objects it
        // can read, as backups must.
        s.execute("ALTER ROLE " + q + " SET createrole_self_grant = 'set, inherit'");
        changed = true;
      }
    }
    return changed;
  }

  private static boolean hasSetting(Connection c, String role, String setting) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_db_role_setting s "
        + "JOIN pg_catalog.pg_roles r ON r.oid = s.setrole WHERE s.setdatabase = 0 AND r.rolname = ? AND ? = ANY (s.setconfig)")) {
      ps.setString(1, role);
      ps.setString(2, setting);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Sets a role's password as a SCRAM verifier computed on this side. */
  public static void setPassword(Connection admin, String role, String password) throws SQLException {
    admin.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
  }

  /** Returns {rolsuper, rolcreaterole} or null when the role does not exist. */
  private static Boolean[] attributes(Connection c, String role) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT rolsuper, rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Boolean[] {rs.getBoolean(1), rs.getBoolean(2)} : null;
      }
    }
  }

  /**
   * Makes the runtime role the owner of the database, creating it when missing; runs as the
   * superuser on another database of the cluster.
   *
   * @return "created", "transferred" or "" (already right)
   */
  public static String ensureDatabase(Connection admin, String database, String role) throws SQLException {
    String owner = null;
    try (PreparedStatement ps = admin.prepareStatement("SELECT pg_catalog.pg_get_userbyid(datdba) "
        + "FROM pg_catalog.pg_database WHERE datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          owner = rs.getString(1);
        }
      }
    }
    try (Statement s = admin.createStatement()) {
      if (owner == null) {
        try {
          s.execute("CREATE DATABASE " + SqlIdentifiers.quote(database) + " OWNER " + SqlIdentifiers.quote(role)
              + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
          return "created";
        } catch (SQLException e) {
          if (!"42P04".equals(e.getSQLState())) {
            throw e;
          }
          return ensureDatabase(admin, database, role);
        }
      }
      if (!owner.equals(role)) {
        s.execute("ALTER DATABASE " + SqlIdentifiers.quote(database) + " OWNER TO " + SqlIdentifiers.quote(role));
        return "transferred";
      }
    }
    return "";
  }

  /**
   * Hands what the superuser owns in the current database over to the runtime role: schemas,
   * relations (a table's own sequences follow it), routines, types and domains, and trusted
   * extensions (which the runtime role could have created itself; their member objects stay with
   * the bootstrap superuser, as for any trusted extension). Objects of the system schemas and of
   * extensions are left alone. Runs as the superuser connected to the application database.
   *
   * @return how many objects changed owner
   */
  public static int transferOwnership(Connection admin, String fromRole, String toRole) throws SQLException {
    String to = SqlIdentifiers.quote(toRole);
    String userNs = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";
    String notExtensionMember = "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = o.oid "
        + "AND d.classid = '%s'::regclass AND d.deptype = 'e')";
    List<String> ddl = new ArrayList<>();
    // schemas
    collect(admin, "SELECT 'ALTER SCHEMA ' || pg_catalog.quote_ident(o.nspname) || ' OWNER TO ' FROM pg_catalog.pg_namespace o, "
        + "pg_catalog.pg_namespace n WHERE n.oid = o.oid AND " + userNs + " AND o.nspowner = pg_catalog.to_regrole(?) AND "
        + notExtensionMember.formatted("pg_namespace"), fromRole, ddl);
    // relations, except sequences that belong to a column (they follow their table)
    collect(admin, "SELECT 'ALTER TABLE ' || o.oid::regclass::text || ' OWNER TO ' FROM pg_catalog.pg_class o "
        + "JOIN pg_catalog.pg_namespace n ON n.oid = o.relnamespace WHERE " + userNs
        + " AND o.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND o.relowner = pg_catalog.to_regrole(?) AND "
        + notExtensionMember.formatted("pg_class") + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend a "
        + "WHERE a.classid = 'pg_class'::regclass AND a.objid = o.oid AND a.refclassid = 'pg_class'::regclass "
        + "AND a.deptype IN ('a', 'i') AND o.relkind = 'S') ORDER BY o.relkind <> 'r', o.oid", fromRole, ddl);
    collect(admin, "SELECT 'ALTER ROUTINE ' || o.oid::regprocedure::text || ' OWNER TO ' FROM pg_catalog.pg_proc o "
        + "JOIN pg_catalog.pg_namespace n ON n.oid = o.pronamespace WHERE " + userNs
        + " AND o.proowner = pg_catalog.to_regrole(?) AND " + notExtensionMember.formatted("pg_proc"), fromRole, ddl);
    // enums, ranges, standalone composites, domains (array and multirange types follow)
    collect(admin, "SELECT CASE WHEN o.typtype = 'd' THEN 'ALTER DOMAIN ' ELSE 'ALTER TYPE ' END || o.oid::regtype::text "
        + "|| ' OWNER TO ' FROM pg_catalog.pg_type o JOIN pg_catalog.pg_namespace n ON n.oid = o.typnamespace WHERE "
        + userNs + " AND o.typowner = pg_catalog.to_regrole(?) AND (o.typtype IN ('e', 'r', 'd') OR (o.typtype = 'c' "
        + "AND (SELECT relkind FROM pg_catalog.pg_class WHERE oid = o.typrelid) = 'c')) AND "
        + notExtensionMember.formatted("pg_type"), fromRole, ddl);
    int n = 0;
    try (Statement s = admin.createStatement()) {
      for (String d : ddl) {
        s.execute(d + to);
        n++;
      }
    }
    return n + transferTrustedExtensions(admin, fromRole, toRole);
  }

  /**
   * PostgreSQL has no {@code ALTER EXTENSION ... OWNER TO}; {@code CREATE EXTENSION} by the owner
   * of a database records exactly this for a trusted extension (owner row plus the shared
   * dependency that keeps the role from being dropped), so do the same for the ones the
   * superuser created before the runtime role existed.
   */
  private static int transferTrustedExtensions(Connection admin, String fromRole, String toRole) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("WITH moved AS (UPDATE pg_catalog.pg_extension e "
        + "SET extowner = pg_catalog.to_regrole(?) WHERE e.extowner = pg_catalog.to_regrole(?) AND EXISTS (SELECT 1 "
        + "FROM pg_catalog.pg_available_extension_versions v WHERE v.name = e.extname AND v.version = e.extversion "
        + "AND v.trusted) RETURNING e.oid), "
        // a previous owner that is not the bootstrap superuser has its own dependency row
        + "dropped AS (DELETE FROM pg_catalog.pg_shdepend d USING moved WHERE d.classid = 'pg_extension'::regclass "
        + "AND d.objid = moved.oid AND d.deptype = 'o' AND d.dbid = (SELECT oid FROM pg_catalog.pg_database "
        + "WHERE datname = pg_catalog.current_database())) INSERT INTO pg_catalog.pg_shdepend "
        + "SELECT (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()), "
        + "'pg_extension'::regclass, moved.oid, 0, 'pg_authid'::regclass, pg_catalog.to_regrole(?), 'o' FROM moved")) {
      ps.setString(1, SqlIdentifiers.quote(toRole));
      ps.setString(2, SqlIdentifiers.quote(fromRole));
      ps.setString(3, SqlIdentifiers.quote(toRole));
      return ps.executeUpdate();
    }
  }

  /**
   * Makes the runtime role a member of the roles that own schemas of the current database (plugin
   * roles the superuser created before the runtime role existed), as if it had created them:
   * able to SET ROLE to them and to read their objects for backups.
   */
  public static void grantMemberships(Connection admin, String adminRole, String runtimeRole, int major)
      throws SQLException {
    List<String> roles = new ArrayList<>();
    try (PreparedStatement ps = admin.prepareStatement("SELECT DISTINCT r.rolname FROM pg_catalog.pg_namespace n "
        + "JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner WHERE NOT r.rolsuper AND r.rolname NOT IN (?, ?) "
        + "AND r.rolname NOT LIKE 'pg\\_%' AND r.rolname <> 'pg_database_owner' ORDER BY 1")) {
      ps.setString(1, adminRole);
      ps.setString(2, runtimeRole);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          roles.add(rs.getString(1));
        }
      }
    }
    try (Statement s = admin.createStatement()) {
      for (String r : roles) {
        s.execute("GRANT " + SqlIdentifiers.quote(r) + " TO " + SqlIdentifiers.quote(runtimeRole)
            + (major >= 16 ? " WITH ADMIN TRUE, INHERIT TRUE, SET TRUE" : ""));
      }
    }
  }

  private static void collect(Connection c, String sql, String role, List<String> out) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, SqlIdentifiers.quote(role));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
  }
}
