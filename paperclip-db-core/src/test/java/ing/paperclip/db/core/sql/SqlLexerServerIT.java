package ing.paperclip.db.core.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lexer reads constants and names as the server does: the server is asked for each value. */
@WithPostgres
class SqlLexerServerIT {
  private static final List<String> STRINGS = List.of(
      "'plain'", "'it''s'", "'back\\slash'", "E'tab\\there'", "E'quote\\'s'", "E'\\x41\\101\\u00e9\\U0001F600'",
      "e'a'\n'b\\n'", "'a'\n  -- comment\n'b'", "U&'d\\0061t\\+000061'", "U&'d!0061t' UESCAPE '!'", "N'national'",
      "$$dollar ' \" $$", "$€$ $$ $€$", "$été$x$été$", "$a$$$a$", "$_1$ $_$ $_1$");
  private static final List<String> NAMES = List.of(
      "Plain", "\"Quoted\"", "\"with \"\" quote\"", "U&\"\\0073et_config\"", "U&\"!0073et\" UESCAPE '!'", "caf\u00c9",
      "a$b", "\"" + "x".repeat(70) + "\"", "\u00e9t\u00e9");

  private static List<SqlToken> significant(String sql) {
    return SqlLexer.tokenize(sql).stream().filter(SqlToken::isSignificant).toList();
  }

  /** The escape character of a {@code UESCAPE 'c'} after the first token, else the default. */
  private static char escape(List<SqlToken> t) {
    return t.size() > 2 && t.get(1).isWord("uescape") ? t.get(2).stringValue().charAt(0) : '\\';
  }

  @Test
  void stringConstantsDecodeAsTheServerDecodesThem(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      for (String literal : STRINGS) {
        List<SqlToken> t = significant(literal);
        try (ResultSet rs = s.executeQuery("SELECT " + literal + "::text")) {
          rs.next();
          assertEquals(rs.getString(1), t.get(0).stringValue(escape(t)), literal);
        }
      }
    }
  }

  @Test
  void identifiersResolveAsTheServerResolvesThem(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      for (String name : NAMES) {
        List<SqlToken> t = significant(name);
        try (ResultSet rs = s.executeQuery("SELECT 1 AS " + name)) {
          assertEquals(rs.getMetaData().getColumnLabel(1), t.get(0).identifier(escape(t)), name);
        }
      }
    }
  }

  @Test
  void statementsSplitWhereTheServerSplitsThem(TestDatabase db) throws Exception {
    // each piece the splitter returns must be exactly one statement for the server
    String script = "SELECT $€$ ; $€$; SELECT E'\\'; x'\n'; '; SELECT 1 /* ; /* ; */ ; */; -- ;\rSELECT 2;"
        + "CREATE TEMP TABLE t (x int); CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);"
        + "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;"
        + "SELECT U&'\\0027;' ; SELECT $a$$$a$";
    List<SqlStatement> pieces = SqlSplitter.split(script).stream().filter(p -> !p.isBlank()).toList();
    assertEquals(9, pieces.size(), pieces.toString());
    try (Connection c = db.connect()) {
      for (SqlStatement p : pieces) {
        // the extended protocol refuses more than one command in a prepared statement
        try (var ps = c.prepareStatement(p.sql())) {
          ps.execute();
        }
      }
    }
  }
}
