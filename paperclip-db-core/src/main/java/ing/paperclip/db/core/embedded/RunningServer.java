package ing.paperclip.db.core.embedded;

/**
 * A PostgreSQL server found running on a data directory, as its {@code postmaster.pid} lock file
 * names it.
 *
 * @param pid the postmaster's process id
 * @param port its port, or -1 if the lock file does not name one yet
 */
public record RunningServer(long pid, int port) {}
