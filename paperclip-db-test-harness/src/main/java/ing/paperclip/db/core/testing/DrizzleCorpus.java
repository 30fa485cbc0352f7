package ing.paperclip.db.core.testing;

/**
 * The {@code paperclip-drizzle} corpus: a plain pg_dump of a database built by the original
 * Paperclip's 216 Drizzle migrations (175 tables, the {@code drizzle.__drizzle_migrations}
 * journal, pg_trgm and fuzzystrmatch), on the test classpath.
 */
public final class DrizzleCorpus {
  /** The classpath location of the gzipped dump. */
  public static final String RESOURCE = "corpora/paperclip-drizzle/paperclip-drizzle-0217.sql.gz";
  /** Rows of its Drizzle journal. */
  public static final int MIGRATIONS = 216;

  private DrizzleCorpus() {}

  /**
   * Loads the corpus into {@code db} through {@link Corpora#load} (the project-independent
   * {@link SqlScript} runner, so no psql is needed).
   */
  public static void load(TestDatabase db) {
    Corpora.load(db, RESOURCE);
  }
}
