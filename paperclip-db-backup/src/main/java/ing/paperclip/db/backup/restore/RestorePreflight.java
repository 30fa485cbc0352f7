package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The checks a restore passes before it sends anything to the target (also {@code db restore
 * --check}): the server's major version against the backup's, the extensions the backup uses
 * against {@code pg_available_extensions} (and, for a role that is not a superuser, whether it
 * may create them), the connected role's CREATE privilege on the database, free space against the
 * source database's size (where it can be measured), and the backup's core migration level
 * against this build's. Each problem is one line naming the thing and the fix. It only reads
 * the catalog.
 *
 * <p>Stateless; thread-safe.
 */
public final class RestorePreflight {
  private RestorePreflight() {}

  /**
   * What the target offers, besides its catalog.
   *
   * @param knownChangesets the ids of this build's core changesets
   * @param freeBytes free bytes where the target stores data, when the caller can measure it
   *     (an embedded server's data directory), else empty
   * @param freeWhere names that place, for the message
   */
  public record Target(Set<String> knownChangesets, OptionalLong freeBytes, String freeWhere) {
    /** Copies. */
    public Target {
      knownChangesets = Set.copyOf(knownChangesets);
      Objects.requireNonNull(freeBytes, "freeBytes");
      Objects.requireNonNull(freeWhere, "freeWhere");
    }
  }

  /**
   * Runs the checks.
   *
   * @param c a connection to the target, as the role that will restore
   * @param manifest the backup's manifest, or null for a file without one (then only the
   *     privilege check runs)
   * @param target what the target offers
   * @return one line per problem; empty when the restore may go on
   * @throws PaperclipException {@link ErrorCode#DATABASE} when the catalog cannot be read
   */
  public static List<String> check(Connection c, BackupManifest manifest, Target target) {
    List<String> problems = new ArrayList<>();
    try {
      String role;
      String database;
      boolean superuser;
      boolean create;
      int serverVersion;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user, current_database(), "
          + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
          + "has_database_privilege(current_database(), 'CREATE'), current_setting('server_version_num')::int")) {
        rs.next();
        role = rs.getString(1);
        database = rs.getString(2);
        superuser = rs.getBoolean(3);
        create = rs.getBoolean(4);
        serverVersion = rs.getInt(5);
      }
      if (!create) {
        problems.add("role \"" + role + "\" may not create schemas in database \"" + database + "\": run GRANT CREATE "
            + "ON DATABASE \"" + database + "\" TO \"" + role + "\" as its owner, or restore as the owner");
      }
      if (manifest == null) {
        return problems;
      }
      int backupMajor = manifest.serverVersion() / 10000;
      int major = serverVersion / 10000;
      if (major < backupMajor) {
        problems.add("the backup is from PostgreSQL " + backupMajor + " (" + manifest.serverVersion() + "), this server "
            + "is PostgreSQL " + major + " (" + serverVersion + "), an older major: restore into PostgreSQL "
            + backupMajor + " or newer");
      }
      BackupManifest.Source source = manifest.source();
      if (source == null) {
        return problems;
      }
      extensions(c, source.extensions(), superuser, role, problems);
      if (target.freeBytes().isPresent() && target.freeBytes().getAsLong() < source.databaseBytes()) {
        problems.add("the source database took " + source.databaseBytes() + " bytes, only " + target.freeBytes().getAsLong()
            + " bytes are free at " + target.freeWhere() + ": free space there or restore elsewhere");
      }
      if (source.coreMigration() != null && !target.knownChangesets().contains(source.coreMigration())) {
        problems.add("the backup's core schema is at migration '" + source.coreMigration() + "' (" + source.coreMigrations()
            + " changesets), which this build does not know (it has " + target.knownChangesets().size()
            + "): the backup is newer than this paperclip-db; restore it with the version that wrote it ("
            + manifest.toolVersion() + ") or newer");
      }
      return problems;
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.DATABASE, "cannot read the target's catalog for the restore pre-flight: "
          + e.getMessage(), e);
    }
  }

  private static void extensions(Connection c, List<String> needed, boolean superuser, String role,
      List<String> problems) throws SQLException {
    // name -> {installed, trusted}; an extension missing from the map is not available at all
    Map<String, boolean[]> available = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT a.name, a.installed_version IS NOT NULL, "
        + "coalesce(bool_or(v.trusted), false) FROM pg_available_extensions a "
        + "LEFT JOIN pg_available_extension_versions v ON v.name = a.name AND v.version = a.default_version "
        + "GROUP BY a.name, a.installed_version"); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        available.put(rs.getString(1), new boolean[] {rs.getBoolean(2), rs.getBoolean(3)});
      }
    }
    for (String ext : needed) {
      boolean[] a = available.get(ext);
      if (a == null) {
        problems.add("extension \"" + ext + "\", which the backup uses, is not available on this server (not in "
            + "pg_available_extensions): install its package on the server first");
      } else if (!a[0] && !a[1] && !superuser) {
        problems.add("extension \"" + ext + "\", which the backup uses, needs a superuser to create (it is not trusted) "
            + "and role \"" + role + "\" is not one: have a superuser run CREATE EXTENSION \"" + ext
            + "\" in the target first");
      }
    }
  }
}
