package ing.paperclip.db.secrets.store;

import ing.paperclip.db.secrets.LocalEncryptedProvider;
import ing.paperclip.db.secrets.SecretMaterial;
import ing.paperclip.db.secrets.SecretsException;
import ing.paperclip.db.secrets.internal.Jdbc;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * Keeps one database's secrets under one master key. Every version this library writes records
 * the fingerprint of the key that encrypted it in {@code provider_version_ref}
 * ({@code master-key:<fingerprint>}); before anything writes secret material, the key in use is
 * checked against the newest version (by that record, or by decrypting it when it was written
 * without one, e.g. by the original Paperclip), and a mismatch is refused with both fingerprints
 * before anything changes. Nobody should create a new key for a database that already holds
 * secrets: {@link #requireNoSecrets} says so with what to do.
 *
 * <p>Stateless; thread-safe.
 */
public final class KeyCheck {
  /** The prefix of {@code provider_version_ref} values naming the key's fingerprint. */
  public static final String REF_PREFIX = "master-key:";

  private KeyCheck() {}

  /**
   * The newest secret version of the database, which decides which key is the database's.
   *
   * @param secretName the secret's name
   * @param version its version number
   * @param fingerprint the key fingerprint recorded with it, empty when it was written without one
   * @param versions how many {@code local_encrypted} versions the database holds
   */
  public record Newest(String secretName, int version, Optional<String> fingerprint, long versions) {
    /** Returns the fingerprint, or words saying it is not recorded. */
    public String fingerprintText() {
      return fingerprint.orElse("not recorded: written before fingerprints were kept");
    }
  }

  /** Returns the database's newest {@code local_encrypted} version, or empty when it holds none. */
  public static Optional<Newest> newest(Connection tx) throws SQLException {
    return row(tx).map(r -> new Newest(r.secretName(), r.version(), fingerprint(r.ref()), r.versions()));
  }

  /**
   * Refuses unless the provider's key is the one the database's secrets were written with.
   *
   * @param tx the transaction that is about to write
   * @param provider the provider holding the key in use
   * @param action what is about to happen, for the message, e.g. {@code "write secret 'x'"}
   * @throws SecretsException naming both fingerprints and what to do; nothing has been changed
   */
  public static void requireMatches(Connection tx, LocalEncryptedProvider provider, String action)
      throws SQLException {
    Optional<Row> r = row(tx);
    if (r.isEmpty()) {
      return;
    }
    Optional<String> recorded = fingerprint(r.get().ref());
    String secretName = r.get().secretName();
    int version = r.get().version();
    if (recorded.isPresent()) {
      if (recorded.get().equals(provider.keyFingerprint())) {
        return;
      }
    } else if (provider.opens(SecretMaterial.fromJson(r.get().material()), r.get().secretId(),
        version, secretName)) {
      return;
    }
    throw new SecretsException("refusing to " + action + ": the master key in use (fingerprint "
        + provider.keyFingerprint() + ") is not the key this database's secrets were written with (fingerprint "
        + recorded.orElse("not recorded") + ", newest: secret '" + secretName + "' version " + version
        + "); nothing was changed. Use that key (PAPERCLIP_SECRETS_MASTER_KEY, PAPERCLIP_SECRETS_MASTER_KEY_FILE "
        + "or secrets.localEncrypted.keyFilePath), or, with it in place, move every secret to another key with "
        + "'paperclipai secrets rekey --new-key-file FILE --apply'");
  }

  /**
   * Refuses to go on without a key when the database holds secrets: a new key could not read them
   * and would split the database between two keys.
   *
   * @param tx the database
   * @param wouldCreate the key file that would have been created
   * @throws SecretsException naming the database's key fingerprint and what to do
   */
  public static void requireNoSecrets(Connection tx, Path wouldCreate) throws SQLException {
    Optional<Newest> n = newest(tx);
    if (n.isPresent()) {
      throw new SecretsException("refusing to create a new master key at " + wouldCreate + ": the database already "
          + "holds " + n.get().versions() + " secret version(s) written with another key (fingerprint "
          + n.get().fingerprintText() + ", newest: secret '" + n.get().secretName() + "' version " + n.get().version()
          + "); nothing was changed. Restore that key to " + wouldCreate + ", or point PAPERCLIP_SECRETS_MASTER_KEY_FILE "
          + "or secrets.localEncrypted.keyFilePath at it");
    }
  }

  /** Same as {@link #requireNoSecrets(Connection, Path)} on a data source. */
  public static void requireNoSecrets(javax.sql.DataSource dataSource, Path wouldCreate) {
    Jdbc.inTransaction(dataSource, tx -> {
      requireNoSecrets(tx, wouldCreate);
      return null;
    });
  }

  /** Returns the {@code provider_version_ref} value recording a key. */
  public static String ref(String fingerprint) {
    return REF_PREFIX + fingerprint;
  }

  private static Optional<String> fingerprint(String ref) {
    return ref != null && ref.startsWith(REF_PREFIX) ? Optional.of(ref.substring(REF_PREFIX.length())) : Optional.empty();
  }

  private record Row(UUID secretId, int version, String material, String ref, String secretName, long versions) {
    @Override
    public String toString() {
      return "Row[secret " + secretId + " version " + version + "]"; // never the material
    }
  }

  private static Optional<Row> row(Connection tx) throws SQLException {
    return Jdbc.first(tx, "SELECT v.secret_id, v.version, v.material::text, v.provider_version_ref, s.name, "
        + "count(*) OVER () FROM public.company_secret_versions v JOIN public.company_secrets s ON s.id = v.secret_id "
        + "WHERE s.provider = 'local_encrypted' ORDER BY v.created_at DESC, v.version DESC, v.id LIMIT 1",
        rs -> new Row(rs.getObject(1, UUID.class), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
            rs.getLong(6)));
  }
}
