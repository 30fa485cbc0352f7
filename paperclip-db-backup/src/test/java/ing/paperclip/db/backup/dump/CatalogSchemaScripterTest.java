package ing.paperclip.db.backup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        new Catalog.Grant("SCHEMA", "x$acl$y", "x$acl$y", "\"x$acl$y\"", null, "USAGE", "r",
            false, false))));
    String sql = acls(script).get(0).sql();
    assertTrue(sql.startsWith("REVOKE ALL ON SCHEMA \"x$acl$y\" FROM PUBLIC;\nDO $acl1$ "), sql);
    assertTrue(sql.endsWith(" END $acl1$;"), sql);
  }
}
