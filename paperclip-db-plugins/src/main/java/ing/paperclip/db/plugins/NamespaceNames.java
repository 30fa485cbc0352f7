package ing.paperclip.db.plugins;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Derives a plugin's database names (SPEC §5): schema
 * {@code plugin_<slug>_<first 10 hex of sha256(pluginKey)>}, where the slug comes from the plugin's
 * namespace slug or else its key, lower-cased ({@link Locale#ROOT}), every code point outside
 * {@code [a-z0-9_]} replaced by {@code _}, cut to 36 characters. The result is at most 54 bytes
 * (under PostgreSQL's 63). The login role that owns the schema is {@code <schema>_<first 8 hex of
 * sha256(database)>} (at most 63 bytes): roles are cluster-wide, so the same plugin installed in two
 * databases of one server gets two roles with their own passwords.
 */
public final class NamespaceNames {
  private NamespaceNames() {}

  /**
   * Returns the schema name for a plugin.
   *
   * @param pluginKey the plugin's key, not blank
   * @param slug an explicit namespace slug, if the plugin declares one
   * @throws PluginException for a blank key
   */
  public static String schema(String pluginKey, Optional<String> slug) {
    if (pluginKey == null || pluginKey.isBlank()) {
      throw new PluginException("a plugin key is required (e.g. acme.crm)");
    }
    String source = slug.filter(s -> !s.isBlank()).orElse(pluginKey);
    StringBuilder sb = new StringBuilder();
    source.toLowerCase(Locale.ROOT).codePoints().forEach(cp -> {
      boolean ok = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '_';
      sb.append(ok ? (char) cp : '_');
    });
    String s = sb.length() > 36 ? sb.substring(0, 36) : sb.toString();
    return "plugin_" + s + "_" + sha256Hex(pluginKey).substring(0, 10);
  }

  /**
   * Returns the login role owning a plugin schema in a database.
   *
   * @param schema the plugin schema ({@link #schema})
   * @param database the database's name ({@code current_database()})
   */
  public static String role(String schema, String database) {
    return schema + "_" + sha256Hex(database).substring(0, 8);
  }

  /** Returns the NOLOGIN role earlier versions created ({@code <schema>_owner}), for clean-up after an upgrade. */
  public static String legacyRole(String schema) {
    return schema + "_owner";
  }

  static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
