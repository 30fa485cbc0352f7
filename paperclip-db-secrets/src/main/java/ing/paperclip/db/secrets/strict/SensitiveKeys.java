package ing.paperclip.db.secrets.strict;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place that decides whether an environment variable name looks sensitive, for strict
 * mode, {@code secrets migrate-inline-env} and the {@code .env} an instance archive keeps. A name
 * is sensitive when, lower-cased with {@code _ - .} removed, it contains one of {@link #SENSITIVE}
 * (api key, token, auth, bearer, secret, password/passwd/passphrase, credential, jwt, private,
 * cookie, connection string), or when it ends with one of the words {@link #SENSITIVE_ENDINGS}
 * ({@code _KEY}, {@code _PAT}, {@code _PASS}, or is exactly that word). It errs towards too many:
 * a setting taken for a secret is kept out of plain text, a secret taken for a setting would leak.
 */
public final class SensitiveKeys {
  /** Contained anywhere, applied to the name lower-cased with {@code _ - .} removed. */
  public static final Pattern SENSITIVE = Pattern.compile(
      "apikey|token|auth|bearer|secret|password|passwd|passphrase|credential|jwt|private|cookie|connectionstring"
          + "|connstr");
  /** Whole last words of the name (after {@code _ - .} or alone), case-insensitive. */
  public static final Pattern SENSITIVE_ENDINGS = Pattern.compile("(?i)(^|[_.-])(key|pat|pass)$");

  private SensitiveKeys() {}

  /** Returns whether a variable name looks sensitive. */
  public static boolean isSensitive(String name) {
    if (name == null) {
      return false;
    }
    return SENSITIVE.matcher(name.toLowerCase(Locale.ROOT).replaceAll("[_\\-.]", "")).find()
        || SENSITIVE_ENDINGS.matcher(name).find();
  }
}
