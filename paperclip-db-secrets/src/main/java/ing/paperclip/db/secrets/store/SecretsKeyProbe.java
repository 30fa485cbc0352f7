package ing.paperclip.db.secrets.store;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.keys.SecretsProbe;
import ing.paperclip.db.core.keys.SecretsProbeResult;
import ing.paperclip.db.secrets.LocalEncryptedProvider;
import ing.paperclip.db.secrets.SecretMaterial;
import ing.paperclip.db.secrets.SecretsException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The {@link SecretsProbe} of {@code local_encrypted} secrets: every version of every
 * {@code local_encrypted} secret is decrypted once with the provider's key (authenticated: v2
 * material also checks its secret id and version) and the value dropped at once; versions are
 * counted per key they name: the v2 material's {@code kid} (it travels with the ciphertext), else
 * the {@code master-key:<fingerprint>} of {@code provider_version_ref}, else {@link
 * SecretsProbeResult#UNRECORDED}. Damaged material counts as not opening. Reads in one read-only transaction with a cursor, so memory stays flat.
 *
 * <p>Stateless apart from the key; thread-safe.
 */
public final class SecretsKeyProbe implements SecretsProbe {
  private final LocalEncryptedProvider provider;

  /**
   * Creates a probe trying the provider's key.
   *
   * @param provider the provider holding the instance's current key
   */
  public SecretsKeyProbe(LocalEncryptedProvider provider) {
    this.provider = Objects.requireNonNull(provider, "provider");
  }

  @Override
  public String currentFingerprint() {
    return provider.keyFingerprint();
  }

  @Override
  public SecretsProbeResult probe(DataSource database) {
    Objects.requireNonNull(database, "database");
    Map<String, long[]> byKey = new TreeMap<>();
    long versions = 0;
    long opened = 0;
    try (Connection c = database.getConnection()) {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      try (Statement s = c.createStatement()) {
        s.setFetchSize(500);
        boolean present;
        try (ResultSet rs = s.executeQuery("SELECT to_regclass('public.company_secret_versions') IS NOT NULL "
            + "AND to_regclass('public.company_secrets') IS NOT NULL")) {
          rs.next();
          present = rs.getBoolean(1);
        }
        if (present) {
          try (ResultSet rs = s.executeQuery("SELECT v.secret_id, v.version, v.material::text, v.provider_version_ref, "
              + "s.name FROM public.company_secret_versions v JOIN public.company_secrets s ON s.id = v.secret_id "
              + "WHERE s.provider = 'local_encrypted' ORDER BY v.secret_id, v.version")) {
            while (rs.next()) {
              SecretMaterial material = parse(rs.getString(3));
              boolean ok = material != null && opens(material, rs.getObject(1, UUID.class), rs.getInt(2), rs.getString(5));
              String ref = rs.getString(4);
              String fp = material != null && material.kid() != null ? material.kid()
                  : ref != null && ref.startsWith(KeyCheck.REF_PREFIX)
                  ? ref.substring(KeyCheck.REF_PREFIX.length()) : SecretsProbeResult.UNRECORDED;
              long[] n = byKey.computeIfAbsent(fp, k -> new long[2]);
              n[0]++;
              versions++;
              if (ok) {
                n[1]++;
                opened++;
              }
            }
          }
        }
      }
      c.rollback();
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.DATABASE, "cannot read the secret versions to check the master key: "
          + e.getMessage(), e);
    }
    List<SecretsProbeResult.KeyCount> counts = new ArrayList<>();
    byKey.forEach((fp, n) -> counts.add(new SecretsProbeResult.KeyCount(fp, n[0], n[1])));
    return new SecretsProbeResult(provider.keyFingerprint(), versions, opened, counts);
  }

  private static SecretMaterial parse(String material) {
    try {
      return material == null ? null : SecretMaterial.fromJson(material);
    } catch (SecretsException damaged) {
      return null;
    }
  }

  private boolean opens(SecretMaterial material, UUID secretId, int version, String secretName) {
    try {
      return provider.opens(material, secretId, version, secretName);
    } catch (SecretsException | IllegalArgumentException | NullPointerException damaged) {
      return false;
    }
  }
}
