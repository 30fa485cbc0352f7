package ing.paperclip.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every command accepts, filled in by picocli while parsing. Read through
 * {@link CliContext}; only the CLI mutates it, once, during parsing.
 */
public final class GlobalOptions {
  @Option(names = "--database-url", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "Use this database for this command (postgres:// or jdbc:postgresql://), "
          + "overriding DATABASE_URL, .env and config.json.")
  String databaseUrl;

  @Option(names = {"-i", "--instance"}, scope = ScopeType.INHERIT, paramLabel = "ID",
      description = "Instance id (default: PAPERCLIP_INSTANCE_ID or 'default').")
  String instance;

  @Option(names = {"-d", "--data-dir"}, scope = ScopeType.INHERIT, paramLabel = "DIR",
      description = "Paperclip home directory (default: PAPERCLIP_HOME or ~/.paperclip).")
  Path dataDir;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces and debug logs.")
  boolean verbose;

  /**
   * Whether the running command was given {@code --json}: set by {@link Main} from the parse
   * result (every command has the option; see {@link Commands}).
   */
  boolean json;

  /** A copy naming another home directory (and the instance id resolved from this one's). */
  GlobalOptions withHome(Path home) {
    GlobalOptions o = new GlobalOptions();
    o.databaseUrl = databaseUrl;
    o.instance = instance;
    o.dataDir = home;
    o.verbose = verbose;
    o.json = json;
    return o;
  }

  /** Returns the database URL given on the command line, if any. */
  public Optional<String> databaseUrl() {
    return Optional.ofNullable(databaseUrl).filter(s -> !s.isBlank());
  }

  /** Returns the instance id given on the command line, if any. */
  public Optional<String> instance() {
    return Optional.ofNullable(instance);
  }

  /** Returns the home directory given on the command line, if any. */
  public Optional<Path> dataDir() {
    return Optional.ofNullable(dataDir);
  }

  /** Returns whether {@code --verbose} was given. */
  public boolean verbose() {
    return verbose;
  }

  /** Returns whether the running command was given {@code --json}. */
  public boolean json() {
    return json;
  }
}
