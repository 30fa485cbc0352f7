package ing.paperclip.db.core.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SqlLexerTest {
  private static List<String> kinds(String sql) {
    return SqlLexer.tokenize(sql).stream().filter(SqlToken::isSignificant)
        .map(t -> t.kind() + ":" + t.text()).toList();
  }

  private static List<String> statements(String sql) {
    return SqlSplitter.split(sql).stream().filter(s -> !s.isBlank()).map(SqlStatement::sql).toList();
  }

  @Test
  void everyTokenKind() {
    assertEquals(List.of("IDENTIFIER:SELECT", "QUOTED_IDENTIFIER:\"a\"\"b\"", "PUNCTUATION:,", "UNICODE_IDENTIFIER:U&\"d\\0061t\"",
        "PUNCTUATION:,", "STRING:'it''s'", "PUNCTUATION:,", "ESCAPE_STRING:E'\\''", "PUNCTUATION:,", "UNICODE_STRING:u&'x'",
        "PUNCTUATION:,", "BIT_STRING:B'101'", "PUNCTUATION:,", "HEX_STRING:x'FF'", "PUNCTUATION:,", "STRING:N'n'",
        "PUNCTUATION:,", "DOLLAR_STRING:$q$ ' \" $$ $q$", "PUNCTUATION:,", "NUMBER:1.5e-3", "PUNCTUATION:,", "NUMBER:0x1F",
        "PUNCTUATION:,", "NUMBER:1_000", "PUNCTUATION:,", "PARAMETER:$12", "OPERATOR:::", "IDENTIFIER:int",
        "PUNCTUATION:,", "IDENTIFIER:a$b", "OPERATOR:<=", "NUMBER:.5", "SEMICOLON:;"),
        kinds("SELECT \"a\"\"b\", U&\"d\\0061t\", 'it''s', E'\\'', u&'x', B'101', x'FF', N'n', $q$ ' \" $$ $q$, "
            + "1.5e-3, 0x1F, 1_000, $12::int, a$b<=.5;"));
  }

  @Test
  void identifiersResolveAsTheServerResolvesThem() {
    List<SqlToken> t = SqlLexer.tokenize("SeT_CoNfIg \"set_config\" U&\"\\0073et_config\" U&\"!0073et\" "
        + "\"" + "x".repeat(70) + "\" caf\u00c9");
    assertEquals("set_config", t.get(0).identifier());
    assertEquals("set_config", t.get(2).identifier());
    assertEquals("set_config", t.get(4).identifier());
    assertEquals("set", t.get(6).identifier('!'));
    assertEquals(63, t.get(8).identifier().length());
    assertEquals("caf\u00c9", t.get(10).identifier(), "only ASCII letters fold");
  }

  @Test
  void dollarTagsTakeNonAsciiCharacters() {
    String sql = "SELECT $€$ x $$; RESET ROLE; $$ $€$; SELECT $\u00e9t\u00e9$a$\u00e9t\u00e9$";
    assertEquals(List.of("SELECT $€$ x $$; RESET ROLE; $$ $€$;", "SELECT $\u00e9t\u00e9$a$\u00e9t\u00e9$"), statements(sql));
    assertEquals(List.of("OTHER:$", "IDENTIFIER:abc", "OPERATOR:+"), kinds("$abc +"), "no closing $: a lone $");
    assertEquals(List.of("DOLLAR_STRING:$a$$$a$"), kinds("$a$$$a$"));
    assertEquals(List.of("DOLLAR_STRING:$_1$ $_$ $_1$"), kinds("$_1$ $_$ $_1$"));
  }

  @Test
  void aCarriageReturnEndsALineComment() {
    assertEquals(List.of("IDENTIFIER:DROP", "IDENTIFIER:TABLE", "IDENTIFIER:x"), kinds("-- note\rDROP TABLE x"));
  }

  @Test
  void stringsContinueAcrossANewlineInTheirOwnMode() {
    // E'' continues as E'': the backslash escapes the quote, so the semicolon is inside the string
    String sql = "SELECT E'a'\n  -- note\n'\\'; DROP TABLE x; --'; SELECT 2";
    assertEquals(2, statements(sql).size(), statements(sql).toString());
    assertEquals("a'; DROP TABLE x; --", SqlLexer.tokenize(sql).get(2).stringValue());
    assertEquals(List.of("STRING:'a'", "STRING:'b'"), kinds("'a' 'b'"), "no newline: two strings");
  }

  @Test
  void nestedCommentsOperatorsAndNumbers() {
    assertEquals(List.of("IDENTIFIER:a", "IDENTIFIER:b"), kinds("a /* x /* y */ ; */ b"));
    assertEquals(List.of("NUMBER:1", "OPERATOR:+", "OPERATOR:-", "NUMBER:2"), kinds("1+-2"));
    assertEquals(List.of("NUMBER:1", "OPERATOR:@-", "NUMBER:2"), kinds("1@-2"));
    assertEquals(List.of("IDENTIFIER:a", "OPERATOR:*"), kinds("a*--c"));
    assertEquals(List.of("IDENTIFIER:a", "OPERATOR:<"), kinds("a</* c */"));
    assertEquals(List.of("NUMBER:1", "OPERATOR:..", "NUMBER:2"), kinds("1..2"));
    assertEquals(List.of("IDENTIFIER:x", "OPERATOR::=", "NUMBER:1", "OPERATOR:=>"), kinds("x:=1=>"));
  }

  @Test
  void splitterKeepsRoutineBodiesRulesAndMetaCommands() {
    assertEquals(List.of("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END;",
        "SELECT 2;"), statements("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; "
            + "SELECT CASE WHEN true THEN 1 END; END; SELECT 2;"));
    assertEquals(List.of("CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;", "BEGIN;", "COMMIT;"),
        statements("CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END; BEGIN; COMMIT;"));
    assertEquals(List.of("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));", "SELECT 1;"),
        statements("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1;"));
    List<SqlStatement> s = SqlSplitter.split("SELECT 1\n\\gset\n\\connect db\nSELECT 2;");
    assertEquals(List.of(false, true, true, false), s.stream().map(SqlStatement::metaCommand).toList());
    assertEquals("\\connect db", s.get(2).sql());
  }

  @Test
  void copyDataIsHandedOverRaw() {
    SqlSplitter s = new SqlSplitter(new StringReader("COPY t (a) FROM stdin;\n1\t'x;\n\\.\nSELECT 1;"));
    SqlStatement copy = s.next();
    assertTrue(copy.isCopyFromStdin());
    List<String> rows = new ArrayList<>();
    assertEquals(1, s.readCopyData(l -> rows.add(l.toString())));
    assertEquals(List.of("1\t'x;\n"), rows);
    assertEquals("SELECT 1;", s.next().sql());
  }

  @Test
  void positionsCountLinesColumnsAndUtf8Bytes() {
    List<SqlToken> t = SqlLexer.tokenize("é😀\n  x");
    SqlToken x = t.get(t.size() - 1);
    assertEquals(2, x.line());
    assertEquals(3, x.column());
    assertEquals(2 + 4 + 1 + 2, x.byteOffset());
    assertEquals("é😀\n  ".length(), x.offset());
  }

  @Test
  void unterminatedConstructsNameWhereTheyStart() {
    for (String sql : new String[] {"SELECT 'x", "SELECT \"x", "SELECT $a$ x $b$", "/* /* */", "SELECT E'\\'"}) {
      SqlSyntaxException e = assertThrows(SqlSyntaxException.class, () -> SqlLexer.tokenize(sql), sql);
      assertTrue(e.getMessage().contains("unterminated") && e.getMessage().contains("line 1:"), e.getMessage());
    }
  }

  private static final String[] FRAGMENTS = {
      "SELECT ", "'a;b' ", "E'\\';x' ", "\"q;\"\"\" ", "$$;$$ ", "$t€$ $$ ; $t€$ ", "-- c;\n", "/* a /* ; */ */ ", "; ",
      "(", ")", "1.5e3 ", "0x1f ", "$1 ", "::text ", "a$b ", "U&\"\\0061\" ", "u&'\\0061' ", "B'1' ", "X'f' ", "+-", "@-",
      "\n", "\r", "\t", "CREATE FUNCTION f() BEGIN ATOMIC SELECT 1; END", " CASE ", " END ", "\\echo hi\n", "'x'\n'y' ",
      "é", "😀", "--\r", "=>", ":=", ".. ", ".5 ", "BEGIN ", "*/", "/", "-", "'",
  };

  /** A reader that hands out the text in random small chunks. */
  private static Reader chunked(String s, Random r) {
    return new Reader() {
      private int i;

      @Override
      public int read(char[] cbuf, int off, int len) {
        if (i >= s.length()) {
          return -1;
        }
        int n = Math.min(Math.min(len, 1 + r.nextInt(7)), s.length() - i);
        s.getChars(i, i + n, cbuf, off);
        i += n;
        return n;
      }

      @Override
      public void close() { }
    };
  }

  @Test
  void randomChunkingNeverChangesTokensOrStatementsAndJoiningRoundTrips() {
    Random r = new Random(20261202L);
    int lexed = 0;
    for (int round = 0; round < 3000; round++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(25);
      for (int i = 0; i < n; i++) {
        sb.append(FRAGMENTS[r.nextInt(FRAGMENTS.length)]);
      }
      String sql = sb.toString();
      List<SqlToken> whole;
      try {
        whole = SqlLexer.tokenize(sql);
      } catch (SqlSyntaxException e) {
        SqlLexer chunkedLexer = new SqlLexer(chunked(sql, r));
        SqlSyntaxException again = assertThrows(SqlSyntaxException.class, () -> {
          while (chunkedLexer.next() != null) {
            // drain
          }
        });
        assertEquals(e.getMessage(), again.getMessage());
        continue;
      }
      lexed++;
      assertEquals(sql, whole.stream().map(SqlToken::text).collect(Collectors.joining()), "tokens join back: " + sql);
      SqlLexer lexer = new SqlLexer(chunked(sql, r));
      List<SqlToken> pieces = new ArrayList<>();
      for (SqlToken t = lexer.next(); t != null; t = lexer.next()) {
        pieces.add(t);
      }
      assertEquals(whole, pieces, sql);
      assertEquals(sql.getBytes(StandardCharsets.UTF_8).length,
          whole.isEmpty() ? 0 : whole.get(whole.size() - 1).byteOffset()
              + whole.get(whole.size() - 1).text().getBytes(StandardCharsets.UTF_8).length);
      List<SqlStatement> st = SqlSplitter.split(sql);
      assertEquals(sql, st.stream().map(SqlStatement::text).collect(Collectors.joining()), "statements join back: " + sql);
      SqlSplitter splitter = new SqlSplitter(chunked(sql, r));
      List<SqlStatement> st2 = new ArrayList<>();
      for (SqlStatement s = splitter.next(); s != null; s = splitter.next()) {
        st2.add(s);
      }
      assertEquals(st, st2, sql);
    }
    assertTrue(lexed > 1000, "enough inputs were lexable: " + lexed);
  }
}
