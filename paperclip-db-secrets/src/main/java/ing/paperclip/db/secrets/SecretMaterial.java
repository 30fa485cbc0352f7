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
 * and version (AES-GCM additional data). Holds no plaintext; safe to print.
 *
 * @param scheme {@code local_encrypted_v1} or {@code local_encrypted_v2}
 * @param iv base64 of the 12-byte IV
 * @param tag base64 of the 16-byte GCM tag
 * @param ciphertext base64 of the ciphertext (without the tag)
 */
@JsonPropertyOrder({"scheme", "iv", "tag", "ciphertext"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretMaterial(String scheme, String iv, String tag, String ciphertext) {
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
      throw new SecretsException("secret material is not valid local_encrypted JSON "
          + "(scheme, iv, tag, ciphertext)", e);
    }
  }
}
