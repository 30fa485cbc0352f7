package ing.paperclip.db.secrets.strict;

import com.fasterxml.jackson.databind.JsonNode;
import ing.paperclip.db.secrets.SecretsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Strict mode ({@code PAPERCLIP_SECRETS_STRICT_MODE}, config {@code secrets.strictMode}): env
 * bindings whose name looks sensitive ({@link SensitiveKeys}) must be secret references, not plain
 * non-empty values. Hosts call {@link #check} on an agent's env map before saving it.
 */
public final class StrictMode {
  private final boolean enabled;

  /** Creates the validator; when disabled it accepts everything. */
  public StrictMode(boolean enabled) {
    this.enabled = enabled;
  }

  /** Reads the setting: the environment wins over the config value. */
  public static StrictMode from(Map<String, String> env, boolean configValue) {
    String v = env.get("PAPERCLIP_SECRETS_STRICT_MODE");
    return new StrictMode(v != null && !v.isBlank() ? v.strip().equalsIgnoreCase("true") : configValue);
  }

  /** Returns whether strict mode is on. */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Returns the names of plain, non-empty, sensitive bindings in an env object (values may be a
   * string, {@code {"type":"plain","value":..}} or {@code {"type":"secret_ref",...}}).
   */
  public static List<String> plainSensitive(JsonNode env) {
    List<String> out = new ArrayList<>();
    if (env == null || !env.isObject()) {
      return out;
    }
    for (Map.Entry<String, JsonNode> e : env.properties()) {
      if (SensitiveKeys.isSensitive(e.getKey()) && !plainValue(e.getValue()).isEmpty()) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Returns a binding's plain value, or "" for secret references and empty values. */
  public static String plainValue(JsonNode binding) {
    if (binding == null || binding.isNull()) {
      return "";
    }
    if (binding.isTextual()) {
      return binding.asText();
    }
    if (binding.isObject() && "plain".equals(binding.path("type").asText())) {
      return binding.path("value").asText("");
    }
    return "";
  }

  /**
   * Rejects plain sensitive values when strict mode is on.
   *
   * @throws SecretsException naming the variables (never their values) and the fix
   */
  public void check(JsonNode env) {
    if (!enabled) {
      return;
    }
    List<String> bad = plainSensitive(env);
    if (!bad.isEmpty()) {
      throw new SecretsException("strict secrets mode: " + String.join(", ", bad) + " must be secret "
          + "references, not plain values; store them as secrets ('paperclipai secrets migrate-inline-env --apply')");
    }
  }
}
