package ing.paperclip.db.core.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives an integration test class a fresh database on a real PostgreSQL server: the one named by
 * {@code PAPERCLIP_TEST_DATABASE_URL} when set, otherwise the project's embedded server (started
 * once per JVM). Declare a {@link TestDatabase} parameter on a test method, constructor or
 * {@code @BeforeAll} method to receive it. The database is dropped after the class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PostgresExtension.class)
public @interface WithPostgres {}
