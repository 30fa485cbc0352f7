package ing.paperclip.db.secrets.store;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import ing.paperclip.db.secrets.LocalEncryptedProvider;
import ing.paperclip.db.secrets.SecretMaterial;
import ing.paperclip.db.secrets.SecretsException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Company secrets over {@code company_secrets} and {@code company_secret_versions} (jOOQ, every
 * value bound): create, rotate, resolve the latest or a given version, revoke a version, soft
 * delete, list without values. Names and keys are unique per company among live secrets (the
 * schema's partial unique indexes enforce it; a clash is reported by name).
 *
 * <p>{@code fingerprint_sha256} is the SHA-256 hex of the stored material JSON: it identifies the
 * exact ciphertext (it changes on rekey), while {@code value_sha256} identifies the value.
 *
 * <p>Before each write of secret material the key is checked against the database's newest
 * version ({@link KeyCheck}), and each version records its key's fingerprint. jOOQ runs with its
 * execute logging off, so no level of logging shows a statement's bind values or fetched rows.
 *
 * <p>Thread-safe; each call runs in its own transaction unless given a {@link DSLContext}.
 */
public final class SecretStore {
  static final Table<Record> SECRETS = table(name("public", "company_secrets"));
  static final Table<Record> VERSIONS = table(name("public", "company_secret_versions"));
  static final Field<UUID> ID = field(name("id"), SQLDataType.UUID);
  static final Field<UUID> COMPANY_ID = field(name("company_id"), SQLDataType.UUID);
  static final Field<String> KEY = field(name("key"), SQLDataType.CLOB);
  static final Field<String> NAME = field(name("name"), SQLDataType.CLOB);
  static final Field<String> PROVIDER = field(name("provider"), SQLDataType.CLOB);
  static final Field<String> STATUS = field(name("status"), SQLDataType.CLOB);
  static final Field<Integer> LATEST = field(name("latest_version"), SQLDataType.INTEGER);
  static final Field<OffsetDateTime> CREATED = field(name("created_at"), SQLDataType.TIMESTAMPWITHTIMEZONE);
  static final Field<OffsetDateTime> UPDATED = field(name("updated_at"), SQLDataType.TIMESTAMPWITHTIMEZONE);
  static final Field<OffsetDateTime> DELETED = field(name("deleted_at"), SQLDataType.TIMESTAMPWITHTIMEZONE);
  static final Field<OffsetDateTime> ROTATED = field(name("last_rotated_at"), SQLDataType.TIMESTAMPWITHTIMEZONE);
  static final Field<UUID> SECRET_ID = field(name("secret_id"), SQLDataType.UUID);
  static final Field<Integer> VERSION = field(name("version"), SQLDataType.INTEGER);
  static final Field<JSONB> MATERIAL = field(name("material"), SQLDataType.JSONB);
  static final Field<String> VALUE_SHA = field(name("value_sha256"), SQLDataType.CLOB);
  static final Field<String> FINGERPRINT = field(name("fingerprint_sha256"), SQLDataType.CLOB);
  static final Field<OffsetDateTime> REVOKED = field(name("revoked_at"), SQLDataType.TIMESTAMPWITHTIMEZONE);

  /**
   * jOOQ without its execute and diagnostics loggers: at DEBUG they print statements with bind
   * values inlined and result rows, and here those are secret values and material.
   */
  private static final Settings SETTINGS = new Settings().withExecuteLogging(false)
      .withExecuteLoggingSQLExceptions(false).withDiagnosticsLogging(false).withTransformPatternsLogging(false);

  private final DataSource dataSource;
  private final LocalEncryptedProvider provider;

  /** Creates a store. */
  public SecretStore(DataSource dataSource, LocalEncryptedProvider provider) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.provider = Objects.requireNonNull(provider, "provider");
  }

  private DSLContext dsl() {
    return using(dataSource);
  }

  /** Returns jOOQ on a data source with the logging settings above; every jOOQ user here goes through it. */
  public static DSLContext using(DataSource dataSource) {
    return DSL.using(dataSource, SQLDialect.POSTGRES, SETTINGS);
  }

  /** Runs work in one transaction. */
  public <T> T inTransaction(java.util.function.Function<DSLContext, T> work) {
    return dsl().transactionResult(cfg -> work.apply(DSL.using(cfg)));
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
  public SecretInfo create(DSLContext tx, NewSecret secret) {
    return create(tx, secret.companyId(), secret.key(), secret.name(), secret.value());
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

  /**
   * Creates a secret with version 1 inside the caller's transaction.
   *
   * @deprecated key and name are easy to swap: use {@link #create(DSLContext, NewSecret)}
   */
  @Deprecated(since = "0.1.0")
  public SecretInfo create(DSLContext tx, UUID companyId, String key, String name, String value) {
    KeyCheck.requireMatches(tx, provider, "write secret '" + name + "'");
    UUID id = UUID.randomUUID();
    try {
      tx.insertInto(SECRETS).set(ID, id).set(COMPANY_ID, companyId).set(KEY, key).set(NAME, name)
          .set(PROVIDER, "local_encrypted").set(LATEST, 1).execute();
    } catch (DataAccessException e) {
      if ("23505".equals(e.sqlState())) {
        throw new SecretsException("a live secret with name '" + name + "' or key '" + key
            + "' already exists in company " + companyId + "; rotate it or delete it first", e);
      }
      throw e;
    }
    insertVersion(tx, id, 1, value);
    return get(tx, id).orElseThrow();
  }

  /** Adds a new version with a new value; the previous one becomes {@code previous}. */
  public SecretInfo rotate(UUID secretId, String value) {
    return inTransaction(tx -> rotate(tx, secretId, value));
  }

  /** Rotates inside the caller's transaction. */
  public SecretInfo rotate(DSLContext tx, UUID secretId, String value) {
    Record r = tx.select(LATEST, DELETED, NAME).from(SECRETS).where(ID.eq(secretId)).forUpdate().fetchOne();
    if (r == null || r.get(DELETED) != null) {
      throw new SecretsException("no live secret " + secretId + "; create it first");
    }
    KeyCheck.requireMatches(tx, provider, "write a new version of secret '" + r.get(NAME) + "'");
    int next = r.get(LATEST) + 1;
    tx.update(VERSIONS).set(STATUS, "previous").where(SECRET_ID.eq(secretId).and(STATUS.eq("current"))).execute();
    insertVersion(tx, secretId, next, value);
    tx.update(SECRETS).set(LATEST, next).set(ROTATED, DSL.currentOffsetDateTime())
        .set(UPDATED, DSL.currentOffsetDateTime()).where(ID.eq(secretId)).execute();
    return get(tx, secretId).orElseThrow();
  }

  private void insertVersion(DSLContext tx, UUID secretId, int version, String value) {
    SecretMaterial m = provider.encrypt(value, secretId, version);
    String json = m.toJson();
    tx.insertInto(VERSIONS).set(ID, UUID.randomUUID()).set(SECRET_ID, secretId).set(VERSION, version)
        .set(MATERIAL, JSONB.valueOf(json)).set(VALUE_SHA, LocalEncryptedProvider.sha256Hex(value))
        .set(FINGERPRINT, LocalEncryptedProvider.sha256Hex(json)).set(KeyCheck.KEY_REF, KeyCheck.ref(provider.keyFingerprint()))
        .set(STATUS, "current").execute();
  }

  /**
   * Resolves a secret's value.
   *
   * @param version a version, or empty for the latest
   * @throws SecretsException when it does not exist, is deleted or revoked, or cannot be decrypted
   */
  public String resolve(UUID secretId, OptionalInt version) {
    return inTransaction(tx -> {
      Record s = tx.select(LATEST, NAME, DELETED).from(SECRETS).where(ID.eq(secretId)).fetchOne();
      if (s == null || s.get(DELETED) != null) {
        throw new SecretsException("no live secret " + secretId);
      }
      int v = version.orElse(s.get(LATEST));
      Record row = tx.select(MATERIAL, REVOKED).from(VERSIONS)
          .where(SECRET_ID.eq(secretId).and(VERSION.eq(v))).fetchOne();
      if (row == null) {
        throw new SecretsException("secret '" + s.get(NAME) + "' has no version " + v);
      }
      if (row.get(REVOKED) != null) {
        throw new SecretsException("version " + v + " of secret '" + s.get(NAME) + "' is revoked");
      }
      String value = provider.decrypt(SecretMaterial.fromJson(row.get(MATERIAL).data()), secretId, v, s.get(NAME));
      tx.update(SECRETS).set(field(name("last_resolved_at"), SQLDataType.TIMESTAMPWITHTIMEZONE),
          DSL.currentOffsetDateTime()).where(ID.eq(secretId)).execute();
      return value;
    });
  }

  /** Revokes one version (it can no longer be resolved). */
  public void revoke(UUID secretId, int version) {
    inTransaction(tx -> {
      int n = tx.update(VERSIONS).set(REVOKED, DSL.currentOffsetDateTime()).set(STATUS, "disabled")
          .where(SECRET_ID.eq(secretId).and(VERSION.eq(version))).execute();
      if (n == 0) {
        throw new SecretsException("secret " + secretId + " has no version " + version);
      }
      return n;
    });
  }

  /** Soft-deletes a secret: its name and key become free, its versions stay. */
  public void delete(UUID secretId) {
    inTransaction(tx -> tx.update(SECRETS).set(DELETED, DSL.currentOffsetDateTime()).set(STATUS, "deleted")
        .set(UPDATED, DSL.currentOffsetDateTime()).where(ID.eq(secretId).and(DELETED.isNull())).execute());
  }

  /** Lists a company's live secrets, without values. */
  public List<SecretInfo> list(UUID companyId) {
    return dsl().select(ID, COMPANY_ID, KEY, NAME, PROVIDER, STATUS, LATEST, CREATED, DELETED).from(SECRETS)
        .where(COMPANY_ID.eq(companyId).and(DELETED.isNull())).orderBy(NAME).fetch(SecretStore::info);
  }

  /** Finds a company's live secret by name, inside the caller's transaction. */
  public Optional<SecretInfo> findByName(DSLContext tx, UUID companyId, String secretName) {
    return tx.select(ID, COMPANY_ID, KEY, NAME, PROVIDER, STATUS, LATEST, CREATED, DELETED).from(SECRETS)
        .where(COMPANY_ID.eq(companyId).and(NAME.eq(secretName)).and(DELETED.isNull()))
        .fetchOptional(SecretStore::info);
  }

  private static Optional<SecretInfo> get(DSLContext tx, UUID id) {
    return tx.select(ID, COMPANY_ID, KEY, NAME, PROVIDER, STATUS, LATEST, CREATED, DELETED).from(SECRETS)
        .where(ID.eq(id)).fetchOptional(SecretStore::info);
  }

  private static SecretInfo info(Record r) {
    return new SecretInfo(r.get(ID), r.get(COMPANY_ID), r.get(KEY), r.get(NAME), r.get(PROVIDER),
        r.get(STATUS), r.get(LATEST), r.get(CREATED), r.get(DELETED));
  }
}
