package ing.paperclip.db.secrets.strict;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SensitiveKeysTest {
  @Test
  void tokensKeysPatsAndPasswordsAreSensitive() {
    for (String name : List.of("GITHUB_TOKEN", "GH_TOKEN", "SLACK_BOT_TOKEN", "OPENAI_API_KEY", "ANTHROPIC_API_KEY",
        "STRIPE_SECRET_KEY", "SIGNING_KEY", "KEY", "github-pat", "GITLAB_PAT", "DB_PASSWORD", "SMTP_PASS", "db.passwd",
        "PAPERCLIP_ARCHIVE_PASSPHRASE", "BETTER_AUTH_SECRET", "SSH_PRIVATE_KEY", "PRIVATE_PEM", "JWT_SIGNING",
        "SESSION_COOKIE", "DATABASE_CONNECTION_STRING", "AWS_ACCESS_TOKEN", "Bearer", "GOOGLE_CREDENTIALS",
        "x-api-key")) {
      assertTrue(SensitiveKeys.isSensitive(name), name);
    }
  }

  @Test
  void ordinarySettingsAreNot() {
    for (String name : List.of("PORT", "HOST", "PUBLIC_URL", "LOG_LEVEL", "NODE_ENV", "PAPERCLIP_HOME", "PWD",
        "KEYBOARD_LAYOUT", "MONKEY_MODE", "PATH", "COMPASS", "SERVE_UI", "DATABASE_URL")) {
      assertFalse(SensitiveKeys.isSensitive(name), name);
    }
    assertFalse(SensitiveKeys.isSensitive(null));
  }
}
