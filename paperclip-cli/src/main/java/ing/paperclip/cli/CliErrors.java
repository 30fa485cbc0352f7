package ing.paperclip.cli;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports a failed command, once for every command: one {@code error: ...} line on standard
 * error, and under {@code --json} also a JSON object on standard output,
 * {@code {"error": {"code": ..., "exitStatus": ..., "message": ...}}}, so a script reading stdout
 * always gets JSON.
 */
final class CliErrors {
  /** The code of a command line picocli could not parse (exit status 2). */
  static final String USAGE = "USAGE";
  /** Exit status of a command line that cannot be parsed, as picocli's default. */
  static final int USAGE_EXIT = 2;

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean verbose;

  CliErrors(PrintWriter out, PrintWriter err, boolean verbose) {
    this.out = out;
    this.err = err;
    this.verbose = verbose;
  }

  /** Reports an exception a command threw and returns its exit status. */
  int failed(Throwable ex, boolean json) {
    String msg = ex.getMessage() == null ? ex.getClass().getName() : ex.getMessage();
    if (ex instanceof PaperclipException pe) {
      err.println("error: " + msg);
      printJson(json, pe.code().name(), pe.exitCode(), msg);
      flushTrace(ex);
      return pe.exitCode();
    }
    err.println("error: unexpected " + ex.getClass().getSimpleName() + ": " + msg
        + (verbose ? "" : " (run with --verbose for details)"));
    printJson(json, ErrorCode.INTERNAL.name(), ErrorCode.INTERNAL.exitCode(),
        "unexpected " + ex.getClass().getSimpleName() + ": " + msg);
    flushTrace(ex);
    return ErrorCode.INTERNAL.exitCode();
  }

  /** Reports a command line picocli rejected (as picocli does, plus the JSON object). */
  int usage(ParameterException ex, boolean json) {
    CommandLine cl = ex.getCommandLine();
    err.println("error: " + ex.getMessage());
    if (!UnmatchedArgumentException.printSuggestions(ex, err)) {
      err.println("try '" + cl.getCommandSpec().qualifiedName() + " --help'");
    }
    printJson(json, USAGE, USAGE_EXIT, ex.getMessage());
    err.flush();
    return USAGE_EXIT;
  }

  private void printJson(boolean json, String code, int exitStatus, String message) {
    if (!json) {
      return;
    }
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("exitStatus", exitStatus);
    error.put("message", message);
    CliContext.printJson(out, Map.of("error", error));
  }

  private void flushTrace(Throwable ex) {
    if (verbose) {
      ex.printStackTrace(err);
    }
    err.flush();
  }
}
