package ing.paperclip.db.core.migrate;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether pending core migrations are applied (SPEC §2): automatically on a database the
 * embedded server just created; otherwise when {@code PAPERCLIP_MIGRATION_AUTO_APPLY=true}; otherwise
 * by asking a person at a terminal (unless {@code PAPERCLIP_MIGRATION_PROMPT=never}); otherwise
 * refused with the command to run. Never applied silently just because nobody can be asked.
 *
 * <p>Pure and immutable: the environment is passed in.
 */
public final class MigrationPolicy {
  /** Environment variable: apply pending migrations without asking. */
  public static final String ENV_AUTO_APPLY = "PAPERCLIP_MIGRATION_AUTO_APPLY";
  /** Environment variable: {@code never} disables the prompt. */
  public static final String ENV_PROMPT = "PAPERCLIP_MIGRATION_PROMPT";

  /** Asks a person; returns their answer. */
  @FunctionalInterface
  public interface Prompter {
    /** Asks the question and returns true for yes. */
    boolean confirm(String question);
  }

  /** What to do with pending migrations. */
  public enum Decision {
    /** Apply them now. */
    APPLY,
    /** Do not apply; the caller refuses with {@link #refusal}. */
    REFUSE
  }

  private final Map<String, String> env;

  /** Creates a policy reading the given environment. */
  public MigrationPolicy(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  /**
   * Decides.
   *
   * @param freshEmbedded whether the embedded server just created this database
   * @param pendingCount how many changesets are pending
   * @param prompter asks a person at a terminal; null when there is none
   */
  public Decision decide(boolean freshEmbedded, int pendingCount, Prompter prompter) {
    if (pendingCount == 0 || freshEmbedded) {
      return Decision.APPLY;
    }
    if ("true".equalsIgnoreCase(env.getOrDefault(ENV_AUTO_APPLY, "").strip())) {
      return Decision.APPLY;
    }
    boolean promptAllowed = !"never".equals(env.getOrDefault(ENV_PROMPT, "").strip().toLowerCase(Locale.ROOT));
    if (prompter != null && promptAllowed) {
      return prompter.confirm(pendingCount + " core schema migration(s) pending. Apply them now?")
          ? Decision.APPLY : Decision.REFUSE;
    }
    return Decision.REFUSE;
  }

  /** Returns the one-line refusal for {@code pendingCount} pending migrations. */
  public static String refusal(int pendingCount) {
    return pendingCount + " core schema migration(s) pending and not applied automatically; run "
        + "'paperclipai db migrate' (or set " + ENV_AUTO_APPLY + "=true)";
  }
}
