package ing.paperclip.db.backup.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import ing.paperclip.db.backup.internal.Json;
import ing.paperclip.db.core.keys.InstanceKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The optional signature of a backup: an HMAC-SHA256, with a key derived from the instance's
 * master key ({@link #PURPOSE}), over the exact bytes of the manifest JSON as written without its
 * signature. The manifest holds the body's SHA-256 (header, settings, every statement and, in
 * format 2, each COPY block's checksum) and each block's SHA-256, row count and gzip member
 * position, so a valid HMAC authenticates every byte of text a restore reads.
 *
 * <p>The signature is the manifest's last property, written exactly as
 * {@code ,"signature":{"keyFingerprint":"<12 hex>","hmacSha256":"<64 hex>"}} before the closing
 * brace: readers that do not know it ignore it (no format change), and the signed bytes are the
 * line with that text removed. Stateless and thread-safe.
 */
public final class BackupSignature {
  /** The HKDF purpose of the signing sub-key. */
  public static final String PURPOSE = "paperclip backup hmac v1";
  /** The manifest property holding the signature. */
  public static final String FIELD = "signature";

  private static final Pattern SUFFIX = Pattern.compile(
      ",\"signature\":\\{\"keyFingerprint\":\"([0-9a-f]{12})\",\"hmacSha256\":\"([0-9a-f]{64})\"\\}\\}$");

  private BackupSignature() {}

  /**
   * Signs manifest JSON.
   *
   * @param manifestJson one-line manifest JSON without a signature, as {@link BackupManifest#toJson()} writes it
   * @param key the instance's key, not null
   * @return the same JSON with the signature added as its last property
   */
  public static String sign(String manifestJson, InstanceKey key) {
    Objects.requireNonNull(key, "key");
    if (!manifestJson.endsWith("}")) {
      throw new IllegalArgumentException("manifest JSON must be an object");
    }
    String fp = key.fingerprint();
    return manifestJson.substring(0, manifestJson.length() - 1) + ",\"" + FIELD + "\":{\"keyFingerprint\":\""
        + fp + "\",\"hmacSha256\":\"" + hmac(manifestJson, key) + "\"}}";
  }

  /**
   * Checks the signature of manifest JSON as read from a file.
   *
   * @param manifestJson the manifest line's JSON, exactly as in the file
   * @param key this instance's key, or empty when it has none
   * @return what the signature says; {@link Authenticity.Status#INVALID} for a signature that
   *     names this instance's key but does not verify, or one not written the way {@link #sign} writes it
   */
  public static Authenticity check(String manifestJson, Optional<InstanceKey> key) {
    String mine = key.map(InstanceKey::fingerprint).orElse(null);
    JsonNode declared;
    try {
      JsonNode tree = Json.MAPPER.readTree(manifestJson);
      declared = tree == null ? null : tree.get(FIELD);
    } catch (JsonProcessingException e) {
      return new Authenticity(Authenticity.Status.UNKNOWN, null, mine);
    }
    Matcher m = SUFFIX.matcher(manifestJson);
    boolean suffix = m.find();
    if (declared == null && !suffix) {
      return new Authenticity(Authenticity.Status.NOT_SIGNED, null, mine);
    }
    // A signature anywhere but where sign() puts it, or two of them, is not one this tool wrote.
    if (declared == null || !suffix || !declared.isObject() || declared.size() != 2
        || !m.group(1).equals(declared.path("keyFingerprint").asText())
        || !m.group(2).equals(declared.path("hmacSha256").asText())) {
      return new Authenticity(Authenticity.Status.INVALID, suffix ? m.group(1) : null, mine);
    }
    String signer = m.group(1);
    if (mine == null || !mine.equals(signer)) {
      return new Authenticity(Authenticity.Status.ANOTHER_KEY, signer, mine);
    }
    String unsigned = manifestJson.substring(0, m.start()) + "}";
    byte[] expected = hmac(unsigned, key.get()).getBytes(StandardCharsets.US_ASCII);
    boolean ok = MessageDigest.isEqual(expected, m.group(2).getBytes(StandardCharsets.US_ASCII));
    return new Authenticity(ok ? Authenticity.Status.THIS_INSTANCE : Authenticity.Status.INVALID, signer, mine);
  }

  private static String hmac(String text, InstanceKey key) {
    byte[] k = key.derive(PURPOSE);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(k, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }
}
