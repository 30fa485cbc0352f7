package ing.paperclip.db.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the external {@link Oracle}s a test needs, and decides what happens when one is missing.
 *
 * <p>A user's machine may have none of them: the suite then runs on Java alone and every test
 * that needs a missing oracle is <em>skipped</em> (a JUnit abort whose reason names the program
 * and how to install it, plus one warning line per program and JVM). With
 * {@code PAPERCLIP_TEST_REQUIRE_ORACLES=true}, as {@code .ci/run} sets it, a missing oracle
 * <em>fails</em> the test instead, so CI cannot pass by quietly testing less.
 *
 * <p>Version fit: pg_dump refuses servers of a newer major version, and its output differs
 * between majors, so the tests comparing with it need a pg_dump of the server's own major. When
 * pg_dump is installed but of another major, the test is skipped with a line naming both versions;
 * under {@code PAPERCLIP_TEST_REQUIRE_ORACLES=true} that also fails, except on the
 * <em>embedded</em> server: its major is fixed by the bundled binaries (18), which a distribution's
 * client packages may not offer (Debian 12 ships 15), so there the mismatch stays a reported skip
 * and the pg_dump comparisons are made by CI's run on the external PostgreSQL 15 server, where
 * everything must run.
 */
public final class Oracles {
  /** Set to {@code true} to make a missing or ill-fitting oracle a failure instead of a skip. */
  public static final String ENV_REQUIRE = "PAPERCLIP_TEST_REQUIRE_ORACLES";

  private static final Logger LOG = LoggerFactory.getLogger(Oracles.class);
  private static final Pattern VERSION = Pattern.compile("\\)\\s+(\\d+)");
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private Oracles() {}

  /** Returns whether {@value #ENV_REQUIRE} is {@code true}. */
  public static boolean required() {
    String v = System.getenv(ENV_REQUIRE);
    return v != null && v.strip().equalsIgnoreCase("true");
  }

  /** Returns the oracle's executable on {@code PATH}, if any. */
  public static Optional<Path> find(Oracle oracle) {
    return find(oracle, System.getenv("PATH"));
  }

