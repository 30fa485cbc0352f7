package ing.paperclip.db.secrets;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;

/**
 * Encrypted material as stored in {@code company_secret_versions.material}:
 * {@code {"scheme":"local_encrypted_v1","iv":b64,"tag":b64,"ciphertext":b64}} — the original
 * Paperclip's format — or {@code local_encrypted_v2}, which binds the ciphertext to the secret id
 * and version (AES-GCM additional data) and names the key that encrypted it ({@code kid}). Holds no
 * plaintext; safe to print.
 *
 * @param scheme {@code local_encrypted_v1} or {@code local_encrypted_v2}
 * @param kid the fingerprint of the master key that encrypted v2 material (first 12 hex digits of
 *     its SHA-256), or null (v1, the original's exact shape, and v2 material written before it was
 *     recorded). A label, not authenticated: it is not part of the additional data, so that builds
 *     which predate it still open the material; a decryption decides whether a key fits, the label
 *     only names the key that is needed when it does not
 * @param iv base64 of the 12-byte IV
 * @param tag base64 of the 16-byte GCM tag
 * @param ciphertext base64 of the ciphertext (without the tag)
 */
@JsonPropertyOrder({"scheme", "kid", "iv", "tag", "ciphertext"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretMaterial(String scheme, String kid, String iv, String tag, String ciphertext) {
  /** The original Paperclip's scheme. */
  public static final String V1 = "local_encrypted_v1";
  /** Our scheme with additional authenticated data (secret id and version). */
  public static final String V2 = "local_encrypted_v2";

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** Validates. */
  public SecretMaterial {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(iv, "iv");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(ciphertext, "ciphertext");
    if (kid != null && !kid.matches("[0-9a-f]{12}")) {
      // never echoed: only a fingerprint belongs here
      throw new SecretsException("secret material has a kid that is not a key fingerprint (12 hex digits)");
    }
  }

  /** Creates material without a key label (v1, the original Paperclip's shape). */
  public SecretMaterial(String scheme, String iv, String tag, String ciphertext) {
    this(scheme, null, iv, tag, ciphertext);
  }

  /** Returns the material as the JSON stored in the database. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses stored material.
   *
   * @throws SecretsException when it is not material JSON (the text is not echoed)
   */
  public static SecretMaterial fromJson(String json) {
    try {
      SecretMaterial m = JSON.readValue(json, SecretMaterial.class);
      if (m == null) {
        throw new SecretsException("secret material is empty");
      }
      return m;
    } catch (JsonProcessingException | NullPointerException e) {
      if (e.getCause() instanceof SecretsException s) {
        throw s;
      }
      throw new SecretsException("secret material is not valid local_encrypted JSON "
          + "(scheme, iv, tag, ciphertext)", e);
    }
  }
}
