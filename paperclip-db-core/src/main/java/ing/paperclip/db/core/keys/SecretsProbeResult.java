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

  /** Returns e.g. {@code "46 of 46 secret versions decrypt with the current key (fingerprint 0123456789ab)"}. */
  public String summary() {
    return String.format(Locale.ROOT, "%d of %d secret versions decrypt with the current key (fingerprint %s)",
        opened, versions, currentFingerprint);
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
