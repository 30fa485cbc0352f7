package ing.paperclip.cli;

import ing.paperclip.db.core.PaperclipException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of {@code paperclipai}. */
public final class Main {
  private Main() {}

  /**
   * Runs the CLI and exits with its status.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    // HOME wins over the JVM's idea of the home directory, like every Unix tool.
    String home = System.getenv("HOME");
    Path userHome = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"));
    int code = run(args, System.getenv(), out, err, System.console() != null, userHome);
    System.exit(code);
  }

  /**
   * Runs one command without exiting, for tests and embedding.
   *
   * @return the exit status: 0 on success, {@link PaperclipException#exitCode()} on a known
   *     error, 2 on a usage error, 70 on a bug
   */
  public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err,
      boolean interactive, Path userHome) {
    GlobalOptions options = new GlobalOptions();
    List<String> flags = flags(args);
    boolean verbose = flags.contains("--verbose");
    // Before parsing succeeds only the words tell whether JSON was asked for.
    boolean jsonWord = flags.contains("--json");
    Logging.configure(verbose);
    CliErrors errors = new CliErrors(out, err, verbose);
    try (CliContext ctx = new CliContext(env, options, out, err, interactive, userHome)) {
      CommandLine cl = Commands.build(ctx, options);
      cl.setOut(out);
      cl.setErr(err);
      cl.setExecutionStrategy(parseResult -> {
        options.json = Commands.jsonRequested(parseResult);
        return new CommandLine.RunLast().execute(parseResult);
      });
      cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> errors.failed(ex, options.json));
      cl.setParameterExceptionHandler((ex, rejected) -> errors.usage(ex, jsonWord));
      return cl.execute(args);
    } catch (PaperclipException e) {
      return errors.failed(e, options.json || jsonWord);
    }
  }

  /** The words before {@code --} (after it everything is a positional value). */
  private static List<String> flags(String[] args) {
    List<String> all = Arrays.asList(args);
    int end = all.indexOf("--");
    return end < 0 ? all : all.subList(0, end);
  }
}
