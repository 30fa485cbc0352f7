package ing.paperclip.db.core.keys;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link SecretsProbe} found: how many secret versions the current key opens, overall and
 * per key fingerprint the versions record. Holds fingerprints and counts only, never key material
 * or values. Immutable.
 *
 * @param currentFingerprint the fingerprint of the key that was tried
 * @param versions the secret versions tested
 * @param opened how many of them the current key decrypts
 * @param byKey per recorded key fingerprint (in fingerprint order; {@link #UNRECORDED} for versions
 *     written without one), the versions and how many of them opened
 */
public record SecretsProbeResult(String currentFingerprint, long versions, long opened, List<KeyCount> byKey) {
  /** The fingerprint shown for versions that record none (written by the original Paperclip). */
  public static final String UNRECORDED = "not recorded";

  /** Validates and copies. */
  public SecretsProbeResult {
    Objects.requireNonNull(currentFingerprint, "currentFingerprint");
    byKey = List.copyOf(byKey);
    if (opened < 0 || opened > versions) {
      throw new IllegalArgumentException("opened must be between 0 and versions " + versions + ", got " + opened);
    }
  }

  /** Tells whether every version opened (also true when there are none). */
  public boolean allOpen() {
    return opened == versions;
  }

  /** Returns the key fingerprints of versions that did not open, in order. */
  public List<String> neededFingerprints() {
    return byKey.stream().filter(k -> k.opened() < k.versions()).map(KeyCount::fingerprint).toList();
  }

  /**
   * Returns e.g. {@code "46 of 46 secret versions decrypt with the current key (fingerprint
   * 0123456789ab)"}, and when some do not, what they need per key: {@code "40 of 46 ... (fingerprint
   * 0123456789ab); 6 need the key with fingerprint ba9876543210"}.
   */
  public String summary() {
    String head = String.format(Locale.ROOT, "%d of %d secret versions decrypt with the current key (fingerprint %s)",
        opened, versions, currentFingerprint);
    List<String> needs = needs();
    return needs.isEmpty() ? head : head + "; " + String.join("; ", needs);
  }

  /**
   * One phrase per key the versions that do not open name, e.g. {@code "6 need the key with
   * fingerprint ba9876543210"}; empty when every version opens.
   */
  public List<String> needs() {
    return byKey.stream().filter(k -> k.opened() < k.versions()).map(k -> {
      long n = k.versions() - k.opened();
      if (UNRECORDED.equals(k.fingerprint())) {
        return n + (n == 1 ? " needs" : " need") + " a key whose fingerprint was not recorded";
      }
      if (k.fingerprint().equals(currentFingerprint)) {
        return n + " name the current key but do not decrypt with it (damaged or tampered material)";
      }
      return n + (n == 1 ? " needs" : " need") + " the key with fingerprint " + k.fingerprint();
    }).toList();
  }

  /**
   * The versions recording one key fingerprint.
   *
   * @param fingerprint the recorded fingerprint, or {@link #UNRECORDED}
   * @param versions how many versions record it
   * @param opened how many of them the current key decrypts
   */
  public record KeyCount(String fingerprint, long versions, long opened) {
    /** Validates. */
    public KeyCount {
      Objects.requireNonNull(fingerprint, "fingerprint");
      if (opened < 0 || opened > versions) {
        throw new IllegalArgumentException("opened must be between 0 and versions " + versions + ", got " + opened);
      }
    }
  }
}
