package ing.paperclip.db.plugins;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Gives each plugin login role its password. Passwords are derived, never stored: the server
 * keeps only a SCRAM verifier (computed on the client, so the password is not in any statement
 * text), and the host re-derives it whenever a plugin connects. The host supplies the secret; the
 * CLI derives one from the secrets master key. Implementations must be thread-safe and must not
 * log or print what they return.
 */
@FunctionalInterface
public interface PluginCredentials {
  /**
   * Returns the password of a plugin role.
   *
   * @param role the role name ({@link NamespaceNames#role})
   * @return the password, at least 16 characters, never null
   */
  String password(String role);

  /**
   * Derives passwords as base64url(HMAC-SHA256(secret, "paperclip-plugin-role:" + role)), 43
   * characters. The secret is copied; the returned object's {@code toString} names no secret.
   *
   * @param secret at least 16 bytes of host secret (e.g. a master key's bytes)
   * @throws PluginException for a secret shorter than 16 bytes
   */
  static PluginCredentials hmacSha256(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < 16) {
      throw new PluginException("the secret for plugin role passwords is " + secret.length
          + " bytes; give at least 16");
    }
    SecretKeySpec key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    return new PluginCredentials() {
      @Override
      public String password(String role) {
        try {
          Mac mac = Mac.getInstance("HmacSHA256");
          mac.init(key);
          byte[] h = mac.doFinal(("paperclip-plugin-role:" + role).getBytes(StandardCharsets.UTF_8));
          return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
      }

      @Override
      public String toString() {
        return "PluginCredentials[hmac-sha256]";
      }
    };
  }
}
