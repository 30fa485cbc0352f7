package ing.paperclip.db.core.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemaShapesTest {
  private static final Set<String> CORE = Set.of("issues", "agents", "user \"x\"");

  @Test
  void foreignKeysToTablesOutsideTheCoreSetAreNotCompared() {
    assertTrue(SchemaShapes.referencesCore("FOREIGN KEY (issue_id) REFERENCES public.issues(id) ON DELETE CASCADE", CORE));
    assertFalse(SchemaShapes.referencesCore("FOREIGN KEY (checkout_run_id) REFERENCES public.heartbeat_runs(id) ON DELETE SET NULL", CORE));
    assertFalse(SchemaShapes.referencesCore("FOREIGN KEY (on_behalf_of_user_id) REFERENCES public.\"user\"(id) ON DELETE SET NULL", CORE));
    assertTrue(SchemaShapes.referencesCore("FOREIGN KEY (a) REFERENCES public.\"user \"\"x\"\"\"(id)", CORE));
    assertFalse(SchemaShapes.referencesCore("FOREIGN KEY (a) REFERENCES other.issues(id)", CORE), "same name, other schema");
    assertTrue(SchemaShapes.referencesCore("FOREIGN KEY (a) REFERENCES agents(id)", CORE), "unqualified: public");
  }

  @Test
  void differencesReadAsSentences() {
    assertEquals("agents: column error_reason is missing (expected: text)",
        new SchemaShapes.Difference("agents", "column error_reason", "text", "(none)").toString());
    assertEquals("issues: index x_idx is not in the core schema (found: CREATE INDEX x_idx ON public.issues USING btree (id))",
        new SchemaShapes.Difference("issues", "index x_idx", "(none)", "CREATE INDEX x_idx ON public.issues USING btree (id)").toString());
    assertEquals("plugins: column order differs: expected a, b, found b, a",
        new SchemaShapes.Difference("plugins", "column order", "a, b", "b, a").toString());
  }
}