  static Optional<Path> find(Oracle oracle, String path) {
    for (Path dir : pathDirs(path)) {
      Path p = dir.resolve(oracle.program());
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the oracle's executable on {@code PATH}; without one the calling test is skipped, or
   * fails when oracles are required.
   */
  public static Path require(Oracle oracle) {
    boolean required = required();
    if (!required && find(oracle).isEmpty()) {
      warnOnce(oracle.program() + " is not on PATH", oracle.install());
    }
    return require(oracle, System.getenv("PATH"), required);
  }

  /** {@link #require(Oracle)} on the given PATH, without the warning line. */
  static Path require(Oracle oracle, String path, boolean required) {
    Optional<Path> p = find(oracle, path);
    if (p.isEmpty()) {
      unavailable(oracle.program() + " is not on PATH", oracle.install(), required);
    }
    return p.orElseThrow();
  }

  /**
   * Returns a pg_dump of the test server's major version; without one the calling test is
   * skipped, or fails as the class comment says.
   */
  public static Path requirePgDump(TestDatabase db) {
    int major = db.server().majorVersion();
    Optional<Path> p = findPgDump(major);
    if (p.isEmpty()) {
      Gap g = pgDumpGap(major, db.server());
      if (!g.fatal()) {
        warnOnce(g.reason(), g.install());
      }
      unavailable(g.reason(), g.install(), g.fatal());
    }
    return p.orElseThrow();
  }

  /**
   * For a check a test can do without: returns a pg_dump of the server's major version, or
   * reports {@code check} as skipped (one warning line naming the test and the reason) and
   * returns empty; fails instead when oracles are required, as the class comment says.
   *
   * @param check what is left out, e.g. "the pg_dump --schema-only comparison"
   */
  public static Optional<Path> pgDumpOrReport(TestDatabase db, String check) {
    int major = db.server().majorVersion();
    Optional<Path> p = findPgDump(major);
    if (p.isEmpty()) {
      Gap g = pgDumpGap(major, db.server());
      if (g.fatal()) {
        Assertions.fail(g.reason() + ", and " + ENV_REQUIRE + "=true requires it: " + g.install());
      }
      LOG.warn("skipped in {}: {}: {}; {}", caller(), check, g.reason(), g.install());
    }
    return p;
  }

  /**
   * Finds a pg_dump of the given major version: {@code $PG_BIN/pg_dump}, Debian's
   * {@code /usr/lib/postgresql/<major>/bin/pg_dump}, then each {@code PATH} entry.
   */
  public static Optional<Path> findPgDump(int major) {
    List<Path> candidates = new ArrayList<>();
    String bin = System.getenv("PG_BIN");
    if (bin != null && !bin.isBlank()) {
      candidates.add(Path.of(bin, "pg_dump"));
    }
    candidates.add(Path.of("/usr/lib/postgresql/" + major + "/bin/pg_dump"));
    for (Path dir : pathDirs(System.getenv("PATH"))) {
      candidates.add(dir.resolve("pg_dump"));
    }
    for (Path p : candidates) {
      if (Files.isExecutable(p) && majorOf(p).orElse(-1) == major) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Returns the major version a PostgreSQL client program prints with {@code --version}. */
  public static OptionalInt majorOf(Path program) {
    try {
      Process p = new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return OptionalInt.empty();
      }
      Matcher m = VERSION.matcher(out);
      return p.exitValue() == 0 && m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    } catch (IOException e) {
      return OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }

  /** Why no fitting pg_dump was found, how to get one, and whether that fails the test. */
  record Gap(String reason, String install, boolean fatal) {}

  private static Gap pgDumpGap(int major, TestServer server) {
    Optional<Path> other = find(Oracle.PG_DUMP);
    return pgDumpGap(major, server.kind(), other,
        other.isPresent() ? majorOf(other.get()) : OptionalInt.empty(), required());
  }

  /**
   * The rule of the class comment: no pg_dump at all is a missing oracle; one of another major is
   * a mismatch, fatal when required except on the embedded server.
   *
   * @param other the pg_dump on PATH, if any
   * @param otherMajor its major version, if it printed one
   */
  static Gap pgDumpGap(int major, String serverKind, Optional<Path> other, OptionalInt otherMajor,
      boolean required) {
    String where = "no pg_dump " + major + " in $PG_BIN, /usr/lib/postgresql/" + major + "/bin or on PATH";
    String install = "apt-get install postgresql-client-" + major
        + " (from the PGDG apt repository where the distribution has no such version), or set PG_BIN";
    if (other.isEmpty()) {
      return new Gap(where, install, required);
    }
    String found = "pg_dump " + (otherMajor.isPresent() ? otherMajor.getAsInt() : "of unknown version")
        + " at " + other.get();
    return new Gap(where + " (" + found + " does not fit the " + serverKind + " PostgreSQL "
        + major + " server)", install, required && !"embedded".equals(serverKind));
  }

  /** Skips the calling test (a JUnit abort), or fails it when {@code fatal}. */
  private static void unavailable(String reason, String install, boolean fatal) {
    if (fatal) {
      Assertions.fail(reason + ", and " + ENV_REQUIRE + "=true requires it: " + install);
    }
    Assumptions.abort("skipped: " + reason + "; " + install);
  }

  /** The one line per missing oracle and JVM that says tests are being skipped. */
  private static void warnOnce(String reason, String install) {
    if (WARNED.add(reason)) {
      LOG.warn("{}: the tests that need it are skipped; {} ({})", reason, install, required()
          ? ENV_REQUIRE + "=true lets a pg_dump of another major pass on the embedded server only"
          : "set " + ENV_REQUIRE + "=true to make this a failure");
    }
  }

  private static List<Path> pathDirs(String path) {
    List<Path> dirs = new ArrayList<>();
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        if (!d.isEmpty()) {
          dirs.add(Path.of(d));
        }
      }
    }
    return dirs;
  }

  /**
   * Names the test on the stack for report lines: the outermost frame of a test class, the test
   * method rather than a helper it calls.
   */
  private static String caller() {
    return StackWalker.getInstance().walk(frames -> frames
        .filter(f -> !f.getClassName().startsWith("org.junit.")
            && (f.getClassName().endsWith("IT") || f.getClassName().endsWith("Test")))
        .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
        .reduce((inner, outer) -> outer).orElse("a test"));
  }
}
