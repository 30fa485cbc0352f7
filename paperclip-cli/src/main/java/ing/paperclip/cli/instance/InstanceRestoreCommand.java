package ing.paperclip.cli.instance;

import com.fasterxml.jackson.databind.JsonNode;
import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.db.DatabaseArchives;
import ing.paperclip.cli.secrets.SecretsKeyCheck;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.InstanceLayout;
import ing.paperclip.db.core.settings.PrivateFiles;
import ing.paperclip.db.secrets.MasterKey;
import ing.paperclip.db.secrets.MasterKeyLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paperclipai instance restore ARCHIVE}: rebuild an instance from an archive. */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Restore an instance archive: verify everything first (every member against the manifest, "
        + "the sealed key with the passphrase, the database backup), then install the master key, restore "
        + "the database (as 'db restore' does), place config.json, .env and data/storage, and check that every "
        + "secret version decrypts. A different existing master key is refused unless --replace-key.")
final class InstanceRestoreCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive 'instance backup' wrote.")
  Path archive;
  @Option(names = "--home", paramLabel = "DIR", description = "Paperclip home to restore into "
      + "(default: the current one, PAPERCLIP_HOME or ~/.paperclip).")
  Path home;
  @Option(names = "--replace-key", description = "Install the archive's master key over a different existing "
      + "one (kept beside it as <key file>.replaced-YYYYMMDD-HHMMSS, 0600).")
  boolean replaceKey;
  @Option(names = "--clean", description = "Drop every schema of the target database first (as db restore --clean).")
  boolean clean;
  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  InstanceRestoreCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    Path homeDir = home != null ? home.toAbsolutePath() : ctx.layout().home();
    Path staging = InstanceArchive.privateDir(Path.of(System.getProperty("java.io.tmpdir")), ".paperclip-restore-");
    StringWriter report = new StringWriter();
    try (CliContext target = ctx.forHome(homeDir, new PrintWriter(report))) {
      ArchiveCheck.Checked checked = ArchiveCheck.check(ctx, archive, staging, true);
      InstanceArchive.Contents c = checked.contents();
      InstanceLayout layout = target.layout();
      KeyPlan key = keyPlan(target, checked.key());
      // --- everything is checked: from here on the target is written ---
      Optional<Path> replaced = key.install();
      JsonNode db;
      boolean keyCheckPending = false;
      try {
        db = DatabaseArchives.restore(target, report, c.database(), clean, checked.key().isEmpty());
      } catch (PaperclipException e) {
        if (e.code() != ErrorCode.SECRETS) {
          key.undo(replaced);
          throw e;
        }
        // the database is restored (its report was printed before the key check failed); the key
        // check is run again below, after the files are placed
        db = report.toString().isBlank() ? null : ctx.json().readTree(report.toString());
        if (db == null) {
          // failed after loading, before its report (e.g. the plugin login roles need the key)
          ctx.err().println("warning: the database was loaded, but its restore stopped: " + e.getMessage());
        }
        keyCheckPending = true;
      }
      Map<String, Object> files = new LinkedHashMap<>();
      String stamp = InstanceArchive.STAMP.format(java.time.Instant.now());
      files.put("config", place(c.file(InstanceArchive.CONFIG), layout.configFile(), stamp));
      files.put("env", place(c.file(InstanceArchive.ENV), layout.envFile(), stamp));
      long storage = 0;
      for (InstanceArchive.Member m : c.members()) {
        if (m.name().startsWith(InstanceArchive.STORAGE)) {
          Path dest = layout.storageDir().resolve(m.name().substring(InstanceArchive.STORAGE.length())).normalize();
          if (!dest.startsWith(layout.storageDir())) {
            throw new IllegalStateException("checked names stay inside the storage directory");
          }
          copyInto(c.files().get(m.name()), dest);
          storage++;
        }
      }
      files.put("storageFiles", storage);
      SecretsKeyCheck.Outcome keys = SecretsKeyCheck.check(target, target.database().runtime(),
          "restored " + archive.getFileName() + ", but");
      List<String> envRemoved = ctx.json().convertValue(c.manifest().path("envRemoved"),
          ctx.json().getTypeFactory().constructCollectionType(List.class, String.class));
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("archive", archive.toString());
        m.put("home", homeDir.toString());
        m.put("instanceId", layout.instanceId());
        m.put("authenticated", checked.authenticated());
        m.put("database", db);
        m.put("files", files);
        m.put("envRemoved", envRemoved);
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("installed", key.installs());
        k.put("fingerprint", checked.key().map(MasterKey::fingerprint).orElse(null));
        k.put("file", checked.key().isPresent() ? key.file().toString() : null);
        k.put("replaced", replaced.map(Path::toString).orElse(null));
        m.put("masterKey", k);
        m.put("secrets", keys.toJson());
        ctx.printJson(m);
      } else {
        if (db != null) {
          ctx.out().printf(Locale.ROOT, "restored the database of %s: %d tables, %d rows%n", archive.getFileName(),
              db.path("tables").asInt(), db.path("rows").asLong());
          db.path("warnings").forEach(w -> ctx.err().println("warning: " + w.asText()));
          if (db.path("verification").path("summary").isTextual()) {
            ctx.out().println(db.path("verification").path("summary").asText());
          }
          db.path("verification").path("notes").forEach(n -> ctx.err().println("note: " + n.asText()));
        }
        ctx.out().printf(Locale.ROOT, "placed %s%s%d storage file(s) in %s%n",
            files.get("config") != null ? "config.json, " : "", files.get("env") != null ? ".env, " : "", storage,
            layout.instanceDir());
        if (key.installs()) {
          ctx.out().println("installed the master key (fingerprint " + checked.key().get().fingerprint() + ") at "
              + key.file() + replaced.map(p -> "; the previous key is kept at " + p).orElse(""));
        }
        if (!envRemoved.isEmpty()) {
          ctx.err().println("set again in " + layout.envFile() + " (their values were not archived): "
              + String.join(", ", envRemoved));
        }
        if (keys.failure().isEmpty()) {
          ctx.out().println(keys.versions() > 0 ? keys.line() : "no secret versions to check");
        }
      }
      if (keyCheckPending || keys.failure().isPresent()) {
        keys.requireOk();
      }
      return 0;
    } finally {
      InstanceArchive.removeTree(staging);
    }
  }

  /** Where the archive's key goes and what is there now; refusals happen here, before any write. */
  private KeyPlan keyPlan(CliContext target, Optional<MasterKey> key) {
    Map<String, String> env = target.env();
    Path file = Optional.ofNullable(env.get(MasterKeyLoader.ENV_KEY_FILE)).filter(s -> !s.isBlank()).map(Path::of)
        .or(() -> target.config().getText("secrets.localEncrypted.keyFilePath").map(Path::of))
        .orElse(target.layout().defaultMasterKeyFile());
    if (key.isEmpty()) {
      return new KeyPlan(null, file, false, false);
    }
    Optional<MasterKey> existing;
    String from;
    if (env.containsKey(MasterKeyLoader.ENV_KEY)) {
      existing = Optional.of(MasterKey.decode(env.get(MasterKeyLoader.ENV_KEY), "environment " + MasterKeyLoader.ENV_KEY));
      from = "environment " + MasterKeyLoader.ENV_KEY;
    } else {
      existing = PrivateFiles.exists(file) ? Optional.of(MasterKeyLoader.readExistingFile(file, "the target's key file"))
          : Optional.empty();
      from = file.toString();
    }
    if (existing.isPresent() && existing.get().equals(key.get())) {
      return new KeyPlan(key.get(), file, false, false);
    }
    if (existing.isPresent()) {
      if (env.containsKey(MasterKeyLoader.ENV_KEY)) {
        throw new PaperclipException(ErrorCode.CONFLICT, "the target's master key comes from " + from
            + " (fingerprint " + existing.get().fingerprint() + "), not the archive's (" + key.get().fingerprint()
            + "); nothing was written. Unset " + MasterKeyLoader.ENV_KEY + " and run the restore again");
      }
      if (!replaceKey) {
        throw new PaperclipException(ErrorCode.CONFLICT, "the target already has a different master key at " + from
            + " (fingerprint " + existing.get().fingerprint() + "; the archive's is " + key.get().fingerprint()
            + "); nothing was written. Run again with --replace-key to install the archive's and keep the old one beside it");
      }
      return new KeyPlan(key.get(), file, true, true);
    }
    return new KeyPlan(key.get(), file, true, false);
  }

  /** The key to install (null: none), its file, whether to write it and whether one must move aside. */
  private record KeyPlan(MasterKey key, Path file, boolean installs, boolean replaces) {
    Optional<Path> install() throws IOException {
      if (!installs) {
        return Optional.empty();
      }
      Optional<Path> aside = Optional.empty();
      if (replaces) {
        Path old = file.resolveSibling(file.getFileName() + ".replaced-" + InstanceArchive.STAMP.format(java.time.Instant.now()));
        Files.move(file, old, StandardCopyOption.ATOMIC_MOVE);
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-------"));
        aside = Optional.of(old);
      }
      if (!PrivateFiles.createNew(file, key.toBase64() + "\n", "the master key file")) {
        throw new PaperclipException(ErrorCode.CONFLICT, "something appeared at " + file + " while restoring; "
            + "nothing else was written. Check it and run the restore again");
      }
      return aside;
    }

    void undo(Optional<Path> aside) throws IOException {
      if (!installs) {
        return;
      }
      Files.deleteIfExists(file);
      if (aside.isPresent()) {
        Files.move(aside.get(), file, StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  /** Places one file; a different existing one is kept beside it. Returns where it went, or null. */
  private static String place(Optional<Path> from, Path to, String stamp) throws IOException {
    if (from.isEmpty()) {
      return null;
    }
    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS) && Files.mismatch(from.get(), to) != -1L) {
      Files.move(to, to.resolveSibling(to.getFileName() + ".before-restore-" + stamp), StandardCopyOption.ATOMIC_MOVE);
    }
    copyInto(from.get(), to);
    return to.toString();
  }

  /** Copies to a temporary sibling (0600), syncs it and renames it into place. */
  private static void copyInto(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Path tmp = to.resolveSibling("." + to.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
    try {
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
          java.util.Set.of(java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        Files.copy(from, java.nio.channels.Channels.newOutputStream(ch));
        ch.force(true);
      }
      Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
