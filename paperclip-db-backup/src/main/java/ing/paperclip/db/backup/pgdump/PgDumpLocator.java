package ing.paperclip.db.backup.pgdump;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds pg_dump executables and their versions: an explicit path ({@code PAPERCLIP_PG_DUMP_PATH},
 * a binary or a directory holding one) if configured, otherwise every {@code PATH} entry and then
 * the usual installation directories ({@code /usr/lib/postgresql/<major>/bin},
 * {@code /usr/pgsql-<major>/bin}, Homebrew). Each candidate is asked for {@code --version}.
 * Immutable and thread-safe.
 */
public final class PgDumpLocator {
  /** The environment variable naming a pg_dump binary (or its directory). */
  public static final String ENV_PATH = "PAPERCLIP_PG_DUMP_PATH";

  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+((\\d+)(?:\\.\\d+)?\\S*)");

  private final Map<String, String> environment;

  /**
   * Creates a locator reading {@code PATH} and {@link #ENV_PATH} from {@code environment}.
   *
   * @param environment the process environment, e.g. {@code System.getenv()}; copied
   */
  public PgDumpLocator(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /**
   * Looks for a pg_dump whose major version is {@code serverMajor}.
   *
   * @param serverMajor the server's major version
   * @param explicit a binary or directory to use instead of {@link #ENV_PATH}, or null
   * @return what was found; never null
   */
  public PgDumpLookup find(int serverMajor, Path explicit) {
    Path configured = explicit;
    if (configured == null) {
      String env = environment.get(ENV_PATH);
      if (env != null && !env.isBlank()) {
        configured = Path.of(env.trim());
      }
    }
    List<Path> candidates = configured != null ? List.of(resolve(configured)) : searchPath();
    List<PgDumpBinary> found = new ArrayList<>();
    PgDumpBinary match = null;
    for (Path p : candidates) {
      Optional<PgDumpBinary> b = probe(p);
      if (b.isEmpty()) {
        continue;
      }
      found.add(b.get());
      if (match == null && b.get().major() == serverMajor) {
        match = b.get();
      }
    }
    return new PgDumpLookup(serverMajor, match, found, configured != null);
  }

  /**
   * Runs {@code <path> --version}.
   *
   * @return the binary with its version, or empty if it is missing, not executable, or does not
   *     answer like pg_dump within 10 seconds
   */
  public Optional<PgDumpBinary> probe(Path path) {
    if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
      return Optional.empty();
    }
    try {
      Process p = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readNBytes(4096);
      }
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      Matcher m = VERSION.matcher(new String(out, StandardCharsets.UTF_8));
      if (p.exitValue() != 0 || !m.find()) {
        return Optional.empty();
      }
      return Optional.of(new PgDumpBinary(path, m.group(1), Integer.parseInt(m.group(2))));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static String exe() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
        ? "pg_dump.exe" : "pg_dump";
  }

  private static Path resolve(Path configured) {
    return Files.isDirectory(configured) ? configured.resolve(exe()) : configured;
  }

  private List<Path> searchPath() {
    Set<Path> out = new LinkedHashSet<>();
    String path = environment.getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isBlank()) {
        out.add(Path.of(dir).resolve(exe()));
      }
    }
    addVersioned(out, Path.of("/usr/lib/postgresql"), "bin");
    addVersioned(out, Path.of("/usr/local/opt"), "bin");
    addVersioned(out, Path.of("/opt/homebrew/opt"), "bin");
    addVersioned(out, Path.of("/usr"), "bin");
    return new ArrayList<>(out);
  }

  /** Adds {@code <root>/<dir>/<sub>/pg_dump} for every PostgreSQL-looking {@code dir}. */
  private static void addVersioned(Set<Path> out, Path root, String sub) {
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path d : ds) {
        String n = d.getFileName().toString();
        if (n.matches("\\d+") || n.matches("pgsql-\\d+") || n.matches("postgresql@\\d+")) {
          dirs.add(d);
        }
      }
    } catch (IOException e) {
      return;
    }
    dirs.sort(null);
    for (Path d : dirs) {
      out.add(d.resolve(sub).resolve(exe()));
    }
  }
}
