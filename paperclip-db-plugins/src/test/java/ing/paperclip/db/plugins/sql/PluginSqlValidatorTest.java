package ing.paperclip.db.plugins.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.plugins.PluginException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PluginSqlValidatorTest {
  static final String S = "plugin_crm_0123456789";
  private final PluginSqlValidator v = new PluginSqlValidator(S);

  @Test
  void ordinaryMigrationsPass() {
    assertEquals(6, v.validate("""
        -- a comment with DROP TABLE in it is fine
        CREATE TABLE deals (id bigserial PRIMARY KEY, company_id uuid, parent bigint REFERENCES deals (id) ON DELETE CASCADE,
          note text DEFAULT 'drop; delete; truncate', body text DEFAULT $$DELETE FROM x$$);
        CREATE INDEX deals_company ON plugin_crm_0123456789.deals (company_id);
        ALTER TABLE deals ADD COLUMN amount numeric(12,2);
        COMMENT ON TABLE deals IS 'won''t /* hide */ anything';
        INSERT INTO deals (company_id, note) SELECT c.id, c.name FROM public.companies c ON CONFLICT DO NOTHING;
        UPDATE deals SET amount = 0 WHERE amount IS NULL;
        """, "001_init.sql"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DROP TABLE deals",
      "TRUNCATE deals",
      "DELETE FROM deals",
      "WITH x AS (DELETE FROM deals RETURNING *) SELECT * FROM x",
      "INSERT INTO public.companies (name) VALUES ('x')",
      "UPDATE public.companies SET name = 'pwned'",
      "UPDATE \"public\".\"companies\" SET name = 'pwned'",
      "UPDATE public . \"companies\" SET name = 'pwned'",
      "CREATE TABLE public.evil (x int)",
      "CREATE TABLE other_plugin_abc.t (x int)",
      "ALTER TABLE public.agents ADD COLUMN x int",
      "INSERT INTO deals SELECT * FROM public.company_secret_versions",
      "INSERT INTO deals SELECT * FROM pg_catalog.pg_authid",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
      "CREATE TRIGGER t BEFORE INSERT ON deals FOR EACH ROW EXECUTE FUNCTION f()",
      "CREATE EXTENSION dblink",
      "GRANT ALL ON deals TO PUBLIC",
      "REVOKE ALL ON deals FROM PUBLIC",
      "COPY deals FROM '/etc/passwd'",
      "DO $$ BEGIN PERFORM 1; END $$",
      "CALL p()",
      "SET ROLE postgres",
      "SET SESSION AUTHORIZATION postgres",
      "RESET ROLE",
      "ALTER SYSTEM SET fsync = off",
      "CREATE SCHEMA x",
      "ALTER TABLE deals OWNER TO postgres",
      "ALTER TABLE deals SET SCHEMA public",
      "CREATE/**/TABLE public.sneaky (x int)",
      "/* nested /* comment */ still */ DROP TABLE deals",
      "CREATE TABLE deals2 (x int); DELETE FROM deals",
      "SELECT pg_read_file('/etc/passwd')",
      "CREATE TABLE t (x int) ; VACUUM",
      "SELECT \"set_config\"('role', 'none', true)",
      "SELECT pg_catalog.\"set_config\"('role', 'none', true)",
      "SELECT PG_CATALOG.SET_CONFIG('role', 'none', true)",
      "SELECT U&\"\\0073et_config\"('role', 'none', true)",
      "SELECT U&\"!0073et_config\" UESCAPE '!' ('role', 'none', true)",
      "SELECT $€$ $$ $€$; RESET ROLE; SELECT $$ $€$",
      "-- note\rDROP TABLE deals",
      "SELECT pg_notify('x', 'y')",
      "SELECT pg_sleep(600)",
      "SELECT lo_import('/etc/passwd')",
      "SELECT pg_advisory_lock(1)",
      "SELECT query_to_xml('DELETE FROM deals', true, false, '')",
      "SELECT dblink_exec('x', 'y')",
      "CREATE TABLE fk (c uuid REFERENCES public.companies (id) ON DELETE CASCADE)",
      "ALTER TABLE deals ADD FOREIGN KEY (company_id) REFERENCES public.companies (id)",
      "SELECT id FROM public.companies FOR UPDATE",
      "UPDATE pg_settings SET setting = 'none' WHERE name = 'role'",
      "INSERT INTO pg_temp.x VALUES (1)",
      "\\! touch /tmp/x",
      "UPDATE U&\"\\0070ublic\".companies SET name = 'x'"})
  void hostileStatementsAreRefusedWithPosition(String sql) {
    PluginException e = assertThrows(PluginException.class, () -> v.validate(sql, "002_evil.sql"));
    assertTrue(e.getMessage().startsWith("plugin migration 002_evil.sql statement "), e.getMessage());
    assertTrue(e.getMessage().matches(".* at \\d+:\\d+: .*"), e.getMessage());
  }

  @Test
  void quotedKeywordsAreNamesAndFunctionNamesAreResolved() {
    assertEquals(1, v.validate("CREATE TABLE t (\"drop\" text, \"delete\" text, \"set_config\" text)", "x.sql"));
    // quoted upper case resolves to another name, which the server does not have: not set_config
    assertEquals(1, v.validate("SELECT \"SET_CONFIG\"('a', 'b', true)", "x.sql"));
  }

  @Test
  void unterminatedStringsAreReported() {
    PluginException e = assertThrows(PluginException.class, () -> v.validate("INSERT INTO deals VALUES ('open", "x.sql"));
    assertTrue(e.getMessage().contains("unterminated quoted string"));
  }
}
