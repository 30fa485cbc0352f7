package ing.paperclip.db.core.embedded.internal;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL programs. PostgreSQL refuses to run as root, so when the JVM runs as root the
 * programs run inside a user namespace ({@code unshare --user --map-user=1000 --map-group=1000})
 * where the caller appears as uid 1000; files they create stay owned by the caller outside.
 */
public final class ServerProcess {
  private static final String UNSHARE_HELP = "PostgreSQL cannot run as root and unprivileged user"
      + " namespaces are not available (unshare --user failed): run as a non-root user, or enable"
      + " them (sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces>0), or use an"
      + " external database URL";

  private final boolean root;
  private volatile Boolean unshareWorks;

  /** Creates a runner for the current process's user. */
  public ServerProcess() {
    this.root = isRoot();
  }

  /** Returns true when the JVM runs as uid 0. */
  public static boolean isRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return uid instanceof Integer i && i == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** Returns the command line, prefixed with the user-namespace wrapper when running as root. */
  public List<String> command(List<String> program) {
    List<String> cmd = new ArrayList<>();
    if (root) {
      checkUnshare();
      cmd.addAll(List.of("unshare", "--user", "--map-user=1000", "--map-group=1000"));
    }
    cmd.addAll(program);
    return cmd;
  }

  private void checkUnshare() {
    if (unshareWorks == null) {
      try {
        Process p = new ProcessBuilder("unshare", "--user", "--map-user=1000", "--map-group=1000", "true")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        unshareWorks = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        unshareWorks = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        unshareWorks = false;
      }
    }
    if (!unshareWorks) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, UNSHARE_HELP);
    }
  }

  /**
   * Runs a program to completion, its output going to {@code outFile}.
   *
   * @return the exit status
   * @throws PaperclipException EMBEDDED_SERVER when it cannot be started or times out
   */
  public int run(List<String> program, Path outFile, long timeoutSeconds) {
    List<String> cmd = command(program);
    try {
      Files.createDirectories(outFile.getParent());
      // Output to a file, not a pipe: pg_ctl's daemonized postmaster would keep a pipe open.
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(outFile.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().put("LC_ALL", "C");
      pb.environment().remove("PGDATA");
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, Path.of(program.get(0)).getFileName()
            + " did not finish within " + timeoutSeconds + "s: raise the start timeout\n"
            + readQuietly(outFile));
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "cannot run " + program.get(0) + ": "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PaperclipException(ErrorCode.EMBEDDED_SERVER, "interrupted while running "
          + program.get(0), e);
    }
  }

  /** Returns a file's text, or "" when unreadable. */
  public static String readQuietly(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
