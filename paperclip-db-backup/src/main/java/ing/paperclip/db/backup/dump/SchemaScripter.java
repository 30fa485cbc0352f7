package ing.paperclip.db.backup.dump;

import java.sql.Connection;

/**
 * Reads the schema of a database and scripts it for a dump. Implementations read the catalog in a
 * fixed number of bulk queries on the given connection, which the caller has already put in the
 * snapshot the dump uses (REPEATABLE READ, READ ONLY); they never commit or close it.
 */
public interface SchemaScripter {
  /**
   * Scripts every non-system schema of the connected database.
   *
   * @param snapshot an open connection inside the dump's transaction, not null
   * @return the script, never null
   * @throws ing.paperclip.db.core.PaperclipException on catalog query failure
   */
  DumpScript script(Connection snapshot);
}
