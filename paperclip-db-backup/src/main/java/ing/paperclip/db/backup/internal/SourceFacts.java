package ing.paperclip.db.backup.internal;

import ing.paperclip.db.backup.file.BackupManifest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a restore's pre-flight needs about the source database (its size, extensions and
 * core migration level) in the backup's snapshot. Every query is one that cannot fail on a
 * readable database, so the snapshot's transaction stays usable.
 */
public final class SourceFacts {
  private SourceFacts() {}

  /** Reads the facts on the backup's snapshot connection. */
  public static BackupManifest.Source read(Connection c) throws SQLException {
    long size;
    List<String> extensions = new ArrayList<>();
    String newest = null;
    int applied = 0;
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
        rs.next();
        size = rs.getLong(1);
      }
      try (ResultSet rs = s.executeQuery("SELECT extname FROM pg_extension ORDER BY extname")) {
        while (rs.next()) {
          extensions.add(rs.getString(1));
        }
      }
      boolean journal;
      try (ResultSet rs = s.executeQuery("SELECT to_regclass('public.databasechangelog') IS NOT NULL")) {
        rs.next();
        journal = rs.getBoolean(1);
      }
      if (journal) {
        try (ResultSet rs = s.executeQuery("SELECT (SELECT id FROM public.databasechangelog "
            + "ORDER BY orderexecuted DESC LIMIT 1), (SELECT count(*) FROM public.databasechangelog)")) {
          rs.next();
          newest = rs.getString(1);
          applied = rs.getInt(2);
        }
      }
    }
    return new BackupManifest.Source(size, extensions, newest, applied);
  }
}
