package ing.paperclip.db.core.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionSpecTest {

  @Test
  void parsesPostgresUriWithEverything() {
    ConnectionSpec s = ConnectionSpec.parse(
        "postgres://app%40corp:p%3Ass%2Fw0rd@db.example.com:6543/paper%20clip?sslmode=require&application_name=x");
    assertEquals("db.example.com", s.host());
    assertEquals(6543, s.port());
    assertEquals("paper clip", s.database());
    assertEquals("app@corp", s.user());
    assertEquals("p:ss/w0rd", s.password());
    assertEquals(Map.of("sslmode", "require", "application_name", "x"), s.parameters());
    assertEquals("jdbc:postgresql://db.example.com:6543/paper%20clip?sslmode=require&application_name=x",
        s.jdbcUrl());
    assertEquals("app@corp", s.driverProperties().getProperty("user"));
    assertEquals("p:ss/w0rd", s.driverProperties().getProperty("password"));
  }

  @Test
  void parsesJdbcUrlWithUserInQuery() {
    ConnectionSpec s = ConnectionSpec.parse("jdbc:postgresql://localhost/paperclip?user=u&password=secret&sslmode=disable");
    assertEquals("localhost", s.host());
    assertEquals(5432, s.port());
    assertEquals("u", s.user());
    assertEquals("secret", s.password());
    assertEquals(Map.of("sslmode", "disable"), s.parameters());
  }

  @Test
  void postgresqlSchemeAndNoPassword() {
    ConnectionSpec s = ConnectionSpec.parse("postgresql://postgres@127.0.0.1:5432/postgres");
    assertEquals("postgres", s.user());
    assertNull(s.password());
    assertEquals("postgres://postgres@127.0.0.1:5432/postgres", s.redacted());
  }

  @Test
  void passwordNeverInToStringOrRedacted() {
    ConnectionSpec s = ConnectionSpec.parse("postgres://u:hunter2@h/db");
    assertFalse(s.toString().contains("hunter2"));
    assertFalse(s.redacted().contains("hunter2"));
    assertFalse(s.jdbcUrl().contains("hunter2"));
    assertTrue(s.redacted().contains("****"));
    assertTrue(s.libpqUri().contains("hunter2"), "libpq URI is for child processes and carries it");
  }

  @Test
  void hostWithUnderscore() {
    assertEquals("my_db", ConnectionSpec.parse("postgres://u@my_db:5433/x").host());
    assertEquals(5433, ConnectionSpec.parse("postgres://u@my_db:5433/x").port());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "mysql://u@h/db", "postgres://", "postgres://u@h", "postgres://u@h/",
      "postgres://u@h:99999/db", "postgres://u:p@h/db%zz", "http://h/db", "postgres://u:p w@h/db"})
  void malformedUrlsAreRefusedWithOneLine(String url) {
    PaperclipException e = assertThrows(PaperclipException.class, () -> ConnectionSpec.parse(url));
    assertEquals(ErrorCode.INVALID_INPUT, e.code());
    assertFalse(e.getMessage().contains("\n"));
    assertTrue(e.getMessage().contains("database URL") || e.getMessage().contains("port"), e.getMessage());
  }

  @Test
  void malformedUrlErrorDoesNotEchoPassword() {
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> ConnectionSpec.parse("postgres://u:s3cr3t pw@h/db"));
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
  }

  @Test
  void withDatabaseKeepsTheRest() {
    ConnectionSpec s = ConnectionSpec.parse("postgres://u:p@h:1/a?sslmode=require").withDatabase("b");
    assertEquals("b", s.database());
    assertEquals("p", s.password());
    assertEquals("require", s.parameters().get("sslmode"));
  }
}
