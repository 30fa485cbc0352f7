package ing.paperclip.db.core.embedded.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The parsed {@code postmaster.pid} of a data directory: line 1 pid, line 2 data dir, line 3
 * start time, line 4 port, line 5 socket dir, line 6 listen address, line 7 shm key, line 8 status.
 *
 * @param pid the postmaster pid
 * @param port the port, 0 when the line is missing (server still starting)
 * @param status the status word ("starting", "ready", "stopping"), empty when missing
 */
public record PidFile(long pid, int port, String status) {
  /** The file name inside the data directory. */
  public static final String NAME = "postmaster.pid";

  /**
   * Parses the text of a {@code postmaster.pid}.
   *
   * @return the parsed file, empty when the text has no valid pid line
   */
  public static Optional<PidFile> parse(String text) {
    List<String> lines = text.lines().map(String::trim).toList();
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (pid <= 0) {
      return Optional.empty();
    }
    int port = 0;
    if (lines.size() > 3) {
      try {
        port = Integer.parseInt(lines.get(3));
      } catch (NumberFormatException e) {
        port = 0;
      }
    }
    String status = lines.size() > 7 ? lines.get(7) : "";
    return Optional.of(new PidFile(pid, port, status));
  }

  /** Reads {@code dataDir/postmaster.pid}; empty when missing or unparsable. */
  public static Optional<PidFile> read(Path dataDir) throws IOException {
    try {
      return parse(Files.readString(dataDir.resolve(NAME), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Returns true when a process with this pid is alive. */
  public boolean alive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
