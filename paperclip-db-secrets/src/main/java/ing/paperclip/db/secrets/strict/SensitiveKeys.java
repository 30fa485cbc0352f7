package ing.paperclip.db.secrets.strict;

import java.util.regex.Pattern;

/**
 * The one place that decides whether an environment variable name looks sensitive: it contains
 * (case-insensitively, ignoring {@code _ - .}) api key, access token, auth, bearer, secret,
 * password/passwd, credential, jwt, private key, cookie, or connection string.
 */
public final class SensitiveKeys {
  /** The pattern, applied to the name lower-cased with {@code _ - .} removed. */
  public static final Pattern SENSITIVE = Pattern.compile(
      "apikey|accesstoken|auth|bearer|secret|password|passwd|credential|jwt|privatekey|cookie|connectionstring|connstr");

  private SensitiveKeys() {}

  /** Returns whether a variable name looks sensitive. */
  public static boolean isSensitive(String name) {
    return name != null && SENSITIVE.matcher(name.toLowerCase(java.util.Locale.ROOT).replaceAll("[_\\-.]", "")).find();
  }
}
