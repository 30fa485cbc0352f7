package ing.paperclip.db.secrets.store;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A secret without its value, as listed.
 *
 * @param id the secret's id
 * @param companyId its company
 * @param key its key (unique per company among live secrets)
 * @param name its name (unique per company among live secrets)
 * @param provider e.g. {@code local_encrypted}
 * @param status e.g. {@code active}
 * @param latestVersion the newest version number
 * @param createdAt creation time
 * @param deletedAt soft-deletion time, or null
 */
public record SecretInfo(UUID id, UUID companyId, String key, String name, String provider,
    String status, int latestVersion, OffsetDateTime createdAt, OffsetDateTime deletedAt) {}
