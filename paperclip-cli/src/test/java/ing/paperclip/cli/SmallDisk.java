package ing.paperclip.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system for disk-full tests: a tmpfs of a given size mounted on a fresh
 * directory, unmounted by {@link #close()}. Mounting needs root (CI runs as root); elsewhere the
 * test is skipped with the reason, not failed.
 */
final class SmallDisk implements AutoCloseable {
  private final Path dir;

  private SmallDisk(Path dir) {
    this.dir = dir;
  }

  /**
   * Mounts a tmpfs of {@code size} (a mount(8) size such as {@code 1m}) on {@code dir}, creating
   * it; skips the calling test when that is not possible here.
   */
  static SmallDisk mount(Path dir, String size) throws IOException, InterruptedException {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "mounting a small tmpfs needs root (CI runs as root); skipped as " + System.getProperty("user.name"));
    Files.createDirectories(dir);
    String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString()));
    assumeTrue(out == null, "cannot mount a tmpfs on " + dir + " here: " + out);
    return new SmallDisk(dir);
  }

  /** Returns the mount point. */
  Path dir() {
    return dir;
  }

  /** Free bytes on the mounted file system. */
  long usable() throws IOException {
    return Files.getFileStore(dir).getUsableSpace();
  }

  /** Bytes in use on the mounted file system. */
  long used() throws IOException {
    var store = Files.getFileStore(dir);
    return store.getTotalSpace() - store.getUnallocatedSpace();
  }

  /** Grows or shrinks the file system to {@code bytes} (not below what is in use), keeping its files. */
  void resize(long bytes) throws IOException, InterruptedException {
    String out = run(List.of("mount", "-o", "remount,size=" + bytes, dir.toString()));
    if (out != null) {
      throw new IOException("cannot resize the test tmpfs " + dir + " to " + bytes + " bytes: " + out);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      String out = run(List.of("umount", dir.toString()));
      if (out != null) {
        // something still holds it open: detach it now, the kernel frees it when released
        String lazy = run(List.of("umount", "-l", dir.toString()));
        if (lazy != null) {
          throw new IOException("cannot unmount the test tmpfs " + dir + ": " + out + "; " + lazy);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted unmounting the test tmpfs " + dir, e);
    }
  }

  /** Runs a command; returns null on success, else its exit code and output. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return command.get(0) + ": " + e.getMessage();
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return command + " did not finish";
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
  }
}
