package ing.paperclip.db.core.keys;

/**
 * The instance's master key as the modules that must not see it use it: by fingerprint (to record
 * which key a backup's secrets need) and through derived sub-keys (one per purpose, e.g. signing
 * backups), never the key itself. The secrets module implements it ({@code MasterKey}); the
 * backup module and the CLI take it as a parameter, so the backup module never depends on the
 * secrets module.
 *
 * <p>Implementations are immutable and thread-safe, and their {@code toString} shows the
 * fingerprint only.
 */
public interface InstanceKey {
  /** Returns the first 12 hex digits of the key's SHA-256, safe to print. */
  String fingerprint();

  /**
   * Derives a 32-byte sub-key for one purpose (HKDF-SHA256 with the purpose as info), so a key
   * handed to one use tells nothing about the master key or about another use's key.
   *
   * @param purpose a fixed label naming the use and its version, e.g. {@code "paperclip backup hmac v1"}
   * @return a new array the caller may clear after use
   */
  byte[] derive(String purpose);
}
