package ing.paperclip.cli.instance;

import ing.paperclip.cli.CliContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paperclipai instance verify ARCHIVE}: the checks of a restore, writing nothing. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check an instance archive as 'instance restore' does before writing (every member against the "
        + "manifest, the database backup, and the sealed key when PAPERCLIP_ARCHIVE_PASSPHRASE is set or a "
        + "terminal can ask); change nothing.")
final class InstanceVerifyCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive.")
  Path archive;
  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  InstanceVerifyCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    Path staging = InstanceArchive.privateDir(Path.of(System.getProperty("java.io.tmpdir")), ".paperclip-verify-");
    try {
      ArchiveCheck.Checked c = ArchiveCheck.check(ctx, archive, staging, false);
      long bytes = c.contents().members().stream().mapToLong(InstanceArchive.Member::bytes).sum();
      String key = !c.hasSealedKey() ? "no master key"
          : c.key().map(k -> "master key opened (fingerprint " + k.fingerprint() + "), manifest authenticated")
              .orElse("sealed master key not opened (set " + Passphrase.ENV + " to check it)");
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("archive", archive.toString());
        m.put("ok", true);
        m.put("members", c.contents().members().size());
        m.put("bytes", bytes);
        m.put("databaseTables", c.database().tables().size());
        m.put("sealedKey", c.hasSealedKey());
        m.put("keyOpened", c.key().isPresent());
        m.put("authenticated", c.authenticated());
        ctx.printJson(m);
      } else {
        ctx.out().printf(Locale.ROOT, "%s: ok, %d members (%d bytes) match the manifest, database backup verified; %s%n",
            archive.getFileName(), c.contents().members().size(), bytes, key);
      }
      return 0;
    } finally {
      InstanceArchive.removeTree(staging);
    }
  }
}
