package ing.paperclip.cli.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.db.BackupsCommands;
import ing.paperclip.cli.db.DatabaseArchives;
import ing.paperclip.db.backup.BackupResult;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.keys.InstanceKey;
import ing.paperclip.db.core.settings.InstanceLayout;
import ing.paperclip.db.secrets.MasterKey;
import ing.paperclip.db.secrets.SealedMasterKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code paperclipai instance backup}: one verified archive of the whole instance. */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = "Write one instance archive (paperclip-instance-YYYYMMDD-HHMMSS.tar, 0600): a signed logical "
        + "database backup, config.json, data/storage, the .env without secret values and a manifest with the "
        + "size and SHA-256 of every member; with --include-master-key also the master key sealed with a "
        + "passphrase (PAPERCLIP_ARCHIVE_PASSPHRASE or a prompt). The embedded data directory is never archived.")
final class InstanceBackupCommand implements Callable<Integer> {
  static final String PREFIX = "paperclip-instance-";
  private final CliContext ctx;

  @Mixin
  BackupsCommands.DirOption dir = new BackupsCommands.DirOption();
  @Option(names = "--include-master-key", description = "Add the master key, sealed with a passphrase "
      + "(Argon2id, AES-256-GCM) read from PAPERCLIP_ARCHIVE_PASSPHRASE or a terminal prompt.")
  boolean includeKey;
  @Option(names = "--list", description = "List the archives in the directory (from their manifests); write nothing.")
  boolean list;
  InstanceBackupCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    Path target = dir.resolve(ctx).toAbsolutePath();
    boolean json = dir.json();
    if (list) {
      return list(target);
    }
    InstanceLayout layout = ctx.layout();
    Optional<InstanceKey> instanceKey = DatabaseArchives.instanceKey(ctx);
    String sealed = null;
    if (includeKey) {
      InstanceKey k = instanceKey.orElseThrow(() -> new PaperclipException(ErrorCode.SECRETS, "--include-master-key: "
          + "this instance has no master key (it is created with the first secret); leave the option out"));
      if (!(k instanceof MasterKey master)) {
        throw new IllegalStateException("the instance key is a " + k.getClass().getSimpleName());
      }
      char[] pass = Passphrase.read(ctx, "--include-master-key", true);
      try {
        sealed = SealedMasterKey.seal(master, pass);
      } finally {
        Arrays.fill(pass, '\0');
      }
    }
    Files.createDirectories(target);
    Path staging = InstanceArchive.privateDir(target, ".paperclip-instance-");
    try {
      Map<String, Path> files = new LinkedHashMap<>();
      BackupResult db = DatabaseArchives.backup(ctx, Files.createDirectory(staging.resolve("database")), json);
      String dbName = InstanceArchive.DATABASE + db.file().getFileName();
      files.put(dbName, db.file());
      if (Files.isRegularFile(layout.configFile(), LinkOption.NOFOLLOW_LINKS)) {
        files.put(InstanceArchive.CONFIG, layout.configFile());
      }
      List<String> removed = List.of();
      if (Files.isRegularFile(layout.envFile(), LinkOption.NOFOLLOW_LINKS)) {
        EnvRedaction.Result env = EnvRedaction.redact(Files.readAllLines(layout.envFile(), StandardCharsets.UTF_8),
            layout.envFile().toString());
        removed = env.removed();
        files.put(InstanceArchive.ENV, Files.writeString(staging.resolve("env"), env.text()));
      }
      long storageFiles = storage(layout.storageDir(), files);
      if (sealed != null) {
        files.put(InstanceArchive.SEALED_KEY, Files.writeString(staging.resolve("master-key.sealed"), sealed + "\n"));
      }
      List<InstanceArchive.Member> members = new ArrayList<>();
      for (Map.Entry<String, Path> f : files.entrySet()) {
        members.add(InstanceArchive.describe(f.getKey(), f.getValue()));
      }
      Instant now = Instant.now();
      ObjectNode header = ctx.json().createObjectNode();
      header.put("format", InstanceArchive.FORMAT);
      header.put("createdAt", now.toString());
      header.put("instanceId", layout.instanceId());
      ObjectNode d = header.putObject("database");
      d.put("file", dbName);
      d.put("tables", db.tables());
      d.put("rows", db.rows());
      header.put("signedBy", instanceKey.map(InstanceKey::fingerprint).orElse(null));
      header.put("sealedKeyFingerprint", sealed == null ? null : SealedMasterKey.fingerprint(sealed));
      header.putArray("envRemoved").addAll(removed.stream().map(header::textNode).toList());
      byte[] manifest = InstanceArchive.manifest(header, members);
      Optional<String> mac = instanceKey.map(k -> InstanceArchive.mac(k, manifest));
      Path archive = target.resolve(PREFIX + InstanceArchive.STAMP.format(now) + ".tar");
      if (Files.exists(archive, LinkOption.NOFOLLOW_LINKS)) {
        throw new PaperclipException(ErrorCode.CONFLICT, "the archive " + archive + " already exists (one per second);"
            + " run the command again");
      }
      InstanceArchive.write(archive, manifest, mac, files);
      // read back what was written, member by member, before calling it a backup
      Path check = InstanceArchive.privateDir(staging, "check-");
      InstanceArchive.read(archive, check);
      long bytes = Files.size(archive);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", archive.toString());
        m.put("bytes", bytes);
        m.put("members", members.size());
        m.put("database", dbName);
        m.put("tables", db.tables());
        m.put("rows", db.rows());
        m.put("storageFiles", storageFiles);
        m.put("envRemoved", removed);
        m.put("masterKey", sealed == null ? null : SealedMasterKey.fingerprint(sealed));
        m.put("signedBy", instanceKey.map(InstanceKey::fingerprint).orElse(null));
        ctx.printJson(m);
      } else {
        ctx.out().println(archive);
        ctx.err().printf(Locale.ROOT, "%s: %d members, %d bytes: database %d tables, %d rows; %d storage file(s)%s%n",
            archive.getFileName(), members.size(), bytes, db.tables(), db.rows(), storageFiles,
            sealed == null ? "; master key not included (--include-master-key adds it, sealed)"
                : "; master key sealed (fingerprint " + SealedMasterKey.fingerprint(sealed) + ")");
        if (!removed.isEmpty()) {
          ctx.err().println("left out of .env (secret values): " + String.join(", ", removed));
        }
      }
      return 0;
    } finally {
      InstanceArchive.removeTree(staging);
    }
  }

  /** Adds every regular file under the storage directory; links and special files are refused. */
  private static long storage(Path root, Map<String, Path> files) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    long n = 0;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted().toList()) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String name = InstanceArchive.STORAGE + root.relativize(p).toString().replace('\\', '/');
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || !InstanceArchive.allowedName(name)) {
          throw new PaperclipException(ErrorCode.INVALID_INPUT, "cannot archive " + p + ": only regular files with "
              + "plain names are archived (a link or special file?); move it out of " + root + " and run again");
        }
        files.put(name, p);
        n++;
      }
    }
    return n;
  }

  private int list(Path target) throws IOException {
    boolean json = dir.json();
    List<Map<String, Object>> rows = new ArrayList<>();
    if (Files.isDirectory(target)) {
      try (Stream<Path> s = Files.list(target)) {
        for (Path p : s.filter(f -> ArchiveRetention.isArchiveName(f.getFileName().toString())).sorted().toList()) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("file", p.toString());
          r.put("bytes", Files.size(p));
          try {
            JsonNode m = InstanceArchive.manifestOnly(p);
            r.put("createdAt", m.path("createdAt").asText());
            r.put("members", m.path("members").size());
            r.put("rows", m.path("database").path("rows").asLong());
            r.put("masterKey", m.path("sealedKeyFingerprint").isTextual() ? m.path("sealedKeyFingerprint").asText() : null);
          } catch (PaperclipException e) {
            r.put("error", e.getMessage());
          }
          rows.add(r);
        }
      }
    }
    if (json) {
      ctx.printJson(Map.of("dir", target.toString(), "archives", rows));
    } else if (rows.isEmpty()) {
      ctx.err().println("no instance archives in " + target);
    } else {
      for (Map<String, Object> r : rows) {
        ctx.out().println(r.containsKey("error") ? r.get("file") + "  DAMAGED: " + r.get("error")
            : String.format(Locale.ROOT, "%s  %d bytes  %s  %d members  %d rows  key %s", r.get("file"), r.get("bytes"),
                r.get("createdAt"), r.get("members"), r.get("rows"), r.get("masterKey") == null ? "no" : r.get("masterKey")));
      }
    }
    return 0;
  }
}
