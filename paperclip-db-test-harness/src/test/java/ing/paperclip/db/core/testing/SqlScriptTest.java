package ing.paperclip.db.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.testing.SqlScript.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
  @Test
  void semicolonsInsideQuotesCommentsAndDollarQuotesDoNotEndAStatement() {
    List<Step> steps = SqlScript.parse("""
        -- a comment; not a statement
        SELECT 'a;b', "c;d", E'it\\'s;', $$x;y$$, $tag$ $$; $tag$ /* c; /* nested; */ */ ;
        CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$
          SELECT 1; -- inside
        $body$;
        SELECT $1::int, a$b$ FROM t;
        """);
    assertEquals(3, steps.size(), steps.toString());
    assertEquals("SELECT 'a;b', \"c;d\", E'it\\'s;', $$x;y$$, $tag$ $$; $tag$", steps.get(0).sql());
    assertEquals(2, steps.get(0).line());
    assertTrue(steps.get(1).sql().endsWith("SELECT 1; -- inside\n$body$"), steps.get(1).sql());
    assertEquals(3, steps.get(1).line());
    assertEquals("SELECT $1::int, a$b$ FROM t", steps.get(2).sql());
    assertEquals(6, steps.get(2).line());
  }

  @Test
  void aStandardSqlRoutineBodyKeepsItsSemicolons() {
    List<Step> steps = SqlScript.parse("""
        CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql
        BEGIN ATOMIC
          SELECT CASE WHEN a IS NULL THEN 0 ELSE a END;
          SELECT 2;
        END;
        BEGIN;
        SELECT 3;
        END;
        """);
    assertEquals(4, steps.size(), steps.toString());
    assertTrue(steps.get(0).sql().endsWith("SELECT 2;\nEND"), steps.get(0).sql());
    assertEquals(List.of("BEGIN", "SELECT 3", "END"), steps.subList(1, 4).stream().map(Step::sql).toList());
  }

  @Test
  void copyFromStdinTakesTheLinesUpToBackslashDot() {
    List<Step> steps = SqlScript.parse("""
        \\restrict abc
        CREATE TABLE t (a text);
        COPY public.t (a) FROM stdin;
        x;y
        -- not a comment
        \\N
        \\.
        SELECT 1;
        \\unrestrict abc
        """);
    assertEquals(3, steps.size(), steps.toString());
    assertEquals("COPY public.t (a) FROM stdin", steps.get(1).sql());
    assertEquals("x;y\n-- not a comment\n\\N\n", steps.get(1).copyData());
    assertEquals(3, steps.get(1).line());
    assertNull(steps.get(2).copyData());
    assertEquals(8, steps.get(2).line());
  }

  @Test
  void otherMetaCommandsAndUnterminatedInputAreRefusedNamingTheLine() {
    IllegalArgumentException meta = assertThrows(IllegalArgumentException.class,
        () -> SqlScript.parse("SELECT 1;\n\\connect other\n"));
    assertEquals("script line 2: psql meta-command \\connect is not supported", meta.getMessage());
    IllegalArgumentException copy = assertThrows(IllegalArgumentException.class,
        () -> SqlScript.parse("COPY t FROM stdin;\n1\n"));
    assertTrue(copy.getMessage().startsWith("script line 1: COPY data not terminated"), copy.getMessage());
    IllegalArgumentException quote = assertThrows(IllegalArgumentException.class,
        () -> SqlScript.parse("\n\nSELECT 'open;\n"));
    assertEquals("script line 3: unterminated ' quote", quote.getMessage());
  }
}
