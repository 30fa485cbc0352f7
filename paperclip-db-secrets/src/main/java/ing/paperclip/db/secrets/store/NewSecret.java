package ing.paperclip.db.secrets.store;

import java.util.Objects;
import java.util.UUID;

/**
 * A secret to create: which company, its stable {@code key} (what references name, e.g.
 * {@code github_token}), its display {@code name} and its value. Built by name so the two strings
 * cannot be swapped: {@code NewSecret.forCompany(id).key("github_token").name("GitHub token")
 * .value(token)}.
 *
 * <p>Immutable; {@link #toString()} never shows the value.
 *
 * @param companyId the owning company
 * @param key the stable key, unique per company among live secrets, not blank
 * @param name the display name, unique per company among live secrets, not blank
 * @param value the plaintext value, not null (a secret: never logged)
 */
public record NewSecret(UUID companyId, String key, String name, String value) {
  /** Validates. */
  public NewSecret {
    Objects.requireNonNull(companyId, "companyId");
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("a secret needs a key, e.g. github_token");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("secret '" + key + "' needs a name, e.g. \"GitHub token\"");
    }
    Objects.requireNonNull(value, "value");
  }

  /** Starts a secret of a company. */
  public static Builder forCompany(UUID companyId) {
    return new Builder(Objects.requireNonNull(companyId, "companyId"));
  }

  @Override
  public String toString() {
    return "NewSecret[companyId=" + companyId + ", key=" + key + ", name=" + name + ", value=****]";
  }

  /** Names the parts of a {@link NewSecret}; not thread-safe, use once. */
  public static final class Builder {
    private final UUID companyId;
    private String key;
    private String name;

    private Builder(UUID companyId) {
      this.companyId = companyId;
    }

    /** Sets the stable key. */
    public Builder key(String key) {
      this.key = key;
      return this;
    }

    /** Sets the display name (default: the key). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Sets the value and builds. */
    public NewSecret value(String value) {
      return new NewSecret(companyId, key, name == null ? key : name, value);
    }
  }
}
