package ing.paperclip.db.core.testing;

/**
 * An external program some tests use as an independent judge of our code (an oracle): psql
 * restores our backups the way an operator would, pg_dump describes a schema without our
 * catalog code. None is needed to build or to run the rest of the suite; see {@link Oracles}.
 */
public enum Oracle {
  /** PostgreSQL's interactive terminal; restores plain SQL backups. */
  PSQL("psql", "apt-get install postgresql-client"),
  /** PostgreSQL's logical dump tool; refuses servers of a newer major version than its own. */
  PG_DUMP("pg_dump", "apt-get install postgresql-client"),
  /** gzip's decompressor, the other half of {@code gunzip -c FILE | psql}. */
  GUNZIP("gunzip", "apt-get install gzip");

  private final String program;
  private final String install;

  Oracle(String program, String install) {
    this.program = program;
    this.install = install;
  }

  /** Returns the program's name as looked up on {@code PATH}. */
  public String program() {
    return program;
  }

  /** Returns how to install it on Debian or Ubuntu. */
  public String install() {
    return install;
  }
}
