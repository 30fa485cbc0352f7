package ing.paperclip.cli.secrets;

import ing.paperclip.cli.CliContext;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.keys.SecretsProbeResult;
import ing.paperclip.db.secrets.LocalEncryptedProvider;
import ing.paperclip.db.secrets.MasterKeyLoader;
import ing.paperclip.db.secrets.store.SecretsKeyProbe;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The key check after a restore and of {@code secrets check}: every secret version of the
 * database test-decrypted with the instance's current master key (found, never created), and a
 * failure that names the fingerprint the secrets need, the one the instance has, and the command
 * that fixes it. Prints fingerprints and counts only.
 */
public final class SecretsKeyCheck {
  /** The outcome: the probe's counts (null when the instance has no key) and the failure, if any. */
  public record Outcome(long versions, SecretsProbeResult result, Optional<String> failure) {
    /** Returns the line to print: the summary, or the failure. */
    public String line() {
      return failure.orElseGet(result::summary);
    }

    /** Returns the JSON form. */
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("versions", versions);
      m.put("opened", result == null ? 0 : result.opened());
      m.put("currentFingerprint", result == null ? null : result.currentFingerprint());
      m.put("byKey", result == null ? List.of() : result.byKey().stream().map(k -> {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("fingerprint", k.fingerprint());
        e.put("versions", k.versions());
        e.put("opened", k.opened());
        return e;
      }).toList());
      m.put("needs", result == null ? List.of() : result.needs());
      m.put("ok", failure.isEmpty());
      failure.ifPresent(f -> m.put("error", f));
      return m;
    }

    /** Throws the failure as a {@link ErrorCode#SECRETS} error, if there is one. */
    public void requireOk() {
      failure.ifPresent(f -> {
        throw new PaperclipException(ErrorCode.SECRETS, f);
      });
    }
  }

  private SecretsKeyCheck() {}

  /**
   * Checks the database's secrets against the instance's key.
   *
   * @param ctx the CLI context (environment, config, layout)
   * @param database the database to check
   * @param context how the failure begins, e.g. {@code "restored x.sql.gz, but"}
   * @return the outcome; a database without secrets passes
   */
  public static Outcome check(CliContext ctx, DataSource database, String context) {
    Optional<Path> configured = ctx.config().getText("secrets.localEncrypted.keyFilePath").map(Path::of);
    MasterKeyLoader loader = new MasterKeyLoader(ctx.env(), configured, ctx.layout().defaultMasterKeyFile());
    Optional<MasterKeyLoader.Loaded> key = loader.find();
    // "restored x, but only ..." after a restore; "only ..." from secrets check (no leading blank)
    String lead = context.isEmpty() ? "" : context + " ";
    String fix = "install that key with 'paperclipai configure --section secrets --key-file FILE' (or point "
        + MasterKeyLoader.ENV_KEY_FILE + " at it" + (ctx.env().containsKey(MasterKeyLoader.ENV_KEY)
        ? " and unset " + MasterKeyLoader.ENV_KEY : "") + "), then run 'paperclipai secrets check'";
    if (key.isEmpty()) {
      // a throwaway key: the probe still counts the versions and the keys they record
      SecretsProbeResult r = new SecretsKeyProbe(new LocalEncryptedProvider(
          ing.paperclip.db.secrets.MasterKey.of(new byte[32]), false)).probe(database);
      if (r.versions() == 0) {
        return new Outcome(0, null, Optional.empty());
      }
      return new Outcome(r.versions(), null, Optional.of(lead + "the instance has no master key (none at "
          + loader.defaultKeyFile() + ", none configured) and the database holds " + r.versions()
          + " secret versions needing " + needs(r) + "; " + fix));
    }
    SecretsProbeResult r = new SecretsKeyProbe(new LocalEncryptedProvider(key.get().key(), false)).probe(database);
    if (r.allOpen()) {
      return new Outcome(r.versions(), r, Optional.empty());
    }
    return new Outcome(r.versions(), r, Optional.of(lead + "only " + r.opened() + " of " + r.versions()
        + " secret versions decrypt with the current master key (fingerprint " + r.currentFingerprint() + ", from "
        + key.get().source() + "); " + String.join("; ", r.needs()) + "; " + fix));
  }

  /** What versions need when no key is there to try: every key they name, with its count. */
  private static String needs(SecretsProbeResult r) {
    return r.byKey().stream()
        .map(k -> (SecretsProbeResult.UNRECORDED.equals(k.fingerprint())
            ? "a key whose fingerprint was not recorded" : "the key with fingerprint " + k.fingerprint())
            + " (" + k.versions() + " version(s))")
        .collect(Collectors.joining(", "));
  }
}
