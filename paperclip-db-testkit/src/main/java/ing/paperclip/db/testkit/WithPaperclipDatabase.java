package ing.paperclip.db.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class a real PostgreSQL database with the Paperclip schema migrated.
 *
 * <p>The server is chosen once per JVM and named in one log line: the one in
 * {@code PAPERCLIP_TEST_DATABASE_URL} when set; otherwise a Testcontainers PostgreSQL
 * ({@link PaperclipTestServers#CONTAINER_IMAGE}) when a Docker engine answers within a second;
 * otherwise paperclip-db's embedded server. Migrations run once per JVM into a template database;
 * each test class (or method, see {@link #isolation()}) gets its own copy made with
 * {@code CREATE DATABASE ... TEMPLATE}, dropped afterwards.
 *
 * <p>Named {@code With...} (as the harness's {@code @WithPostgres}) so that it does not clash with
 * the facade class {@code ing.paperclip.db.PaperclipDatabase}, which a test of an embedding
 * service often imports too; {@link PaperclipDatabase} is the deprecated former name.
 *
 * <p>Declare a {@link PaperclipTestDatabase} or {@link javax.sql.DataSource} parameter on a test
 * method, constructor, or lifecycle method to receive it.
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PaperclipDatabaseExtension.class)
public @interface WithPaperclipDatabase {
  /** How often a test gets a fresh copy. */
  Isolation isolation() default Isolation.PER_CLASS;

  /**
   * A backup made by {@code paperclipai db backup} (or {@code pg_dump}) to load into every fresh
   * copy, then migrated to the current schema: {@code classpath:fixtures/x.sql.gz} or a file path
   * (relative to the working directory). Loaded once per JVM into a second template, so each copy
   * costs a clone, not a restore. Empty (the default) for the bare migrated schema.
   */
  String fixture() default "";

  /**
   * The test project's own Liquibase changelogs (classpath locations, e.g.
   * {@code "db/changelog/app.xml"}), applied in order after the core schema (and after the
   * fixture), once per JVM into the template, so every copy has them.
   */
  String[] changelogs() default {};

  /** How often a test gets a fresh database. */
  enum Isolation {
    /** One database per test class, shared by its methods. */
    PER_CLASS,
    /** A new database for every test method (a template copy: 0.1-0.4 s each, see docs/TESTKIT.md). */
    PER_METHOD
  }
}
