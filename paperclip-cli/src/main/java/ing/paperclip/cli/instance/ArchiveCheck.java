package ing.paperclip.cli.instance;

import ing.paperclip.cli.CliContext;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.secrets.MasterKey;
import ing.paperclip.db.secrets.SealedMasterKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Everything checked about an archive before anything is written: its tar structure and every
 * member against the manifest ({@link InstanceArchive#read}), the sealed key opened with the
 * passphrase and the manifest's HMAC under it, and the database backup verified by the backup
 * module's {@link BackupVerifier} (signed by the archive's key when it carries one).
 */
final class ArchiveCheck {
  private ArchiveCheck() {}

  /**
   * The checked archive.
   *
   * @param contents the extracted members (in the caller's staging directory)
   * @param key the opened master key, when the archive carries one and it was opened
   * @param authenticated whether the manifest's HMAC was checked with the archive's own key
   * @param database the database backup's verification report
   */
  record Checked(InstanceArchive.Contents contents, Optional<MasterKey> key, boolean authenticated,
      VerificationReport database) {
    boolean hasSealedKey() {
      return contents.file(InstanceArchive.SEALED_KEY).isPresent();
    }
  }

  /**
   * Checks an archive.
   *
   * @param openKey open the sealed key (asking for the passphrase); when false and no passphrase is
   *     available, the key is left closed and the database backup checked without its signature
   * @throws PaperclipException one line naming what is wrong; nothing has been written outside staging
   */
  static Checked check(CliContext ctx, Path archive, Path staging, boolean openKey) throws IOException {
    InstanceArchive.Contents c = InstanceArchive.read(archive, staging);
    Optional<MasterKey> key = Optional.empty();
    Optional<Path> sealed = c.file(InstanceArchive.SEALED_KEY);
    boolean canAsk = openKey || ctx.env().containsKey(Passphrase.ENV) || ctx.interactive();
    if (sealed.isPresent() && canAsk) {
      String text = Files.readString(sealed.get(), StandardCharsets.UTF_8).strip();
      char[] pass = Passphrase.read(ctx, "the archive's sealed master key", false);
      try {
        key = Optional.of(SealedMasterKey.open(text, pass));
      } finally {
        Arrays.fill(pass, '\0');
      }
      if (!key.get().fingerprint().equals(c.manifest().path("sealedKeyFingerprint").asText())) {
        throw InstanceArchive.damaged(archive, "its sealed key is not the one its manifest names");
      }
      if (c.mac().isEmpty() || !InstanceArchive.macMatches(key.get(), c.manifestBytes(), c.mac().get())) {
        throw InstanceArchive.damaged(archive, "its manifest is not authenticated by its own master key (changed?)");
      }
    }
    VerificationReport db;
    try {
      db = new BackupVerifier(key.map(k -> k), key.isEmpty()).verifyOrThrow(c.database());
    } catch (PaperclipException e) {
      throw new PaperclipException(e.code(), "the instance archive " + archive.getFileName() + " holds a database "
          + "backup that does not verify (" + e.getMessage() + "); nothing was written", e);
    }
    return new Checked(c, key, key.isPresent(), db);
  }
}
