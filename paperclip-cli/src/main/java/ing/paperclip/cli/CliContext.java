package ing.paperclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.settings.ConfigFile;
import ing.paperclip.db.core.settings.DatabaseSettings;
import ing.paperclip.db.core.settings.InstanceLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every command needs, built once per process by {@link Main}: the environment, the global
 * options, output writers, and — on first use — the resolved instance layout, settings and
 * database connections. Closing it closes the pools it opened (the embedded server keeps running
 * unless a command stops it).
 *
 * <p>Not thread-safe: one command runs at a time.
 */
public final class CliContext implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final Map<String, String> env;
  private final GlobalOptions options;
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean interactive;
  private final Path userHome;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private InstanceLayout layout;
  private DatabaseSettings settings;
  private Database database;

  /**
   * Creates the context.
   *
   * @param env the process environment
   * @param options the global options (filled by picocli during parsing)
   * @param out standard output
   * @param err standard error
   * @param interactive whether a person is at a terminal (prompts and progress allowed)
   * @param userHome the user's home directory
   */
  public CliContext(Map<String, String> env, GlobalOptions options, PrintWriter out,
      PrintWriter err, boolean interactive, Path userHome) {
    this.env = Map.copyOf(env);
    this.options = Objects.requireNonNull(options, "options");
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
    this.interactive = interactive;
    this.userHome = Objects.requireNonNull(userHome, "userHome");
  }

  /** Returns the process environment (a copy taken at start). */
  public Map<String, String> env() {
    return env;
  }

  /** Returns the global options. */
  public GlobalOptions options() {
    return options;
  }

  /** Returns standard output. */
  public PrintWriter out() {
    return out;
  }

  /** Returns standard error. */
  public PrintWriter err() {
    return err;
  }

  /** Returns whether a person is at a terminal: prompts and progress bars are allowed. */
  public boolean interactive() {
    return interactive;
  }

  /** Returns the instance layout, resolved from options and environment on first use. */
  public InstanceLayout layout() {
    if (layout == null) {
      layout = InstanceLayout.resolve(env, options.dataDir(), options.instance(), userHome);
    }
    return layout;
  }

  /**
   * Returns a context for another Paperclip home (same instance id, environment and options),
   * writing standard output to {@code out}; the caller closes it.
   */
  public CliContext forHome(Path home, PrintWriter out) {
    return new CliContext(env, options.withHome(home), out, err, interactive, userHome);
  }

  /** Reads the instance's {@code config.json} (fresh on every call). */
  public ConfigFile config() {
    return ConfigFile.read(layout().configFile());
  }

  /** Returns the resolved database settings (no connection is made). */
  public DatabaseSettings settings() {
    if (settings == null) {
      settings = DatabaseSettings.resolve(layout(), env, options.databaseUrl(), userHome);
    }
    return settings;
  }

  /**
   * Returns the database, connecting on first use: in embedded mode this starts (or reuses) the
   * embedded server. Migrations are checked against the policy of SPEC §2 before it is returned.
   */
  public Database database() {
    if (database == null) {
      database = Database.open(this);
      closeables.add(database);
    }
    return database;
  }

  /** Registers something to close when the command ends (closed in reverse order). */
  public void closeLater(AutoCloseable closeable) {
    closeables.add(Objects.requireNonNull(closeable, "closeable"));
  }

  /** Prints a value as indented JSON on standard output (records and maps work). */
  public void printJson(Object value) {
    printJson(out, value);
  }

  /** Returns whether the running command was given {@code --json}: print JSON, and only JSON, on stdout. */
  public boolean jsonOutput() {
    return options.json();
  }

  /** Prints a value as indented JSON on a writer. */
  static void printJson(PrintWriter writer, Object value) {
    try {
      writer.println(JSON.writeValueAsString(value));
      writer.flush();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Returns the shared JSON mapper for commands that build trees. */
  public ObjectMapper json() {
    return JSON;
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        err.println("warning: " + e.getMessage());
      }
    }
    closeables.clear();
    out.flush();
    err.flush();
  }

  /** For {@link Database}: keeps the pool so it is closed with the context. */
  void track(HikariDataSource pool) {
    closeables.add(pool);
  }
}
