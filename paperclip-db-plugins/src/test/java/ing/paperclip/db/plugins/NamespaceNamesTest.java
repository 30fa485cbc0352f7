package ing.paperclip.db.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamespaceNamesTest {
  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "acme.crm|NULL|plugin_acme_crm_",
      "Acme.CRM|NULL|plugin_acme_crm_",
      "acme.crm|Sales Pipeline!|plugin_sales_pipeline__",
      "ünïcode-plugin|NULL|plugin__n_code_plugin_",
      "🚀rocket|NULL|plugin__rocket_",
      "a-very-long-plugin-key-that-goes-on-and-on-forever.example.com|NULL|plugin_a_very_long_plugin_key_that_goes_on__",
      "x|   |plugin_x_",
      "@scope/pkg|NULL|plugin__scope_pkg_"})
  void table(String key, String slug, String prefix) {
    String name = NamespaceNames.schema(key, Optional.ofNullable(slug));
    assertTrue(name.startsWith(prefix), name);
    assertEquals(prefix.length() + 10, name.length(), name);
    assertEquals(NamespaceNames.sha256Hex(key).substring(0, 10), name.substring(name.length() - 10));
    assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= 63);
    assertTrue(name.matches("[a-z0-9_]+"), name);
  }

  @ParameterizedTest
  @CsvSource({"''", "'   '"})
  void blankKeysAreRefused(String key) {
    assertThrows(PluginException.class, () -> NamespaceNames.schema(key, Optional.empty()));
  }
}
