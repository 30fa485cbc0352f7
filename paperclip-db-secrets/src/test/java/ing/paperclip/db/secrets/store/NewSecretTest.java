package ing.paperclip.db.secrets.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class NewSecretTest {
  private static final UUID COMPANY = UUID.fromString("00000000-0000-0000-0000-000000000001");

  @Test
  void partsAreNamedAndTheNameDefaultsToTheKey() {
    NewSecret s = NewSecret.forCompany(COMPANY).key("github_token").name("GitHub token").value("ghp_x");
    assertEquals(new NewSecret(COMPANY, "github_token", "GitHub token", "ghp_x"), s);
    assertEquals("github_token", NewSecret.forCompany(COMPANY).key("github_token").value("v").name());
  }

  @Test
  void toStringNeverShowsTheValueAndBlankPartsAreRefused() {
    assertFalse(NewSecret.forCompany(COMPANY).key("k").value("CANARY-42").toString().contains("CANARY"));
    assertThrows(IllegalArgumentException.class, () -> NewSecret.forCompany(COMPANY).key(" ").value("v"));
    assertThrows(NullPointerException.class, () -> NewSecret.forCompany(COMPANY).key("k").value(null));
  }
}
