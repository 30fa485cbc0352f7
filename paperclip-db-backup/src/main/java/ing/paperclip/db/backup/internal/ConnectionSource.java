package ing.paperclip.db.backup.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens new database connections for a backup (the main one and parallel workers). */
@FunctionalInterface
public interface ConnectionSource {
  /** Opens a new connection; the caller closes it. */
  Connection open() throws SQLException;
}
