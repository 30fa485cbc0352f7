package ing.paperclip.db.backup.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.BackupEvent;
import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.BackupReader;
import ing.paperclip.db.backup.file.Format;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The allowlist of what a restore runs, on the lexer's blanked code. */
class ScriptPolicyTest {
  private static List<BackupEvent> read(String text, ScriptPolicy policy) throws IOException {
    List<BackupEvent> events = new ArrayList<>();
    new BackupReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))).read(e -> {
      if (policy != null) {
        policy.check(e);
      }
      events.add(e);
    });
    return events;
  }

  private static void allowed(Format kind, String text) throws IOException {
    read(text, new ScriptPolicy(kind, "f"));
  }

  private static String refused(Format kind, String text) {
    PaperclipException e = assertThrows(PaperclipException.class, () -> read(text, new ScriptPolicy(kind, "f")), text);
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().startsWith("refusing f: line "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void theCodeBlanksWhatIsNotSql() throws IOException {
    BackupEvent.Statement s = (BackupEvent.Statement) read("SELECT 'CREATE ROLE x', E'\\'', \"COPY\" /* \\! */, $b$ COMMIT; $b$ -- x\n;",
        null).get(0);
    assertEquals("SELECT '', E'', \"\"  , $$$$  ;", s.code());
  }

  @Test
  void ownerChangesOfSchemaObjectsAreAllowedAndRoleChangesAreNot() throws IOException {
    String owners = """
        ALTER SCHEMA "Own s" OWNER TO "r";
        ALTER TABLE "Own s"."T" OWNER TO "r";
        ALTER MATERIALIZED VIEW s.mv OWNER TO "r";
        ALTER FUNCTION s.f(integer) OWNER TO "r";
        ALTER AGGREGATE s.total(*) OWNER TO "r";
        ALTER OPERATOR CLASS s.cls USING btree OWNER TO "r";
        ALTER TEXT SEARCH CONFIGURATION s.cfg OWNER TO "r";
        ALTER LARGE OBJECT 424242 OWNER TO "r";
        ALTER PUBLICATION p OWNER TO "r";
        """;
    allowed(Format.OURS, owners);
    allowed(Format.PG_DUMP, owners.replace("\"r\"", "r"));
    refused(Format.OURS, "ALTER ROLE r SUPERUSER;");
    refused(Format.PG_DUMP, "ALTER DATABASE d OWNER TO r;");
  }

  @Test
  void whatOurWriterAndPgDumpProduceIsAllowed() throws IOException {
    StringBuilder ours = new StringBuilder();
    BackupFormat.SETTINGS.forEach(x -> ours.append(x).append('\n'));
    ours.append("BEGIN;\n-- section: pre-data\nCREATE SCHEMA \"s\";\n"
        + "CREATE TABLE \"s\".\"t\" (\"a\" text DEFAULT 'CREATE ROLE x; COMMIT;', b int GENERATED ALWAYS AS (1) STORED);\n"
        + "CREATE OR REPLACE FUNCTION s.f() RETURNS int LANGUAGE plpgsql AS $$BEGIN CREATE ROLE x; RETURN 1; END$$;\n"
        + "COMMENT ON TABLE s.t IS 'x\n-- section: data\n\\! rm';\nCREATE UNIQUE INDEX i ON s.t (a);\n"
        + "CREATE CONSTRAINT TRIGGER tr AFTER INSERT ON s.t DEFERRABLE FOR EACH ROW EXECUTE FUNCTION s.f();\n"
        + "ALTER TABLE ONLY \"s\".\"t\"\n    ADD CONSTRAINT \"c\" CHECK (a <> '');\n"
        + "-- section: data\n-- data: {}\nCOPY \"s\".\"t\" (\"a\", \"b\") FROM stdin;\nx\t1\n\\.\n-- section: post-data\n"
        + "SELECT pg_catalog.setval('\"s\".\"q\"', 42, true);\nREFRESH MATERIALIZED VIEW \"s\".\"m\";\n"
        + "DO $acl$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'app') THEN GRANT SELECT ON TABLE"
        + " \"s\".\"t\" TO \"app\"; END IF; END $acl$;\nGRANT USAGE ON SCHEMA s TO PUBLIC;\nCOMMIT;\n");
    allowed(Format.OURS, ours.toString());
    allowed(Format.PG_DUMP, "\\restrict abc123\nSET default_table_access_method = heap;\n"
        + "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.t (a text);\n"
        + "ALTER TABLE public.t OWNER TO app;\nINSERT INTO public.t VALUES (1, 'x', NULL, -2.5e+3, true), (2, E'\\n', DEFAULT, 'y'::text, false);\n"
        + "COPY public.t (a) FROM stdin;\n\\.\nALTER DEFAULT PRIVILEGES FOR ROLE app IN SCHEMA public GRANT SELECT ON TABLES TO app;\n"
        + "SECURITY LABEL FOR dummy ON TABLE public.t IS 'x';\nCREATE PUBLICATION p FOR TABLE public.t;\n\\unrestrict abc123\n");
    allowed(Format.LEGACY, "BEGIN;\nSET LOCAL session_replication_role = replica;\n"
        + "INSERT INTO \"public\".\"a\" (\"id\", \"j\") VALUES ($paperclip$x$paperclip$, $x7Q$ $paperclip$ $x7Q$);\n"
        + "SELECT setval('\"drizzle\".\"s\"', 2, true);\nCOMMIT;\n");
  }

  @Test
  void whatNoBackupHoldsIsRefusedNamingTheLine() {
    String m = refused(Format.PG_DUMP, "CREATE TABLE public.t (a int);\n\nCREATE ROLE evil SUPERUSER;\n");
    assertTrue(m.contains("line 3 holds 'CREATE ROLE evil SUPERUSER;'"), m);
    for (Format k : Format.values()) {
      refused(k, "INSERT INTO public.t VALUES (pg_catalog.pg_read_file('/etc/passwd'));");
      refused(k, "INSERT INTO public.t SELECT 1;");
      refused(k, "COMMENT ON ROLE postgres IS 'x';");
      refused(k, "GRANT ALL ON DATABASE postgres TO PUBLIC;");
      refused(k, "SET search_path = public; SET role = 'postgres';");
      refused(k, "CREATE TABLE public.t (a int) \\! id\n;");
      refused(k, "COPY public.t (a) FROM stdin WITH (FORMAT csv);");
      refused(k, "CREATE TEMP TABLE x (a int);");
      refused(k, "CREATE USER MAPPING FOR CURRENT_USER SERVER s;");
      refused(k, "CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p;");
      refused(k, "\\connect other");
    }
    refused(Format.LEGACY, "BEGIN;\nCOMMIT;\nSELECT setval('s', 1, true);\n");
    refused(Format.OURS, "BEGIN;\n-- section: pre-data\nBEGIN;\n");
    refused(Format.OURS, "SELECT setval('s', 1, true);");
  }

  @Test
  void textAfterACopyStatementIsRefused() {
    // psql runs it once the rows are in (checked with psql 15)
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> read("COPY public.t (a) FROM stdin; CREATE ROLE evil;\n1\n\\.\n", null));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().contains("line 1 holds text after its COPY statement"), e.getMessage());
  }

  @Test
  void aCarriageReturnAfterTheEndMarkerIsRefused() {
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> read("COPY public.t (a) FROM stdin;\n1\n\\.\r\nCREATE ROLE evil;\n\\.\n", null));
    assertEquals(ErrorCode.CORRUPT_FILE, e.code());
    assertTrue(e.getMessage().contains("line 3 in the rows starting at line 1"), e.getMessage());
  }

  @Test
  void eventTriggersPassOnlyTheWritersOwnCheck() throws IOException {
    String text = "BEGIN;\nCREATE EVENT TRIGGER \"et\" ON \"ddl_command_start\" EXECUTE FUNCTION \"public\".\"f\"();\n"
        + "ALTER EVENT TRIGGER \"et\" DISABLE;\nCOMMENT ON EVENT TRIGGER \"et\" IS 'x';\nCOMMIT;\n";
    for (Format kind : Format.values()) {
      String body = kind == Format.PG_DUMP ? text.replace("BEGIN;\n", "").replace("COMMIT;\n", "") : text;
      assertTrue(refused(kind, body).contains("CREATE EVENT TRIGGER installs a function"), kind.name());
    }
    read(text, new ScriptPolicy(Format.OURS, "f", true));
    assertTrue(refused(Format.OURS, "BEGIN;\nDROP EVENT TRIGGER \"admins_audit\";\nCOMMIT;\n")
        .contains("DROP EVENT TRIGGER"));
  }

  @Test
  void foreignServersMappingsAndTablesPassOnlyTheWritersOwnCheck() throws IOException {
    String[] statements = {"CREATE FOREIGN DATA WRAPPER \"w\" VALIDATOR postgresql_fdw_validator;",
        "CREATE SERVER \"s\" FOREIGN DATA WRAPPER \"w\" OPTIONS (host 'attacker.example');",
        "CREATE USER MAPPING FOR PUBLIC SERVER \"s\" OPTIONS (password 'x');",
        "CREATE FOREIGN TABLE \"public\".\"users\" (id int)\nSERVER \"s\";",
        "COMMENT ON SERVER \"s\" IS 'x';", "GRANT USAGE ON FOREIGN SERVER \"s\" TO PUBLIC;",
        "GRANT USAGE ON FOREIGN DATA WRAPPER \"w\" TO PUBLIC;"};
    String[] named = {"CREATE FOREIGN DATA WRAPPER", "CREATE SERVER", "CREATE USER MAPPING",
        "CREATE FOREIGN TABLE", "COMMENT SERVER", "GRANT SERVER", "GRANT FOREIGN DATA WRAPPER"};
    for (int i = 0; i < statements.length; i++) {
      String text = "BEGIN;\n" + statements[i] + "\nCOMMIT;\n";
      for (Format kind : Format.values()) {
        String body = kind == Format.PG_DUMP ? statements[i] + "\n" : text;
        String m = refused(kind, body);
        assertTrue(m.contains(named[i] + " makes the database connect to another server")
            && m.contains("--trust-file"), m);
      }
      read(text, new ScriptPolicy(Format.OURS, "f", true));
    }
  }

  @Test
  void largeObjectsOnlyAsOurWriterCreatesAndFillsThem() throws IOException {
    allowed(Format.OURS, "BEGIN;\nSELECT pg_catalog.lo_create('16400');\n"
        + "SELECT pg_catalog.lo_put('16400', 262144, '\\x00ff7f');\nCOMMENT ON LARGE OBJECT 16400 IS 'x';\n"
        + "GRANT SELECT ON LARGE OBJECT 16400 TO PUBLIC;\nCOMMIT;\n");
    for (String evil : new String[] {"SELECT pg_catalog.lo_import('/etc/passwd');",
        "SELECT pg_catalog.lo_export('16400', '/tmp/x');", "SELECT lo_create('16400');",
        "SELECT pg_catalog.lo_put('16400', 0, pg_catalog.pg_read_binary_file('/etc/passwd'));",
        "SELECT pg_catalog.lo_put('16400', 0, '\\x0');", "SELECT pg_catalog.lo_create('1'), 1;",
        "SELECT pg_catalog.lo_put('16400', 0, '\\x00'); SELECT pg_catalog.lo_unlink('1');"}) {
      assertTrue(refused(Format.OURS, "BEGIN;\n" + evil + "\nCOMMIT;\n")
          .contains("lo_create, lo_put"), evil);
    }
  }

  @Test
  void aCopyLineMayNameTablesWithUnicodeEscapes() throws IOException {
    allowed(Format.OURS, "BEGIN;\nCOPY \"public\".U&\"line\\000abreak\" (U&\"a\\000ab\") FROM stdin;\n1\n\\.\nCOMMIT;\n");
  }
}
