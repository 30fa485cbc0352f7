package ing.paperclip.db.core.testing;

import ing.paperclip.db.core.sql.SqlIdentifiers;

/**
 * A restore step that fails on purpose, late, in the databases a test arms: {@link #guard} makes
 * schema {@code app} and {@code app.guard(int)}, which returns its argument but raises its message
 * in a database whose setting {@code paperclip_test.fail} is 'yes' ({@link #arm}). The restore's
 * sessions inherit the target's database settings, so an index expression or a materialized view
 * refresh that calls it fails there mid-restore, after rows are in, and nowhere else.
 */
public final class FailOnPurpose {
  /** The message of {@link #guard()}. */
  public static final String MESSAGE = "refused on purpose";

  private FailOnPurpose() {}

  /** SQL creating schema {@code app} and {@code app.guard(int)}, raising {@link #MESSAGE}. */
  public static String guard() {
    return guard(MESSAGE);
  }

  /** SQL creating schema {@code app} and {@code app.guard(int)}, raising {@code message}. */
  public static String guard(String message) {
    return """
        CREATE SCHEMA app;
        CREATE FUNCTION app.guard(x int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$
        BEGIN
          IF current_setting('paperclip_test.fail', true) = 'yes' THEN
            RAISE EXCEPTION %s;
          END IF;
          RETURN x;
        END $$;
        """.formatted(SqlIdentifiers.literal(message.replace("%", "%%")));
  }

  /** Makes {@code app.guard} raise in new sessions of these databases. */
  public static void arm(TestDatabase... databases) {
    for (TestDatabase d : databases) {
      d.execute("ALTER DATABASE " + SqlIdentifiers.quote(d.name()) + " SET paperclip_test.fail = 'yes'");
    }
  }

  /** Undoes {@link #arm}. */
  public static void disarm(TestDatabase... databases) {
    for (TestDatabase d : databases) {
      d.execute("ALTER DATABASE " + SqlIdentifiers.quote(d.name()) + " RESET paperclip_test.fail");
    }
  }
}
