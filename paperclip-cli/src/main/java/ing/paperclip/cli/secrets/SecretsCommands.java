package ing.paperclip.cli.secrets;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.TextNode;
import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.Database;
import ing.paperclip.cli.GroupCommand;
import ing.paperclip.cli.plugins.PluginsCommands;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.ConfigFile;
import ing.paperclip.db.secrets.LocalEncryptedProvider;
import ing.paperclip.db.secrets.MasterKey;
import ing.paperclip.db.secrets.MasterKeyLoader;
import ing.paperclip.db.secrets.migrate.InlineEnvMigration;
import ing.paperclip.db.secrets.migrate.Rekey;
import ing.paperclip.db.secrets.store.KeyCheck;
import ing.paperclip.db.secrets.store.SecretStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paperclipai secrets ...} and {@code paperclipai configure --section secrets}. */
@Command(name = "secrets", mixinStandardHelpOptions = true,
    description = "Company secrets: move plain env values into secrets, re-encrypt under a new key.")
public final class SecretsCommands extends GroupCommand {
  private SecretsCommands() {}

  /** Builds {@code secrets} with its subcommands. */
  public static CommandLine create(CliContext ctx) {
    CommandLine c = new CommandLine(new SecretsCommands());
    c.addSubcommand(new MigrateInlineEnv(ctx));
    c.addSubcommand(new RekeyCommand(ctx));
    c.addSubcommand(new Check(ctx));
    return c;
  }

  /** Builds {@code configure} with its {@code --section secrets}. */
  public static CommandLine configure(CliContext ctx) {
    return new CommandLine(new Configure(ctx));
  }

  /**
   * Loads the instance's master key in SPEC order. The default key file is created only when
   * the database holds no secrets yet: a new key could not read them.
   */
  public static MasterKeyLoader.Loaded loadKey(CliContext ctx, Database db) {
    Optional<Path> configured = ctx.config().getText("secrets.localEncrypted.keyFilePath").map(Path::of);
    MasterKeyLoader loader = new MasterKeyLoader(ctx.env(), configured, ctx.layout().defaultMasterKeyFile());
    MasterKeyLoader.Loaded k = loader.find().orElseGet(() -> {
      KeyCheck.requireNoSecrets(db.runtime(), loader.defaultKeyFile());
      return loader.load();
    });
    k.warnings().forEach(w -> ctx.err().println("warning: " + w));
    if (k.created()) {
      ctx.err().println("note: created the master key " + k.source() + " (fingerprint " + k.key().fingerprint()
          + "); back it up: without it the secrets cannot be read");
    }
    return k;
  }

  static boolean writeV2(CliContext ctx) {
    return ctx.config().getText("secrets.localEncrypted.scheme").map("local_encrypted_v2"::equals).orElse(false);
  }

  @Command(name = "migrate-inline-env", mixinStandardHelpOptions = true,
      description = "Find agents whose adapter env holds plain sensitive values; with --apply store "
          + "each as a secret and replace it with a secret reference (one transaction).")
  static final class MigrateInlineEnv implements Callable<Integer> {
    private final CliContext ctx;
    @Option(names = "--company", paramLabel = "ID", description = "Only this company.")
    UUID company;
    @Option(names = "--apply", description = "Make the changes (default: dry run).")
    boolean apply;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    MigrateInlineEnv(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Database db = ctx.database();
      db.requireCurrentSchema(ctx);
      MasterKey key = loadKey(ctx, db).key();
      SecretStore store = new SecretStore(db.runtime(), new LocalEncryptedProvider(key, writeV2(ctx)));
      List<InlineEnvMigration.Move> moves = new InlineEnvMigration(store).run(Optional.ofNullable(company), apply);
      if (json) {
        ctx.printJson(Map.of("applied", apply, "moves", moves.stream().map(m -> Map.of(
            "agentId", m.agentId().toString(), "companyId", m.companyId().toString(),
            "envKey", m.envKey(), "secretName", m.secretName())).toList()));
      } else {
        moves.forEach(m -> ctx.out().println((apply ? "moved      " : "would move ") + "agent " + m.agentId()
            + " env " + m.envKey() + " -> secret " + m.secretName()));
        ctx.out().println(moves.isEmpty() ? "no plain sensitive env values found"
            : (apply ? "moved " : "would move ") + moves.size() + " value(s)" + (apply ? "" : "; run again with --apply"));
      }
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Test-decrypt every secret version with the instance's master key (values are dropped at once); "
          + "fails naming the key fingerprints the secrets need.")
  static final class Check implements Callable<Integer> {
    private final CliContext ctx;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Check(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      SecretsKeyCheck.Outcome o = SecretsKeyCheck.check(ctx, ctx.database().runtime(), "");
      if (json) {
        ctx.printJson(o.toJson());
      } else if (o.failure().isEmpty()) {
        ctx.out().println(o.versions() == 0 ? "the database holds no secret versions" : o.line());
      }
      o.requireOk();
      return 0;
    }
  }

