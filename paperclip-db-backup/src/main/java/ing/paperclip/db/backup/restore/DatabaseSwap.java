package ing.paperclip.db.backup.restore;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parallel {@code --clean} that keeps the target's old content unless the whole restore
 * succeeds: the backup is restored in parallel into a new scratch database, then the names are
 * swapped in ONE transaction on a connection to a third database (the maintenance database
 * {@code postgres}, else {@code template1}; PostgreSQL renames databases inside a transaction
 * block, so the swap commits whole or not at all), and the old database is dropped last.
 *
 * <p>The scratch database is created {@code TEMPLATE template0} with the target's owner, encoding,
 * collation, ctype, locale provider and locale (ICU rules), tablespace and grants, and with the
 * target's database and role-in-database settings, so the restore runs as one into the target
 * would; it is named {@value #SCRATCH_PREFIX} and 16 random hex digits and commented
 * {@link #scratchComment} (naming the target). The swap renames the target to
 * {@value #OLD_PREFIX}... (commented {@link #oldComment}) and the scratch database to the
 * target's name, and gives it the target's comment, security labels, connection limit,
 * {@code ALLOW_CONNECTIONS} and {@code IS_TEMPLATE}. What a killed restore leaves behind (a
 * scratch or old database with this target's comment) is dropped by the next {@code --clean}
 * ({@link #dropLeftovers}); a database without the comment never is.
 *
 * <p>Before anything is created the preconditions are checked: a target known by its connection
 * settings (not a data source), a maintenance database to connect to, CREATEDB (or superuser) and
 * the target's ownership, no logical replication slot, subscription or prepared transaction in the
 * target, and no other session connected to it (a rename needs none). When one fails the restore
 * runs in one transaction instead, for the reason given. One use per instance; not thread-safe.
 */
final class DatabaseSwap {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseSwap.class);

  /** How a scratch database's name begins; 16 random hex digits follow. */
  static final String SCRATCH_PREFIX = "paperclip_restore_";
  /** How the name the old database takes during the swap begins; 16 random hex digits follow. */
  static final String OLD_PREFIX = "paperclip_restore_old_";
  private static final String LEFTOVER_NAME = "^paperclip_restore_(old_)?[0-9a-f]{16}$";
  /** The maintenance databases tried, in order, for the connection that creates, swaps and drops. */
  private static final List<String> MAINTENANCE = List.of("postgres", "template1");
  /** Why a target reached through a data source is restored in one transaction. */
  static final String NO_SPEC = "--clean in parallel restores into a scratch database, and a target given as "
      + "a data source names no URL to reach one with (give a ConnectionSpec)";
  /** Settings whose value is a list of quoted elements: pg_dump's variable_is_guc_list_quote. */
  private static final Set<String> LIST_QUOTE = Set.of("local_preload_libraries", "search_path",
      "session_preload_libraries", "shared_preload_libraries", "temp_tablespaces", "unix_socket_directories");
  /** How the note on a result of a swapped restore begins. */
  static final String REPLACED = "--clean restored in parallel into scratch database ";
  private static final Set<String> DATABASE_PRIVILEGES = Set.of("CREATE", "TEMPORARY", "CONNECT");

  /** The comment of a scratch database filling in for {@code target}. */
  static String scratchComment(String target) {
    return "paperclip-db restore: scratch database replacing database " + target
        + " (if no restore runs, it was interrupted; the next --clean drops it)";
  }

  /** The comment of {@code target}'s old database while a swap replaces it. */
  static String oldComment(String target) {
    return "paperclip-db restore: the previous content of database " + target
        + ", replaced by a restore (the next --clean drops it)";
  }

  /** What {@link #run} did. */
  sealed interface Outcome {
    /** The restore ran in parallel and replaced the target. */
    record Swapped(RestoreResult result) implements Outcome {}

    /** The target is as it was and no scratch database is left: restore in one transaction, for this reason. */
    record Declined(String reason) implements Outcome {}
  }

  private final RestoreTarget target;
  private final String name;
  private final ConnectionSpec server;
  private final String scratch = SCRATCH_PREFIX + hex();
  private final String old = OLD_PREFIX + hex();
  /** Whether this restore created {@link #scratch} (only then is it dropped: the name could be anyone's). */
  private boolean created;

  private DatabaseSwap(RestoreTarget target, ConnectionSpec spec, ConnectionSpec server) {
    this.target = target;
    this.name = spec.database();
    this.server = server;
  }

  /**
   * Restores {@code plan} into a scratch database and swaps it in for the target, or declines
   * before the target is changed.
   *
   * @param beforeSwap run once the preconditions but the sessions check hold: closes the caller's
   *     own sessions on the target (a rename needs none)
   * @throws PaperclipException when the restore into the scratch database or the swap fails: the
   *     scratch database is dropped and the message says the target was left unchanged
   */
  static Outcome run(RestoreTarget target, RestorePlan plan, RestoreOptions options, RestoreListener listener,
      Map<String, Long> phases, long t0, Runnable beforeSwap) {
    Optional<ConnectionSpec> spec = target.spec();
    Optional<ConnectionSpec> server = target.serverSpec();
    if (spec.isEmpty() || server.isEmpty()) {
      return new Outcome.Declined(NO_SPEC);
    }
    return new DatabaseSwap(target, spec.get(), server.get()).run(plan, options, listener, phases, t0, beforeSwap);
  }

  private Outcome run(RestorePlan plan, RestoreOptions options, RestoreListener listener, Map<String, Long> phases,
      long t0, Runnable beforeSwap) {
    long t = System.nanoTime();
    Connection m;
    try {
      m = maintenance(server, name);
    } catch (SQLException e) {
      return new Outcome.Declined("no maintenance database (" + String.join(", ", MAINTENANCE) + ") to create "
          + "the scratch database from could be reached: " + RestoreService.oneLine(e));
    }
    try {
      Info info;
      try {
        Optional<Info> found = Info.read(m, name);
        if (found.isEmpty()) {
          return new Outcome.Declined("the target database " + name
              + " is not in pg_database as seen from the maintenance database");
        }
        info = found.get();
        Optional<String> why = preconditions(m, info);
        if (why.isPresent()) {
          return new Outcome.Declined(why.get());
        }
        beforeSwap.run();
        why = sessions(m);
        if (why.isPresent()) {
          return new Outcome.Declined(why.get());
        }
      } catch (SQLException e) {
        return new Outcome.Declined("the target database's settings could not be read for a scratch database: "
            + RestoreService.oneLine(e));
      }
      List<String> notes = new ArrayList<>();
      try {
        notes.addAll(create(m, info));
      } catch (SQLException | RuntimeException e) {
        dropScratch(m);
        return new Outcome.Declined("a scratch database like the target could not be created ("
            + RestoreService.oneLine(e) + ")");
      }
      phases.put("scratch", RestoreService.millisSince(t));
      LOG.info("restore: --clean of database {} restores into scratch database {}", name, scratch);
      RestoreResult restored;
      try {
        ParallelRestore.Outcome o = new ParallelRestore(target.sibling(scratch), plan, options, listener, phases, t0,
            true).run();
        if (o instanceof ParallelRestore.Outcome.Declined d) {
          dropScratch(m);
          return new Outcome.Declined(d.reason());
        }
        restored = ((ParallelRestore.Outcome.Restored) o).result();
      } catch (RuntimeException e) {
        boolean dropped = dropScratch(m);
        String kept = "; the target was left unchanged (the restore ran into scratch database " + scratch
            + (dropped ? ", dropped again)" : ", which could not be dropped: the next --clean drops it)");
        ErrorCode code = e instanceof PaperclipException pe ? pe.code() : ErrorCode.RESTORE;
        throw new PaperclipException(code, (e instanceof PaperclipException ? e.getMessage()
            : "restore of " + plan.file() + " failed: " + RestoreService.oneLine(e)) + kept, e);
      }
      t = System.nanoTime();
      try {
        swap(m, info);
      } catch (SQLException e) {
        rollback(m);
        dropScratch(m);
        if ("55006".equals(e.getSQLState())) {
          // another session connected while the restore ran: the whole restore runs again, in one transaction
          return new Outcome.Declined("a session connected to the target or the scratch database while the restore "
              + "filled the scratch database, so the two could not be renamed (" + RestoreService.oneLine(e) + ")");
        }
        throw new PaperclipException(ErrorCode.RESTORE, "restore of " + plan.file() + " into a scratch database "
            + "succeeded, but swapping it in for database " + name + " failed: " + RestoreService.oneLine(e)
            + "; the target was left unchanged and the scratch database dropped", e);
      }
      phases.put("swap", RestoreService.millisSince(t));
      t = System.nanoTime();
      notes.add(0, REPLACED + scratch + " and swapped in; the old content was dropped");
      try {
        drop(m, old);
      } catch (SQLException e) {
        LOG.warn("restore: cannot drop database {} (the old content of {}): {}", old, name, e.getMessage());
        notes.set(0, REPLACED + scratch + " and swapped in; the old content could not be dropped ("
            + RestoreService.oneLine(e) + "): it stays as database " + old + ", which the next --clean drops");
      }
      phases.put("drop old", RestoreService.millisSince(t));
      RestoreResult r = restored.withReplacedThroughScratch(java.time.Duration.ofNanos(System.nanoTime() - t0), phases);
      for (String n : notes) {
        r = r.withWarning(n);
      }
      return new Outcome.Swapped(r);
    } finally {
      try {
        m.close();
      } catch (SQLException e) {
        LOG.debug("restore: closing the maintenance connection: {}", e.getMessage());
      }
    }
  }

  /** Connects to the first maintenance database that is not the target. */
  private static Connection maintenance(ConnectionSpec server, String target) throws SQLException {
    SQLException first = null;
    for (String db : MAINTENANCE) {
      if (db.equals(target)) {
        continue;
      }
      ConnectionSpec s = server.withDatabase(db);
      Properties p = s.driverProperties();
      p.setProperty("ApplicationName", "paperclip-db restore");
      try {
        Connection c = DriverManager.getConnection(s.jdbcUrl(), p);
        c.setAutoCommit(true);
        return c;
      } catch (SQLException e) {
        first = first == null ? e : first;
      }
    }
    throw first;
  }

  /** Why the swap cannot be done (role, replication), or empty. Changes nothing. */
  private Optional<String> preconditions(Connection m, Info info) throws SQLException {
    try (PreparedStatement ps = m.prepareStatement("SELECT r.rolsuper, r.rolcreatedb,"
        + " pg_catalog.pg_has_role(r.oid, ?::pg_catalog.oid, 'USAGE'),"
        + " (SELECT count(*) FROM pg_catalog.pg_replication_slots s WHERE s.database = ?),"
        + " (SELECT count(*) FROM pg_catalog.pg_prepared_xacts x WHERE x.database = ?),"
        + " (SELECT count(*) FROM pg_catalog.pg_subscription s WHERE s.subdbid = ?::pg_catalog.oid)"
        + " FROM pg_catalog.pg_roles r WHERE r.rolname = current_user")) {
      ps.setLong(1, info.ownerOid());
      ps.setString(2, name);
      ps.setString(3, name);
      ps.setLong(4, info.oid());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        boolean superuser = rs.getBoolean(1);
        if (!superuser && !rs.getBoolean(2)) {
          return Optional.of("the role may not create databases (CREATEDB), which a scratch database needs");
        }
        if (!superuser && !rs.getBoolean(3)) {
          return Optional.of("the role does not own the target database (owner " + info.owner()
              + "), which renaming and dropping it needs");
        }
        if (rs.getLong(4) > 0) {
          return Optional.of("the target database has " + rs.getLong(4) + " replication slot(s), which stay with it");
        }
        if (rs.getLong(5) > 0) {
          return Optional.of("the target database has " + rs.getLong(5) + " prepared transaction(s)");
        }
        if (rs.getLong(6) > 0) {
          return Optional.of("the target database has " + rs.getLong(6) + " logical replication subscription(s)");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Why other sessions keep the target from being renamed (autovacuum workers are stopped by it), or
   * empty. Sessions that are closing (a client closes its socket, the server process exits a little
   * later) are waited for up to 5 seconds, as the rename itself waits.
   */
  private Optional<String> sessions(Connection m) throws SQLException {
    Optional<String> why = Optional.empty();
    for (int i = 0; i < 50; i++) {
      why = sessionsNow(m);
      if (why.isEmpty()) {
        return why;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return why;
      }
    }
    return why;
  }

  private Optional<String> sessionsNow(Connection m) throws SQLException {
    List<String> found = new ArrayList<>();
    try (PreparedStatement ps = m.prepareStatement("SELECT pid, usename, application_name"
        + " FROM pg_catalog.pg_stat_activity WHERE datname = ? AND pid <> pg_catalog.pg_backend_pid()"
        + " AND backend_type IS DISTINCT FROM 'autovacuum worker' ORDER BY pid")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add("pid " + rs.getInt(1) + (rs.getString(2) == null ? "" : " user " + rs.getString(2))
              + (rs.getString(3) == null || rs.getString(3).isEmpty() ? "" : " application '" + rs.getString(3) + "'"));
        }
      }
    }
    if (found.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(found.size() + " other session(s) are connected to the target database ("
        + String.join(", ", found.subList(0, Math.min(3, found.size()))) + (found.size() > 3 ? ", ..." : "")
        + "), and a scratch database can be swapped in only when none is");
  }

  /** What belongs to the target database itself and not to its content: read once, from pg_database. */
  private record Info(long oid, long ownerOid, String owner, String encoding, String collate, String ctype,
      String provider, String locale, String icuRules, String tablespace, int connLimit, boolean allowConn,
      boolean isTemplate, boolean hasAcl, String comment, boolean templateTablespace, int major) {
    static Optional<Info> read(Connection m, String name) throws SQLException {
      int major = m.getMetaData().getDatabaseMajorVersion();
      String provider = major >= 15 ? "d.datlocprovider::text" : "'c'";
      String locale = major >= 17 ? "d.datlocale" : major >= 15 ? "d.daticulocale" : "NULL::text";
      String rules = major >= 16 ? "d.daticurules" : "NULL::text";
      try (PreparedStatement ps = m.prepareStatement("SELECT d.oid, d.datdba, pg_catalog.pg_get_userbyid(d.datdba),"
          + " pg_catalog.pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, " + provider + ", " + locale + ", "
          + rules + ", t.spcname, d.datconnlimit, d.datallowconn, d.datistemplate, d.datacl IS NOT NULL,"
          + " pg_catalog.shobj_description(d.oid, 'pg_database'),"
          + " d.dattablespace = (SELECT t0.dattablespace FROM pg_catalog.pg_database t0 WHERE t0.datname = 'template0')"
          + " FROM pg_catalog.pg_database d JOIN pg_catalog.pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return Optional.of(new Info(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
              rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
              rs.getInt(11), rs.getBoolean(12), rs.getBoolean(13), rs.getBoolean(14), rs.getString(15),
              rs.getBoolean(16), major));
        }
      }
    }
  }

  /**
   * Creates the scratch database like the target, with its marker comment, the target's grants and
   * its database and role-in-database settings (the restore then runs under them, as one into the
   * target would).
   *
   * @return warnings: grants that could not keep their grantor
   */
  private List<String> create(Connection m, Info info) throws SQLException {
    StringBuilder sql = new StringBuilder("CREATE DATABASE ").append(q(scratch)).append(" WITH OWNER = ")
        .append(q(info.owner())).append(" TEMPLATE = template0 ENCODING = ").append(lit(info.encoding()))
        .append(" LC_COLLATE = ").append(lit(info.collate())).append(" LC_CTYPE = ").append(lit(info.ctype()));
    if (info.major() >= 15) {
      switch (info.provider()) {
        case "i" -> {
          sql.append(" LOCALE_PROVIDER = icu ICU_LOCALE = ").append(lit(info.locale()));
          if (info.icuRules() != null) {
            sql.append(" ICU_RULES = ").append(lit(info.icuRules()));
          }
        }
        case "b" -> sql.append(" LOCALE_PROVIDER = builtin BUILTIN_LOCALE = ").append(lit(info.locale()));
        default -> sql.append(" LOCALE_PROVIDER = libc");
      }
    }
    if (!info.templateTablespace()) {
      // named only when it is not template0's: naming any needs CREATE on it, even pg_default
      sql.append(" TABLESPACE = ").append(q(info.tablespace()));
    }
    run(m, sql.toString());
    created = true;
    run(m, "COMMENT ON DATABASE " + q(scratch) + " IS " + lit(scratchComment(name)));
    List<String> notes = info.hasAcl() ? grants(m, info) : List.of();
    List<String> settings = new ArrayList<>();
    try (PreparedStatement ps = m.prepareStatement("SELECT s.setrole = 0, r.rolname, s.setconfig"
        + " FROM pg_catalog.pg_db_role_setting s LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole"
        + " WHERE s.setdatabase = ? ORDER BY s.setrole")) {
      ps.setLong(1, info.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Array a = rs.getArray(3);
          String head = rs.getBoolean(1) ? "ALTER DATABASE " + q(scratch)
              : "ALTER ROLE " + q(rs.getString(2)) + " IN DATABASE " + q(scratch);
          for (Object o : (Object[]) a.getArray()) {
            settings.add(head + setClause((String) o));
          }
        }
      }
    }
    for (String s : settings) {
      run(m, s);
    }
    return notes;
  }

  /** One entry of the target's ACL: grantee null for PUBLIC; whether the restoring role may act as the grantor. */
  private record DatabaseGrant(String grantee, String privilege, boolean grantable, String grantor,
      boolean byOwner, boolean actAsGrantor) {
    String sql(String database) {
      return "GRANT " + privilege + " ON DATABASE " + q(database) + " TO " + (grantee == null ? "PUBLIC" : q(grantee))
          + (grantable ? " WITH GRANT OPTION" : "");
    }
  }

  /**
   * Gives the scratch database the target's grants, each by its grantor as pg_dump keeps them: a
   * grant made by a role that holds a grant option is made again as that role ({@code SET ROLE}),
   * after the grant that gave it the option. A grant whose grantor the restoring role may not act
   * as (or whose chain of grant options cannot be rebuilt) is made by the owner, with a warning.
   */
  private List<String> grants(Connection m, Info info) throws SQLException {
    run(m, "REVOKE ALL ON DATABASE " + q(scratch) + " FROM PUBLIC");
    run(m, "REVOKE ALL ON DATABASE " + q(scratch) + " FROM " + q(info.owner()));
    List<DatabaseGrant> pending = new ArrayList<>();
    try (PreparedStatement ps = m.prepareStatement("SELECT a.grantee = 0, r.rolname, a.privilege_type, a.is_grantable,"
        + " g.rolname, a.grantor = d.datdba, g.rolname IS NOT NULL AND pg_catalog.pg_has_role(g.oid, ?)"
        + " FROM pg_catalog.pg_database d, pg_catalog.aclexplode(d.datacl) WITH ORDINALITY a"
        + " LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantor"
        // in ACL order, which the grants rebuild (a grant waits only for the one giving its grantor the option)
        + " WHERE d.oid = ? ORDER BY a.ordinality")) {
      // SET ROLE needs membership; from PostgreSQL 16 on, the membership's SET option
      ps.setString(1, info.major() >= 16 ? "SET" : "MEMBER");
      ps.setLong(2, info.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String privilege = rs.getString(3);
          if (!DATABASE_PRIVILEGES.contains(privilege) || (!rs.getBoolean(1) && rs.getString(2) == null)) {
            throw new SQLException("unexpected database grant " + privilege + " to role " + rs.getString(2));
          }
          pending.add(new DatabaseGrant(rs.getBoolean(1) ? null : rs.getString(2), privilege, rs.getBoolean(4),
              rs.getString(5), rs.getBoolean(6), rs.getBoolean(7)));
        }
      }
    }
    // who, besides the owner (whose grants need no holder), holds each privilege with the grant option so far
    Map<String, Set<String>> holders = new java.util.HashMap<>();
    List<String> notes = new ArrayList<>();
    boolean progress = true;
    while (!pending.isEmpty() && progress) {
      progress = false;
      for (java.util.Iterator<DatabaseGrant> it = pending.iterator(); it.hasNext(); ) {
        DatabaseGrant g = it.next();
        boolean asGrantor = !g.byOwner() && g.actAsGrantor()
            && holders.getOrDefault(g.privilege(), Set.of()).contains(g.grantor());
        if (!g.byOwner() && !asGrantor) {
          continue;
        }
        if (asGrantor) {
          run(m, "SET ROLE " + q(g.grantor()));
          try {
            run(m, g.sql(scratch));
          } finally {
            run(m, "RESET ROLE");
          }
        } else {
          run(m, g.sql(scratch));
        }
        if (g.grantable() && g.grantee() != null) {
          holders.computeIfAbsent(g.privilege(), k -> new java.util.HashSet<>()).add(g.grantee());
        }
        it.remove();
        progress = true;
      }
    }
    for (DatabaseGrant g : pending) {
      run(m, g.sql(scratch));
      notes.add("the grant of " + g.privilege() + " on the database to " + (g.grantee() == null ? "PUBLIC" : g.grantee())
          + " was made by role " + g.grantor() + ", which the restoring role may not act as: it is made by the owner, "
          + info.owner() + ", now (to keep its grantor, grant role " + g.grantor() + " to the restoring role, or restore"
          + " as a superuser)");
    }
    return notes;
  }

  /**
   * {@code SET name = value} for one {@code pg_db_role_setting} entry {@code name=value}: the value
   * a literal, or for a list setting each element one (as pg_dump writes them).
   */
  static String setClause(String entry) {
    int eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("a setting without a name: " + entry);
    }
    String n = entry.substring(0, eq);
    String v = entry.substring(eq + 1);
    String value;
    if (LIST_QUOTE.contains(n.toLowerCase(java.util.Locale.ROOT))) {
      List<String> parts = new ArrayList<>();
      for (String e : splitList(v)) {
        parts.add(lit(e));
      }
      value = parts.isEmpty() ? "''" : String.join(", ", parts);
    } else {
      value = lit(v);
    }
    return " SET " + q(n) + " = " + value;
  }

  /**
   * Splits a list setting's stored value into its elements: comma-separated, blanks around them
   * ignored, an element in double quotes taken without them (a doubled quote inside is one).
   */
  static List<String> splitList(String v) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = v.length();
    while (i < n) {
      while (i < n && Character.isWhitespace(v.charAt(i))) {
        i++;
      }
      if (i >= n) {
        break;
      }
      StringBuilder e = new StringBuilder();
      if (v.charAt(i) == '"') {
        i++;
        while (i < n) {
          char ch = v.charAt(i++);
          if (ch == '"') {
            if (i < n && v.charAt(i) == '"') {
              e.append('"');
              i++;
            } else {
              break;
            }
          } else {
            e.append(ch);
          }
        }
        while (i < n && v.charAt(i) != ',') {
          i++;
        }
      } else {
        int start = i;
        while (i < n && v.charAt(i) != ',') {
          i++;
        }
        e.append(v.substring(start, i).strip());
      }
      out.add(e.toString());
      i++; // the comma
    }
    return out;
  }

  /**
   * The swap, in one transaction: the target becomes {@link #old}, the scratch database takes the
   * target's name and what belongs to the database itself.
   */
  private void swap(Connection m, Info info) throws SQLException {
    m.setAutoCommit(false);
    run(m, "ALTER DATABASE " + q(name) + " RENAME TO " + q(old));
    run(m, "COMMENT ON DATABASE " + q(old) + " IS " + lit(oldComment(name)));
    run(m, "ALTER DATABASE " + q(scratch) + " RENAME TO " + q(name));
    run(m, "COMMENT ON DATABASE " + q(name) + " IS " + (info.comment() == null ? "NULL" : lit(info.comment())));
    List<String[]> labels = new ArrayList<>();
    try (PreparedStatement ps = m.prepareStatement("SELECT provider, label FROM pg_catalog.pg_shseclabel"
        + " WHERE objoid = ? AND classoid = 'pg_catalog.pg_database'::pg_catalog.regclass ORDER BY provider")) {
      ps.setLong(1, info.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          labels.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
    }
    for (String[] l : labels) {
      run(m, "SECURITY LABEL FOR " + q(l[0]) + " ON DATABASE " + q(name) + " IS " + lit(l[1]));
    }
    if (info.connLimit() != -1) {
      run(m, "ALTER DATABASE " + q(name) + " CONNECTION LIMIT " + info.connLimit());
    }
    if (info.isTemplate()) {
      run(m, "ALTER DATABASE " + q(old) + " IS_TEMPLATE false");
      run(m, "ALTER DATABASE " + q(name) + " IS_TEMPLATE true");
    }
    if (!info.allowConn()) {
      run(m, "ALTER DATABASE " + q(name) + " ALLOW_CONNECTIONS false");
    }
    m.commit();
    m.setAutoCommit(true);
    LOG.info("restore: scratch database {} swapped in for database {}", scratch, name);
  }

  /** Drops the scratch database; tells whether it is gone. */
  private boolean dropScratch(Connection m) {
    if (!created) {
      return true;
    }
    try {
      m.setAutoCommit(true);
      run(m, "DROP DATABASE IF EXISTS " + q(scratch) + " WITH (FORCE)");
      return true;
    } catch (SQLException e) {
      LOG.warn("restore: cannot drop scratch database {}: {}", scratch, e.getMessage());
      return false;
    }
  }

  private static void drop(Connection m, String database) throws SQLException {
    run(m, "DROP DATABASE " + q(database));
  }

  /**
   * Drops what interrupted {@code --clean} restores of {@code target} left: databases named
   * {@value #SCRATCH_PREFIX} or {@value #OLD_PREFIX} and 16 hex digits whose comment is this
   * target's {@link #scratchComment} or {@link #oldComment}. One still in use (a restore running
   * now) is left alone. Never throws: a leftover that cannot be dropped is only logged.
   *
   * @return the databases dropped
   */
  static List<String> dropLeftovers(RestoreTarget target) {
    Optional<ConnectionSpec> spec = target.spec();
    Optional<ConnectionSpec> server = target.serverSpec();
    if (spec.isEmpty() || server.isEmpty()) {
      return List.of();
    }
    String name = spec.get().database();
    List<String> dropped = new ArrayList<>();
    try (Connection m = maintenance(server.get(), name)) {
      for (String d : leftovers(m, name)) {
        try {
          drop(m, d);
          dropped.add(d);
          LOG.info("restore: dropped database {}, left by an interrupted --clean of {}", d, name);
        } catch (SQLException e) {
          LOG.warn("restore: database {} left by a --clean of {} is not dropped: {}", d, name, e.getMessage());
        }
      }
    } catch (SQLException e) {
      LOG.debug("restore: no maintenance database to look for leftovers of an interrupted --clean: {}", e.getMessage());
    }
    return dropped;
  }

  /**
   * The databases interrupted {@code --clean} restores of database {@code target} left (see
   * {@link #dropLeftovers}), by name; any connection to the server can read them.
   */
  static List<String> leftovers(Connection c, String target) throws SQLException {
    List<String> found = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT d.datname FROM pg_catalog.pg_database d"
        + " JOIN pg_catalog.pg_shdescription s ON s.objoid = d.oid"
        + " AND s.classoid = 'pg_catalog.pg_database'::pg_catalog.regclass"
        + " WHERE d.datname ~ ? AND s.description IN (?, ?) ORDER BY 1")) {
      ps.setString(1, LEFTOVER_NAME);
      ps.setString(2, scratchComment(target));
      ps.setString(3, oldComment(target));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
    }
    return found;
  }

  private static void rollback(Connection m) {
    try {
      m.rollback();
      m.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the drop that follows reports a broken connection
    }
  }

  private static void run(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String q(String identifier) {
    return SqlIdentifiers.quote(identifier);
  }

  private static String lit(String value) {
    return SqlIdentifiers.literal(value);
  }

  private static String hex() {
    return HexFormat.of().toHexDigits(new SecureRandom().nextLong());
  }
}
