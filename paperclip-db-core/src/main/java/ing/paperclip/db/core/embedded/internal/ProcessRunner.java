package ing.paperclip.db.core.embedded.internal;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL's programs. PostgreSQL refuses to run as root, so when this process is root
 * every program runs inside a new user namespace ({@code unshare --user --map-user=1000
 * --map-group=1000}), where the caller appears as an ordinary user while files it creates stay
 * owned by the caller outside. Where that is impossible, the error says what to do instead.
 */
public final class ProcessRunner {
  /** The result of one program run. */
  public record Result(int exitCode, String output) {}

  private final boolean root;
  private Boolean namespacesWork;

  /** Creates a runner for the current process's user. */
  public ProcessRunner() {
    this.root = currentUid() == 0;
  }

  /** Returns whether this process runs as root. */
  public boolean isRoot() {
    return root;
  }

  /**
   * Runs a program to completion, output merged and captured (bounded to the last 64 KiB).
   *
   * @param command the program and its arguments
   * @param timeoutSeconds the longest it may take
   * @return exit code and output
   */
  public Result run(List<String> command, long timeoutSeconds) {
    List<String> full = wrap(command);
    ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
    cleanEnvironment(pb.environment());
    try {
      Path out = Files.createTempFile("paperclip-pg-", ".out");
      try {
        pb.redirectOutput(out.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new PaperclipException(ErrorCode.TIMEOUT, Path.of(command.get(0)).getFileName()
              + " did not finish within " + timeoutSeconds + " s");
        }
        byte[] bytes = Files.readAllBytes(out);
        int from = Math.max(0, bytes.length - 65536);
        return new Result(p.exitValue(), new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot run " + command.get(0)
          + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "interrupted while running "
          + Path.of(command.get(0)).getFileName(), e);
    }
  }

  private List<String> wrap(List<String> command) {
    if (!root) {
      return command;
    }
    ensureNamespaces();
    List<String> full = new ArrayList<>(List.of("unshare", "--user", "--map-user=1000", "--map-group=1000", "--"));
    full.addAll(command);
    return full;
  }

  private synchronized void ensureNamespaces() {
    if (namespacesWork == null) {
      String why;
      try {
        Process p = new ProcessBuilder("unshare", "--user", "--map-user=1000", "--map-group=1000", "true")
            .redirectErrorStream(true).start();
        boolean done = p.waitFor(10, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        namespacesWork = done && p.exitValue() == 0;
        why = out;
      } catch (IOException e) {
        namespacesWork = false;
        why = e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        namespacesWork = false;
        why = "interrupted";
      }
      if (!namespacesWork) {
        throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "PostgreSQL refuses to run as root "
            + "and no user namespace could be created (unshare: " + firstLine(why) + "); run "
            + "paperclipai as a non-root user, or set DATABASE_URL to an external PostgreSQL, or "
            + "allow user namespaces (sysctl user.max_user_namespaces=10000, and "
            + "kernel.unprivileged_userns_clone=1 where it exists)");
      }
    }
    if (!namespacesWork) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "PostgreSQL refuses to run as root "
          + "and no user namespace can be created here; run paperclipai as a non-root user or "
          + "set DATABASE_URL");
    }
  }

  private static void cleanEnvironment(Map<String, String> env) {
    env.keySet().removeIf(k -> k.startsWith("PG"));
    env.put("LC_ALL", "C");
    env.put("LANG", "C");
    env.remove("LANGUAGE");
  }

  private static String firstLine(String s) {
    if (s == null || s.isEmpty()) {
      return "no output";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Returns the real uid of this process, read from {@code /proc/self/status}; -1 if unknown. */
  static int currentUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: assume not root
    }
    return -1;
  }
}