  @Command(name = "rekey", mixinStandardHelpOptions = true,
      description = "Re-encrypt every secret version under a new master key, verifying each, in one "
          + "transaction (dry run without --apply). Afterwards point the instance at the new key.")
  static final class RekeyCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Option(names = "--new-key-file", required = true, paramLabel = "FILE", description = "The new key (base64 or hex).")
    Path newKeyFile;
    @Option(names = "--apply", description = "Make the change (default: dry run).")
    boolean apply;

    RekeyCommand(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      if (!Files.exists(newKeyFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "no such key file: " + newKeyFile
            + "; create one with 'openssl rand -base64 32 > FILE && chmod 600 FILE'");
      }
      MasterKey newKey = MasterKeyLoader.readExistingFile(newKeyFile, "--new-key-file");
      Database db = ctx.database();
      db.requireCurrentSchema(ctx);
      MasterKey oldKey = loadKey(ctx, db).key();
      int n = new Rekey(db.runtime(), new LocalEncryptedProvider(oldKey, false),
          new LocalEncryptedProvider(newKey, false)).run(apply);
      int roles = apply ? PluginsCommands.rotatePasswords(ctx, oldKey, newKey) : 0;
      if (ctx.jsonOutput()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("applied", apply);
        r.put("secretVersions", n);
        r.put("pluginRoles", roles);
        r.put("oldKeyFingerprint", oldKey.fingerprint());
        r.put("newKeyFingerprint", newKey.fingerprint());
        ctx.printJson(r);
        return 0;
      }
      if (roles > 0) {
        ctx.out().println("changed the password of " + roles + " plugin role(s) to the new key's");
      }
      ctx.out().println((apply ? "re-encrypted " : "would re-encrypt ") + n + " secret version(s) from key "
          + oldKey.fingerprint() + " to key " + newKey.fingerprint()
          + (apply ? "; now set the instance's key to " + newKeyFile + " (paperclipai configure --section secrets --key-file "
              + newKeyFile + ")" : "; run again with --apply"));
      return 0;
    }
  }

  @Command(name = "configure", mixinStandardHelpOptions = true,
      description = "Write settings to the instance's config.json (unknown keys are kept).")
  static final class Configure implements Callable<Integer> {
    private final CliContext ctx;
    @Option(names = "--section", required = true, paramLabel = "SECTION", description = "Only 'secrets' is supported.")
    String section;
    @Option(names = "--provider", paramLabel = "P", description = "Secret provider (local_encrypted).")
    String provider;
    @Option(names = "--strict-mode", arity = "1", paramLabel = "BOOL", description = "Reject plain sensitive env values (true/false).")
    Boolean strict;
    @Option(names = "--key-file", paramLabel = "PATH", description = "Master key file (created if missing).")
    Path keyFile;
    @Option(names = "--scheme", paramLabel = "S", description = "local_encrypted_v1 (default) or local_encrypted_v2 for new secrets.")
    String scheme;

    Configure(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      if (!"secrets".equals(section)) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "unknown section '" + section + "': use --section secrets");
      }
      ConfigFile c = ctx.config();
      Map<String, Object> changed = new LinkedHashMap<>();
      if (provider != null) {
        if (!provider.equals("local_encrypted")) {
          throw new PaperclipException(ErrorCode.INVALID_INPUT, "provider '" + provider
              + "' is not available here: use local_encrypted");
        }
        c = c.with("secrets.provider", TextNode.valueOf(provider));
        changed.put("secrets.provider", provider);
      }
      if (strict != null) {
        c = c.with("secrets.strictMode", BooleanNode.valueOf(strict));
        changed.put("secrets.strictMode", strict);
      }
      if (scheme != null) {
        if (!scheme.equals("local_encrypted_v1") && !scheme.equals("local_encrypted_v2")) {
          throw new PaperclipException(ErrorCode.INVALID_INPUT, "scheme '" + scheme
              + "' is unknown: use local_encrypted_v1 or local_encrypted_v2");
        }
        c = c.with("secrets.localEncrypted.scheme", TextNode.valueOf(scheme));
        changed.put("secrets.localEncrypted.scheme", scheme);
      }
      if (keyFile != null) {
        Path abs = keyFile.toAbsolutePath();
        MasterKeyLoader.Loaded k = MasterKeyLoader.readOrCreate(abs);
        if (k.created()) {
          ctx.err().println("note: created the master key " + abs + " (fingerprint " + k.key().fingerprint()
              + "); back it up: without it the secrets cannot be read");
        }
        c = c.with("secrets.localEncrypted.keyFilePath", TextNode.valueOf(abs.toString()));
        changed.put("secrets.localEncrypted.keyFilePath", abs + (k.created() ? " (created)" : "")
            + ", fingerprint " + k.key().fingerprint());
      }
      if (changed.isEmpty()) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT,
            "nothing to configure: give --provider, --strict-mode, --key-file or --scheme");
      }
      c.write();
      if (ctx.jsonOutput()) {
        ctx.printJson(Map.of("set", changed, "file", c.path().toString()));
        return 0;
      }
      changed.forEach((k, v) -> ctx.out().println("set " + k + " = " + v));
      ctx.out().println("wrote " + c.path());
      return 0;
    }
  }
}
