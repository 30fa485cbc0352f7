package ing.paperclip.db.backup.file;

import java.util.Objects;
import java.util.Optional;

/**
 * Who signed a backup file, as far as this instance can tell ({@link BackupSignature}). Says
 * nothing about damage: the unkeyed checksums of {@link BackupVerifier} do that. Immutable.
 *
 * @param status what was found
 * @param signer the fingerprint the file names as its signer, or null when it names none
 * @param instance the fingerprint of this instance's key, or null when it has none
 */
public record Authenticity(Status status, String signer, String instance) {

  /** What a file's signature says. */
  public enum Status {
    /** The manifest's HMAC verifies with this instance's key. */
    THIS_INSTANCE,
    /** A paperclip-db backup without a signature (written before signing, or by an instance without a key). */
    NOT_SIGNED,
    /**
     * Signed by a key other than this instance's (or this instance has none): the HMAC cannot be
     * checked here, so the file is as trustworthy as an unsigned one.
     */
    ANOTHER_KEY,
    /**
     * The file names this instance's key but its HMAC does not verify, or its signature is
     * malformed: the manifest or the signature was altered. Such a file is refused.
     */
    INVALID,
    /** A pg_dump plain file or an original Paperclip backup: formats that carry no signature. */
    NOT_SIGNABLE,
    /** The file is not a backup, or too damaged to find its manifest. */
    UNKNOWN
  }

  /** Validates. */
  public Authenticity {
    Objects.requireNonNull(status, "status");
  }

  /** Returns whether the file was signed by this instance's key and the signature verified. */
  public boolean byThisInstance() {
    return status == Status.THIS_INSTANCE;
  }

  /** Returns the signer's fingerprint, if the file names one. */
  public Optional<String> signerIfPresent() {
    return Optional.ofNullable(signer);
  }

  /**
   * Returns one line for people, e.g. {@code signed by this instance's key (fp 0123456789ab)} or
   * {@code signed by another key (fp ...; this instance has ...)}.
   *
   * @param fileKind how to name a file that cannot be signed, e.g. {@code pg_dump file}
   */
  public String describe(String fileKind) {
    String mine = instance == null ? "this instance has no key" : "this instance has " + instance;
    return switch (status) {
      case THIS_INSTANCE -> "signed by this instance's key (fp " + signer + ")";
      case NOT_SIGNED -> "not signed";
      case ANOTHER_KEY -> "signed by another key (fp " + signer + "; " + mine + ")";
      case INVALID -> "signature invalid" + (signer == null ? "" : " (names fp " + signer + ")")
          + ": the manifest or its signature was altered";
      case NOT_SIGNABLE -> "not signed (" + fileKind + ")";
      case UNKNOWN -> "unknown (no readable manifest)";
    };
  }

  /** Returns {@link #describe(String)} for a paperclip-db file. */
  public String describe() {
    return describe("not a paperclip-db file");
  }
}
