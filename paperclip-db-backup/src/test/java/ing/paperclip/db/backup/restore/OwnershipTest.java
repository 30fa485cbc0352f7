package ing.paperclip.db.backup.restore;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ownership's reading of routine signatures and its SECURITY DEFINER check, without a database. */
class OwnershipTest {
  private static String types(String sql) {
    return Ownership.argumentTypes(sql, 0);
  }

  @Test
  void signaturesOfOneFunctionAgreeInEveryFormTheyAreWritten() {
    // CREATE header (pg_get_functiondef), pg_dump's ALTER (identity arguments), pg_dump's entry
    // name and pg_identify_object's identity (our owner entries) of one function
    String expected = "(integer,text[])";
    assertEquals(expected, types("CREATE OR REPLACE FUNCTION public.\"O18f\"(x integer DEFAULT 1,"
        + " VARIADIC y text[] DEFAULT '{a,b}'::text[], OUT z double precision) RETURNS double precision"));
    assertEquals(expected, types("ALTER FUNCTION public.\"O18f\"(x integer, VARIADIC y text[], OUT z double"
        + " precision) OWNER TO r;"));
    assertEquals(expected, types("O18f(integer, text[])"));
    assertEquals(expected, types("ALTER FUNCTION public.\"O18f\"(integer,pg_catalog.text[]) OWNER TO \"r\";"));
    assertEquals("(double precision,double precision,character varying,timestamp with time zone)",
        types("f(double precision, \"double\" double precision, IN c character varying, t timestamp with time zone)"));
    assertEquals("(Own s.mood,s.t)", types("f(m \"Own s\".mood, S.T)"));
    assertEquals("()", types("ALTER PROCEDURE public.p(OUT a integer) OWNER TO r"));
  }

  @Test
  void overloadsDiffer() {
    assertTrue(!types("f(integer)").equals(types("f(text)")));
    assertTrue(!types("f(x integer)").equals(types("f(x integer, y integer)")));
  }

  private static RestoreStep.CreateObject entry(String kind, String name, String... sql) {
    return new RestoreStep.CreateObject("pre-data", kind, name, "public", kind + " " + name, List.of(), 1,
        List.of(sql));
  }

  private static RestorePlan plan(RestoreStep... steps) {
    return new RestorePlan(Path.of("x.sql"), ing.paperclip.db.backup.file.Format.PG_DUMP, List.of(steps), List.of(), 0, false);
  }

  @Test
  void aSecurityDefinerOverloadIsMatchedWithItsOwnOwnerChange() {
    Map<String, String> gone = Map.of("gone", Ownership.MISSING);
    // pg_dump's entries: f(integer) is SECURITY DEFINER owned by an existing role, f(text) by the
    // missing one but not SECURITY DEFINER: nothing to refuse (by name alone f was refused)
    RestorePlan safe = plan(
        entry("FUNCTION", "public.f(integer)", "CREATE FUNCTION public.f(x integer) RETURNS integer"
            + " LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'", "ALTER FUNCTION public.f(x integer) OWNER TO here;"),
        entry("FUNCTION", "public.f(text)", "CREATE FUNCTION public.f(x text) RETURNS integer LANGUAGE sql"
            + " AS 'SELECT 1'", "ALTER FUNCTION public.f(x text) OWNER TO gone;"));
    assertDoesNotThrow(() -> Ownership.refuseSecurityDefiners(safe, gone));
    // the other way round: the SECURITY DEFINER overload's owner is missing; the owner changes in
    // entries of their own (our files), written with types only
    RestorePlan unsafe = plan(
        entry("FUNCTION", "public.f(x integer)", "CREATE OR REPLACE FUNCTION public.f(x integer) RETURNS integer"
            + " LANGUAGE sql AS 'SELECT 1'"),
        entry("FUNCTION", "public.f(x text)", "CREATE OR REPLACE FUNCTION public.f(x text) RETURNS integer"
            + " LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'"),
        entry("OWNER", "function public.f(integer)", "ALTER FUNCTION public.f(integer) OWNER TO \"here\";"),
        entry("OWNER", "function public.f(text)", "ALTER FUNCTION public.f(text) OWNER TO \"gone\";"));
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> Ownership.refuseSecurityDefiners(unsafe, gone));
    assertTrue(e.getMessage().startsWith("function public.f(text) is SECURITY DEFINER and owned by role \"gone\""),
        e.getMessage());
  }
}
