package ing.paperclip.db.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The former name of {@link WithPaperclipDatabase}, with the same attributes and behaviour.
 *
 * @deprecated its simple name clashes with the facade class {@code ing.paperclip.db.PaperclipDatabase};
 *     use {@link WithPaperclipDatabase} (and {@link WithPaperclipDatabase.Isolation}).
 */
@Deprecated(since = "0.1.0")
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PaperclipDatabaseExtension.class)
public @interface PaperclipDatabase {
  /** See {@link WithPaperclipDatabase#isolation()}. */
  Isolation isolation() default Isolation.PER_CLASS;

  /** See {@link WithPaperclipDatabase#fixture()}. */
  String fixture() default "";

  /** See {@link WithPaperclipDatabase#changelogs()}. */
  String[] changelogs() default {};

  /**
   * See {@link WithPaperclipDatabase.Isolation}.
   *
   * @deprecated use {@link WithPaperclipDatabase.Isolation}
   */
  @Deprecated(since = "0.1.0")
  enum Isolation {
    /** One database per test class, shared by its methods. */
    PER_CLASS,
    /** A new database for every test method. */
    PER_METHOD
  }
}
