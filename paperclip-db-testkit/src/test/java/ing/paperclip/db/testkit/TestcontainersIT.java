package ing.paperclip.db.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** The container path; skipped (not failed) where no Docker engine answers, as on this project's CI. */
@EnabledIf(value = "ing.paperclip.db.testkit.PaperclipTestServers#dockerAvailable",
    disabledReason = "no Docker engine answered")
class TestcontainersIT {
  @Test
  void thePinnedImageServesAMigratedDatabase() throws Exception {
    PaperclipTestDatabase db = PaperclipTestServers.newContainerDatabase("container");
    assertEquals("testcontainers", db.serverKind());
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      String expectedMajor = PaperclipTestServers.CONTAINER_IMAGE.replaceAll("^postgres:(\\d+).*$", "$1");
      assertEquals(expectedMajor, PaperclipDatabaseIT.scalar(s,
          "SELECT current_setting('server_version_num')::int / 10000"));
      assertEquals("true", PaperclipDatabaseIT.scalar(s,
          "SELECT (to_regclass('public.issues') IS NOT NULL)::text"));
    }
  }
}
