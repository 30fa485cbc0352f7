package ing.paperclip.db.secrets.migrate;

import ing.paperclip.db.secrets.LocalEncryptedProvider;
import ing.paperclip.db.secrets.SecretMaterial;
import ing.paperclip.db.secrets.SecretsException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import ing.paperclip.db.secrets.internal.Jdbc;
import ing.paperclip.db.secrets.store.KeyCheck;
import javax.sql.DataSource;

/**
 * Re-encrypts every secret version under a new master key in one transaction: each version is
 * decrypted with the old key, encrypted with the new one (same scheme), and decrypted again with
 * the new key and compared before anything commits. A dry run only checks that every version
 * decrypts with the old key.
 */
public final class Rekey {
  private final DataSource dataSource;
  private final LocalEncryptedProvider oldKey;
  private final LocalEncryptedProvider newKey;

  /** Creates a rekey from one provider to another. */
  public Rekey(DataSource dataSource, LocalEncryptedProvider oldKey, LocalEncryptedProvider newKey) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.oldKey = Objects.requireNonNull(oldKey, "oldKey");
    this.newKey = Objects.requireNonNull(newKey, "newKey");
  }

  /**
   * Runs the rekey.
   *
   * @param apply false for a dry run
   * @return how many versions were (or would be) re-encrypted
   * @throws SecretsException when a version does not decrypt with the old key (nothing changes)
   */
  public int run(boolean apply) {
    record Version(UUID id, UUID secretId, int version, String material, String secretName) {}
    return Jdbc.inTransaction(dataSource, tx -> {
      KeyCheck.requireMatches(tx, oldKey, "re-encrypt the secrets with the current key as the old one");
      List<Version> rows = Jdbc.list(tx, "SELECT v.id, v.secret_id, v.version, v.material::text, s.name "
          + "FROM public.company_secret_versions v JOIN public.company_secrets s ON s.id = v.secret_id "
          + "WHERE s.provider = 'local_encrypted' ORDER BY v.secret_id, v.version FOR UPDATE OF v",
          rs -> new Version(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getInt(3), rs.getString(4),
              rs.getString(5)));
      int n = 0;
      for (Version r : rows) {
        UUID id = r.id();
        UUID secretId = r.secretId();
        int version = r.version();
        String secretName = r.secretName();
        SecretMaterial old = SecretMaterial.fromJson(r.material());
        String value = oldKey.decrypt(old, secretId, version, secretName);
        if (apply) {
          byte[] iv = new byte[12];
          new java.security.SecureRandom().nextBytes(iv);
          SecretMaterial fresh = newKey.encryptWithIv(value, iv, old.scheme(), secretId, version);
          if (!newKey.decrypt(fresh, secretId, version, secretName).equals(value)) {
            throw new SecretsException("re-encrypted secret '" + secretName + "' version " + version
                + " did not verify under the new key " + newKey.keyFingerprint() + "; nothing was changed");
          }
          String json = fresh.toJson();
          Jdbc.update(tx, "UPDATE public.company_secret_versions SET material = ?::jsonb, fingerprint_sha256 = ?, "
              + "provider_version_ref = ? WHERE id = ?", json, LocalEncryptedProvider.sha256Hex(json),
              KeyCheck.ref(newKey.keyFingerprint()), id);
        }
        n++;
      }
      return n;
    });
  }

}
