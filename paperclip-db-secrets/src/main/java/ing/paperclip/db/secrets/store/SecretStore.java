package ing.paperclip.db.secrets.store;

import ing.paperclip.db.secrets.LocalEncryptedProvider;
import ing.paperclip.db.secrets.SecretMaterial;
import ing.paperclip.db.secrets.SecretsException;
import ing.paperclip.db.secrets.internal.Jdbc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Company secrets over {@code company_secrets} and {@code company_secret_versions} (plain JDBC, every
 * value bound): create, rotate, resolve the latest or a given version, revoke a version, soft
 * delete, list without values. Names and keys are unique per company among live secrets (the
 * schema's partial unique indexes enforce it; a clash is reported by name).
 *
 * <p>{@code fingerprint_sha256} is the SHA-256 hex of the stored material JSON: it identifies the
 * exact ciphertext (it changes on rekey), while {@code value_sha256} identifies the value.
 *
 * <p>Before each write of secret material the key is checked against the database's newest
 * version ({@link KeyCheck}), and each version records its key's fingerprint. Nothing here logs a
 * statement's values or rows.
 *
 * <p>Thread-safe; each call runs in its own transaction unless given the caller's
 * {@link Connection} (from {@link #inTransaction}).
 */
public final class SecretStore {
  private static final String INFO_COLUMNS =
      "id, company_id, key, name, provider, status, latest_version, created_at, deleted_at";

  private final DataSource dataSource;
  private final LocalEncryptedProvider provider;

  /** Creates a store. */
  public SecretStore(DataSource dataSource, LocalEncryptedProvider provider) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.provider = Objects.requireNonNull(provider, "provider");
  }

  /** Work inside one transaction of the store's data source. */
  @FunctionalInterface
  public interface Work<T> {
    /** Runs on the transaction's connection (do not commit or close it). */
    T run(Connection tx) throws SQLException;
  }

  /**
   * Runs work in one transaction: committed when it returns, rolled back when it throws.
   *
   * @throws SecretsException for a database error (the {@link SQLException} is the cause)
   */
  public <T> T inTransaction(Work<T> work) {
    return Jdbc.inTransaction(dataSource, work::run);
  }

  /**
   * Creates a secret with version 1.
   *
   * @throws SecretsException when a live secret of the company has its key or name
   */
  public SecretInfo create(NewSecret secret) {
    return inTransaction(tx -> create(tx, secret));
  }

  /** Creates a secret with version 1 inside the caller's transaction. */
  public SecretInfo create(Connection tx, NewSecret secret) throws SQLException {
    KeyCheck.requireMatches(tx, provider, "write secret '" + secret.name() + "'");
    UUID id = UUID.randomUUID();
    try {
      Jdbc.update(tx, "INSERT INTO public.company_secrets (id, company_id, key, name, provider, latest_version) "
          + "VALUES (?, ?, ?, ?, 'local_encrypted', 1)", id, secret.companyId(), secret.key(), secret.name());
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new SecretsException("a live secret with name '" + secret.name() + "' or key '" + secret.key()
            + "' already exists in company " + secret.companyId() + "; rotate it or delete it first", e);
      }
      throw e;
    }
    insertVersion(tx, id, 1, secret.value());
    return get(tx, id).orElseThrow();
  }

  /**
   * Creates a secret with version 1.
   *
   * @deprecated key and name are easy to swap: use {@link #create(NewSecret)}
   */
  @Deprecated(since = "0.1.0")
  public SecretInfo create(UUID companyId, String key, String name, String value) {
    return create(new NewSecret(companyId, key, name, value));
  }

  /** Adds a new version with a new value; the previous one becomes {@code previous}. */
  public SecretInfo rotate(UUID secretId, String value) {
    return inTransaction(tx -> rotate(tx, secretId, value));
  }

  /** Rotates inside the caller's transaction. */
  public SecretInfo rotate(Connection tx, UUID secretId, String value) throws SQLException {
    record Live(int latest, boolean deleted, String name) {}
    Optional<Live> r = Jdbc.first(tx, "SELECT latest_version, deleted_at IS NOT NULL, name FROM public.company_secrets "
        + "WHERE id = ? FOR UPDATE", rs -> new Live(rs.getInt(1), rs.getBoolean(2), rs.getString(3)), secretId);
    if (r.isEmpty() || r.get().deleted()) {
      throw new SecretsException("no live secret " + secretId + "; create it first");
    }
    KeyCheck.requireMatches(tx, provider, "write a new version of secret '" + r.get().name() + "'");
    int next = r.get().latest() + 1;
    Jdbc.update(tx, "UPDATE public.company_secret_versions SET status = 'previous' WHERE secret_id = ? "
        + "AND status = 'current'", secretId);
    insertVersion(tx, secretId, next, value);
    Jdbc.update(tx, "UPDATE public.company_secrets SET latest_version = ?, last_rotated_at = now(), "
        + "updated_at = now() WHERE id = ?", next, secretId);
    return get(tx, secretId).orElseThrow();
  }

  private void insertVersion(Connection tx, UUID secretId, int version, String value) throws SQLException {
    SecretMaterial m = provider.encrypt(value, secretId, version);
    String json = m.toJson();
    Jdbc.update(tx, "INSERT INTO public.company_secret_versions (id, secret_id, version, material, value_sha256, "
        + "fingerprint_sha256, provider_version_ref, status) VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, 'current')",
        UUID.randomUUID(), secretId, version, json, LocalEncryptedProvider.sha256Hex(value),
        LocalEncryptedProvider.sha256Hex(json), KeyCheck.ref(provider.keyFingerprint()));
  }

  /**
   * Resolves a secret's value.
   *
   * @param version a version, or empty for the latest
   * @throws SecretsException when it does not exist, is deleted or revoked, or cannot be decrypted
   */
  public String resolve(UUID secretId, OptionalInt version) {
    return inTransaction(tx -> {
      record Live(int latest, String name, boolean deleted) {}
      Optional<Live> s = Jdbc.first(tx, "SELECT latest_version, name, deleted_at IS NOT NULL "
          + "FROM public.company_secrets WHERE id = ?", rs -> new Live(rs.getInt(1), rs.getString(2), rs.getBoolean(3)),
          secretId);
      if (s.isEmpty() || s.get().deleted()) {
        throw new SecretsException("no live secret " + secretId);
      }
      int v = version.orElse(s.get().latest());
      record Stored(String material, boolean revoked) {}
      Optional<Stored> row = Jdbc.first(tx, "SELECT material::text, revoked_at IS NOT NULL "
          + "FROM public.company_secret_versions WHERE secret_id = ? AND version = ?",
          rs -> new Stored(rs.getString(1), rs.getBoolean(2)), secretId, v);
      if (row.isEmpty()) {
        throw new SecretsException("secret '" + s.get().name() + "' has no version " + v);
      }
      if (row.get().revoked()) {
        throw new SecretsException("version " + v + " of secret '" + s.get().name() + "' is revoked");
      }
      String value = provider.decrypt(SecretMaterial.fromJson(row.get().material()), secretId, v, s.get().name());
      Jdbc.update(tx, "UPDATE public.company_secrets SET last_resolved_at = now() WHERE id = ?", secretId);
      return value;
    });
  }

  /** Revokes one version (it can no longer be resolved). */
  public void revoke(UUID secretId, int version) {
    inTransaction(tx -> {
      int n = Jdbc.update(tx, "UPDATE public.company_secret_versions SET revoked_at = now(), status = 'disabled' "
          + "WHERE secret_id = ? AND version = ?", secretId, version);
      if (n == 0) {
        throw new SecretsException("secret " + secretId + " has no version " + version);
      }
      return n;
    });
  }

  /** Soft-deletes a secret: its name and key become free, its versions stay. */
  public void delete(UUID secretId) {
    inTransaction(tx -> Jdbc.update(tx, "UPDATE public.company_secrets SET deleted_at = now(), status = 'deleted', "
        + "updated_at = now() WHERE id = ? AND deleted_at IS NULL", secretId));
  }

  /** Lists a company's live secrets, without values. */
  public List<SecretInfo> list(UUID companyId) {
    return inTransaction(tx -> Jdbc.list(tx, "SELECT " + INFO_COLUMNS + " FROM public.company_secrets "
        + "WHERE company_id = ? AND deleted_at IS NULL ORDER BY name", SecretStore::info, companyId));
  }

  /** Finds a company's live secret by name, inside the caller's transaction. */
  public Optional<SecretInfo> findByName(Connection tx, UUID companyId, String secretName) throws SQLException {
    return Jdbc.first(tx, "SELECT " + INFO_COLUMNS + " FROM public.company_secrets "
        + "WHERE company_id = ? AND name = ? AND deleted_at IS NULL", SecretStore::info, companyId, secretName);
  }

  private static Optional<SecretInfo> get(Connection tx, UUID id) throws SQLException {
    return Jdbc.first(tx, "SELECT " + INFO_COLUMNS + " FROM public.company_secrets WHERE id = ?", SecretStore::info, id);
  }

  private static SecretInfo info(ResultSet r) throws SQLException {
    return new SecretInfo(r.getObject(1, UUID.class), r.getObject(2, UUID.class), r.getString(3), r.getString(4),
        r.getString(5), r.getString(6), r.getInt(7), r.getObject(8, OffsetDateTime.class),
        r.getObject(9, OffsetDateTime.class));
  }
}
