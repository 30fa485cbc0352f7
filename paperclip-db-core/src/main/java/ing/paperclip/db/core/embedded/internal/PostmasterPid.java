package ing.paperclip.db.core.embedded.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code postmaster.pid} lock file of a data directory: line 1 the postmaster's pid, line 4
 * its port, line 8 its status ({@code ready}, {@code starting}, {@code stopping}).
 *
 * @param pid the postmaster's process id
 * @param port its port, or -1 if not written yet
 * @param status its status, or "" if not written yet
 */
public record PostmasterPid(long pid, int port, String status) {
  /** The lock file's name inside a data directory. */
  public static final String FILE = "postmaster.pid";

  /** Reads the lock file; empty if absent or unreadable. */
  public static Optional<PostmasterPid> read(Path dataDir) {
    try {
      return parse(Files.readAllLines(dataDir.resolve(FILE), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Parses the lines of a lock file; empty if the pid line is missing or not a number. */
  public static Optional<PostmasterPid> parse(List<String> lines) {
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).strip());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    int port = -1;
    if (lines.size() > 3) {
      try {
        port = Integer.parseInt(lines.get(3).strip());
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    String status = lines.size() > 7 ? lines.get(7).strip() : "";
    return Optional.of(new PostmasterPid(pid, port, status));
  }

  /**
   * Tells whether the pid belongs to a live PostgreSQL server process (not just any process that
   * reused the number after a crash).
   */
  public boolean isLivePostgres() {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return false;
    }
    try {
      byte[] cmd = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      String c = new String(cmd, StandardCharsets.UTF_8);
      return c.contains("postgres");
    } catch (IOException e) {
      return h.get().info().command().map(s -> s.contains("postgres")).orElse(true);
    }
  }
}
