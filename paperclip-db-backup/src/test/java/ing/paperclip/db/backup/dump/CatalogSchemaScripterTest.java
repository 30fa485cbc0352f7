package ing.paperclip.db.backup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.catalog.Catalog;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogSchemaScripterTest {

  private static Catalog withGrants(List<Catalog.Grant> grants) {
    return new Catalog(150000, "db", List.of(new Catalog.Schema("s", "owner")), List.of(),
        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of(), List.of(), grants, List.of(), List.of(), List.of());
  }

  private static List<SchemaObject> acls(DumpScript script) {
    return script.postData().stream().filter(o -> o.kind().equals("ACL")).toList();
  }

  @Test
  void functionWithoutPublicGetsRevokeAndGuardedGrant() {
    DumpScript script = new CatalogSchemaScripter().script(withGrants(List.of(
        new Catalog.Grant("FUNCTION", "s", "f()", "\"s\".\"f\"()", null, "EXECUTE", "owner",
            false, true),
        new Catalog.Grant("FUNCTION", "s", "f()", "\"s\".\"f\"()", null, "EXECUTE",
            "it's \"odd\"", true, false))));
    List<SchemaObject> acls = acls(script);
    assertEquals(1, acls.size());
    assertEquals("REVOKE ALL ON FUNCTION \"s\".\"f\"() FROM PUBLIC;\n"
        + "DO $acl$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname ="
        + " 'it''s \"odd\"') THEN GRANT EXECUTE ON FUNCTION \"s\".\"f\"() TO \"it's \"\"odd\"\"\""
        + " WITH GRANT OPTION; END IF; END $acl$;", acls.get(0).sql());
    assertEquals(Section.POST_DATA, acls.get(0).section());
  }

  @Test
  void publicEntryKeepsDefaultsAndColumnGrantsNeedNoRevoke() {
    DumpScript script = new CatalogSchemaScripter().script(withGrants(List.of(
        new Catalog.Grant("TYPE", "s", "t", "s.t", null, "USAGE", "PUBLIC", false, false),
        new Catalog.Grant("TYPE", "s", "t", "s.t", null, "USAGE", "owner", false, true),
        new Catalog.Grant("TABLE", "s", "tab", "s.tab", "c", "SELECT", "r", false, false),
        new Catalog.Grant("TABLE", "s", "tab", "s.tab", "c", "UPDATE", "r", false, false))));
    List<SchemaObject> acls = acls(script);
    assertEquals(2, acls.size());
    assertEquals("GRANT USAGE ON TYPE s.t TO PUBLIC;", acls.get(0).sql());
    assertEquals("DO $acl$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'r')"
        + " THEN GRANT SELECT (\"c\"), UPDATE (\"c\") ON TABLE s.tab TO \"r\"; END IF; END $acl$;",
        acls.get(1).sql());
  }

  @Test
  void dollarTagNeverCollidesWithTheGrant() {
    DumpScript script = new CatalogSchemaScripter().script(withGrants(List.of(
        new Catalog.Grant("SCHEMA", "x$acl$y", "x$acl$y", "\"x$acl$y\"", null, "USAGE", "owner",
            false, true),
        new Catalog.Grant("SCHEMA", "x$acl$y", "x$acl$y", "\"x$acl$y\"", null, "CREATE", "owner",
            false, true),
        new Catalog.Grant("SCHEMA", "x$acl$y", "x$acl$y", "\"x$acl$y\"", null, "USAGE", "r",
            false, false))));
    String sql = acls(script).get(0).sql();
    assertTrue(sql.startsWith("REVOKE ALL ON SCHEMA \"x$acl$y\" FROM PUBLIC;\nDO $acl1$ "), sql);
    assertTrue(sql.endsWith(" END $acl1$;"), sql);
  }

  private static Catalog.Column column(String name, String defaultExpr) {
    return new Catalog.Column(name, "integer", false, defaultExpr, "", null, null, null, true, -1,
        null, null, null, List.of());
  }

  private static Catalog.Table table(String name, Catalog.Column... columns) {
    return new Catalog.Table("public", name, false, false, null, null, null, List.of(), List.of(),
        false, false, List.of(columns), 0, 0, null, null, null);
  }

  private static Catalog.Dependency dep(String fromKind, String from, String toKind, String to) {
    return new Catalog.Dependency(new Catalog.ObjectRef(fromKind, "public", from),
        new Catalog.ObjectRef(toKind, "public", to));
  }

  private static Catalog catalog(List<Catalog.Table> tables, List<Catalog.Function> functions,
      List<Catalog.View> views, List<Catalog.Dependency> deps,
      List<Catalog.InventoryItem> inventory) {
    return new Catalog(150000, "db", List.of(new Catalog.Schema("public", "owner")), List.of(),
        List.of(), functions, List.of(), tables, List.of(), List.of(), views, List.of(),
        List.of(), List.of(), List.of(), deps, List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of(), inventory);
  }

  private static List<String> keys(List<SchemaObject> objects) {
    return objects.stream().map(SchemaObject::key).toList();
  }

  @Test
  void aLoopThroughAColumnDefaultIsBrokenBySplittingTheDefault() {
    Catalog cat = catalog(List.of(table("bc", column("id", "public.bc_next()"), column("v", "1"))),
        List.of(new Catalog.Function("public", "bc_next", "", "f",
            "CREATE FUNCTION public.bc_next() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT 1 FROM public.bc; END")),
        List.of(), List.of(dep("DEFAULT", "bc.id", "FUNCTION", "bc_next()"),
            dep("FUNCTION", "bc_next()", "TABLE", "bc")), List.of());
    List<SchemaObject> pre = new CatalogSchemaScripter().script(cat).preData();
    assertEquals(List.of("TABLE public.bc", "FUNCTION public.bc_next()",
        "DEFAULT public.\"bc\".\"id\""), keys(pre));
    assertTrue(pre.get(0).sql().contains("\"id\" integer,") && pre.get(0).sql().contains("DEFAULT 1"),
        pre.get(0).sql());
    assertEquals("ALTER TABLE ONLY \"public\".\"bc\" ALTER COLUMN \"id\" SET DEFAULT"
        + " public.bc_next();", pre.get(2).sql());
  }

  @Test
  void aLoopBetweenAViewAndAFunctionGetsAPlaceholderView() {
    Catalog.View v = new Catalog.View("public", "vs", false, false, " SELECT a FROM public.vs_f() x(a)",
        List.of(), List.of(), List.of(new Catalog.NamedDef("a", "integer")));
    Catalog cat = catalog(List.of(), List.of(new Catalog.Function("public", "vs_f", "", "f",
            "CREATE FUNCTION public.vs_f() RETURNS SETOF public.vs LANGUAGE sql BEGIN ATOMIC SELECT 1; END")),
        List.of(v), List.of(dep("VIEW", "vs", "FUNCTION", "vs_f()"),
            dep("FUNCTION", "vs_f()", "VIEW", "vs")), List.of());
    List<SchemaObject> pre = new CatalogSchemaScripter().script(cat).preData();
    assertEquals(List.of("VIEW public.vs", "FUNCTION public.vs_f()", "VIEW BODY public.vs"),
        keys(pre));
    assertEquals("CREATE VIEW \"public\".\"vs\" AS\n SELECT NULL::integer AS \"a\";", pre.get(0).sql());
    assertTrue(pre.get(2).sql().startsWith("CREATE OR REPLACE VIEW \"public\".\"vs\" AS\n SELECT a"),
        pre.get(2).sql());
  }

  @Test
  void anOwnerThatRevokedItsOwnRightsKeepsOnlyTheRest() {
    DumpScript script = new CatalogSchemaScripter().script(withGrants(List.of(
        new Catalog.Grant("TABLE", "s", "t", "s.t", null, "SELECT", "owner", false, true),
        new Catalog.Grant("TABLE", "s", "t", "s.t", null, "INSERT", "owner", false, true))));
    assertEquals("REVOKE ALL ON TABLE s.t FROM PUBLIC;\nREVOKE ALL ON TABLE s.t FROM CURRENT_USER;\n"
        + "GRANT INSERT, SELECT ON TABLE s.t TO CURRENT_USER;", acls(script).get(0).sql());
  }

  @Test
  void inventoriedKindsTheScripterDoesNotWriteAreReportedInOneLine() {
    Catalog cat = catalog(List.of(), List.of(), List.of(), List.of(), List.of(
        new Catalog.InventoryItem("table", "public.t"),
        new Catalog.InventoryItem("subscription", "sub1"),
        new Catalog.InventoryItem("security label", "table public.t"),
        new Catalog.InventoryItem("user mapping whose options this role cannot read",
            "\"new\nline\" on server srv")));
    DumpScript script = new CatalogSchemaScripter().script(cat);
    assertEquals(List.of("subscription sub1", "security label table public.t",
        "user mapping whose options this role cannot read \"new\nline\" on server srv"),
        script.unscripted());
    String refusal = script.refusal();
    assertTrue(refusal.startsWith("the java engine cannot back up subscription sub1"
        + " (and 2 more: security label table public.t, user mapping whose options this role"
        + " cannot read \"new?line\" on server srv);"), refusal);
    assertTrue(refusal.contains("--engine pg_dump") && refusal.contains("--skip-unsupported"), refusal);
    assertFalse(refusal.contains("\n"), refusal);
    assertTrue(new CatalogSchemaScripter(new ing.paperclip.db.core.catalog.CatalogReader(),
        java.util.Set.of("schema")).script(cat).unscripted().contains("table public.t"));
    assertThrows(IllegalArgumentException.class, () -> new CatalogSchemaScripter(
        new ing.paperclip.db.core.catalog.CatalogReader(), java.util.Set.of("subscription")));
  }

  @Test
  void aNotValidDomainCheckIsAddedAfterTheRows() {
    Catalog.Type d = new Catalog.Type("public", "d2", "domain", List.of(), "integer", false, null,
        null, List.of(new Catalog.NamedDef("ok", "CHECK (VALUE > 0)"),
            new Catalog.NamedDef("pos", "CHECK (VALUE > 0) NOT VALID")), List.of(), List.of());
    Catalog cat = new Catalog(150000, "db", List.of(new Catalog.Schema("public", "owner")),
        List.of(), List.of(d), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    DumpScript script = new CatalogSchemaScripter().script(cat);
    assertEquals("CREATE DOMAIN \"public\".\"d2\" AS integer\n    CONSTRAINT \"ok\" CHECK (VALUE > 0);",
        script.preData().get(0).sql());
    assertTrue(script.postData().stream().anyMatch(o -> o.sql().equals(
        "ALTER DOMAIN \"public\".\"d2\" ADD CONSTRAINT \"pos\" CHECK (VALUE > 0) NOT VALID;")));
  }
}
