package ing.paperclip.cli;

import ing.paperclip.db.core.PaperclipException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    Logging.configure(verbose);
    try (CliContext ctx = new CliContext(env, options, out, err, interactive, userHome)) {
      CommandLine cl = Commands.build(ctx, options);
      cl.setOut(out);
      cl.setErr(err);
      cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
        report(ex, err, verbose);
        return ex instanceof PaperclipException pe ? pe.exitCode() : 70;
      });
      return cl.execute(args);
    } catch (PaperclipException e) {
      report(e, err, verbose);
      return e.exitCode();
    }
  }

  private static void report(Throwable ex, PrintWriter err, boolean verbose) {
    String msg = ex.getMessage() == null ? ex.getClass().getName() : ex.getMessage();
    if (ex instanceof PaperclipException) {
      err.println("error: " + msg);
    } else {
      err.println("error: unexpected " + ex.getClass().getSimpleName() + ": " + msg
          + (verbose ? "" : " (run with --verbose for details)"));
    }
    if (verbose) {
      ex.printStackTrace(err);
    }
    err.flush();
  }
}
