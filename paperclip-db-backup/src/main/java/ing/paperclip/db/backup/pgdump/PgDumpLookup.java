package ing.paperclip.db.backup.pgdump;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome of looking for a pg_dump that fits a server.
 *
 * @param serverMajor the server's major version
 * @param matching the first binary whose major version equals {@code serverMajor}, or null
 * @param found every binary found, in search order, matching or not
 * @param explicit whether the search was limited to an explicitly configured path
 */
public record PgDumpLookup(int serverMajor, PgDumpBinary matching, List<PgDumpBinary> found,
    boolean explicit) {

  /** Copies. */
  public PgDumpLookup {
    found = List.copyOf(found);
  }

  /** Returns the fitting binary, if any. */
  public Optional<PgDumpBinary> match() {
    return Optional.ofNullable(matching);
  }

  /**
   * Returns why no binary fits, for messages: what was found (or that nothing was) and where to
   * configure one.
   */
  public String mismatchExplanation() {
    String where = explicit ? "at PAPERCLIP_PG_DUMP_PATH" : "on PATH or PAPERCLIP_PG_DUMP_PATH";
    if (found.isEmpty()) {
      return "no pg_dump found " + where;
    }
    return "no pg_dump " + serverMajor + " " + where + " (found "
        + found.stream().map(PgDumpBinary::describe).collect(Collectors.joining(", ")) + ")";
  }
}
