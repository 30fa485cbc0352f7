package ing.paperclip.db.core.embedded.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/** Reads the last lines of a log file for error messages. */
public final class LogTail {
  private LogTail() {}

  /** Returns up to {@code max} last lines of the file, joined by newlines; "" when unreadable. */
  public static String of(Path file, int max) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    Deque<String> tail = new ArrayDeque<>();
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      lines.forEach(l -> {
        tail.addLast(l);
        if (tail.size() > max) {
          tail.removeFirst();
        }
      });
    } catch (IOException | java.io.UncheckedIOException e) {
      return "";
    }
    return String.join("\n", List.copyOf(tail));
  }

  /** Returns the text appended to the file after byte {@code offset}; "" when unreadable. */
  public static String since(Path file, long offset) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(offset);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
