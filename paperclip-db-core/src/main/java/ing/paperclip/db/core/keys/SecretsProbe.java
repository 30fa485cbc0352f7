package ing.paperclip.db.core.keys;

import javax.sql.DataSource;

/**
 * Tells whether the instance's current master key opens every secret version a database holds,
 * e.g. right after a restore, when secrets written under another instance's key would otherwise
 * fail only later, one agent at a time. The secrets module implements it; the CLI hands it to the
 * restore, so neither the backup module nor core depends on the secrets module.
 *
 * <p>Implementations test-decrypt in one pass and keep no plaintext; they are thread-safe.
 */
public interface SecretsProbe {
  /** Returns the fingerprint of the key the probe tries (safe to print). */
  String currentFingerprint();

  /**
   * Test-decrypts every secret version of the database with the current key.
   *
   * @param database the database, not null
   * @return the counts, per recorded key; no versions when the database has no secrets table
   * @throws ing.paperclip.db.core.PaperclipException when the database cannot be read
   */
  SecretsProbeResult probe(DataSource database);
}
