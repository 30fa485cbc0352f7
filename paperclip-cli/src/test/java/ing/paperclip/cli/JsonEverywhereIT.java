package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command of the tree with {@code --json}: standard output is exactly one JSON value, on
 * success and on failure, and a failure's object carries the code, the exit status the process
 * returned and the message (which also went to standard error).
 */
@WithPostgres
class JsonEverywhereIT {
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  @TempDir
  Path home;

  record Run(int code, String out, String err) {}

  private Run run(TestDatabase db, List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("PAPERCLIP_HOME", home.toString());
    env.put("DATABASE_URL", db.spec().libpqUri());
    env.put("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    int code = Main.run(args.toArray(String[]::new), env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  /** Every command path of the tree, root first, e.g. {@code [db, backups, list]}. */
  static List<List<String>> commandPaths(Path home) {
    GlobalOptions options = new GlobalOptions();
    try (CliContext ctx = new CliContext(Map.of(), options, new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()), false, home)) {
      List<List<String>> paths = new ArrayList<>();
      collect(Commands.build(ctx, options), new ArrayList<>(), paths);
      return paths;
    }
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> into) {
    into.add(List.copyOf(path));
    cl.getSubcommands().forEach((name, sub) -> {
      List<String> p = new ArrayList<>(path);
      p.add(name);
      collect(sub, p, into);
    });
  }

  private JsonNode assertJson(Run r, List<String> args) {
    JsonNode node;
    try {
      node = STRICT.readTree(r.out());
    } catch (Exception e) {
      throw new AssertionError(args + " (exit " + r.code() + ") printed no single JSON value on stdout: <"
          + r.out() + "> stderr: " + r.err(), e);
    }
    if (node == null || node.isMissingNode()) {
      fail(args + " (exit " + r.code() + ") printed nothing on stdout; stderr: " + r.err());
    }
    if (r.code() != 0) {
      JsonNode e = node.path("error");
      assertTrue(e.path("code").isTextual(), args + ": " + r.out());
      assertEquals(r.code(), e.path("exitStatus").asInt(-1), args + ": " + r.out());
      assertFalse(e.path("message").asText().isBlank(), args + ": " + r.out());
      assertTrue(r.err().contains("error: "), args + " also says so on stderr: " + r.err());
    } else {
      assertTrue(node.path("error").isMissingNode(), args + ": " + r.out());
    }
    return node;
  }

  @Test
  void everyCommandPrintsJsonOnSuccessAndOnFailure(TestDatabase db) throws Exception {
    List<List<String>> paths = commandPaths(home);
    assertTrue(paths.size() > 25, "the walk sees the whole tree: " + paths);
    Set<String> succeeded = new TreeSet<>();
    Set<String> failed = new TreeSet<>();
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--json");
      Run r = run(db, args);
      assertJson(r, args);
      (r.code() == 0 ? succeeded : failed).add(String.join(" ", path));
    }

    // The commands that need arguments to succeed, with arguments.
    Path crm = Files.createDirectories(home.resolve("crm"));
    Files.writeString(crm.resolve("001_init.sql"), "CREATE TABLE deals (id bigserial PRIMARY KEY);");
    Path newKey = home.resolve("new.key");
    Files.writeString(newKey, "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n");
    Files.setPosixFilePermissions(newKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    List<List<String>> withArgs = List.of(
        List.of("configure", "--section", "secrets", "--strict-mode", "true"),
        List.of("plugins", "migrate", "--plugin-key", "acme.crm", "--dir", crm.toString()),
        List.of("plugins", "purge", "acme.crm", "--yes"),
        List.of("secrets", "rekey", "--new-key-file", newKey.toString()),
        List.of("help", "db", "backup"),
        List.of("completion", "bash"),
        List.of("completion", "zsh"));
    for (List<String> w : withArgs) {
      List<String> args = new ArrayList<>(w);
      args.add("--json");
      Run r = run(db, args);
      assertEquals(0, r.code(), args + ": " + r.out() + r.err());
      assertJson(r, args);
      succeeded.add(commandOf(w, paths));
    }
    // A backup to restore, so restore and verify succeed too.
    Run backup = run(db, List.of("db", "backup", "--dir", home.resolve("b").toString(), "--json"));
    assertEquals(0, backup.code(), backup.err());
    String file = assertJson(backup, List.of("db", "backup")).path("file").asText();
    assertFalse(file.isBlank(), backup.out());
    for (List<String> w : List.of(List.of("db", "backups", "verify", file),
        List.of("db", "restore", "--clean", file))) {
      List<String> args = new ArrayList<>(w);
      args.add("--json");
      Run r = run(db, args);
      assertEquals(0, r.code(), args + ": " + r.out() + r.err());
      assertJson(r, args);
      succeeded.add(commandOf(w, paths));
    }

    // An instance archive, so instance verify and instance restore succeed too.
    Run archived = run(db, List.of("instance", "backup", "--dir", home.resolve("a").toString(), "--json"));
    assertEquals(0, archived.code(), archived.err());
    String archive = assertJson(archived, List.of("instance", "backup")).path("file").asText();
    for (List<String> w : List.of(List.of("instance", "verify", archive), List.of("instance", "restore", "--clean", archive))) {
      List<String> args = new ArrayList<>(w);
      args.add("--json");
      Run r = run(db, args);
      assertEquals(0, r.code(), args + ": " + r.out() + r.err());
      assertJson(r, args);
      succeeded.add(commandOf(w, paths));
    }

    // Groups only fail (they need a subcommand); db start/stop need the embedded server
    // (EmbeddedCliIT covers them with --json).
    Set<String> groups = new TreeSet<>();
    for (List<String> p : paths) {
      if (paths.stream().anyMatch(q -> q.size() == p.size() + 1 && q.subList(0, p.size()).equals(p))) {
        groups.add(String.join(" ", p));
      }
    }
    Set<String> neverSucceeded = new TreeSet<>();
    paths.stream().map(p -> String.join(" ", p))
        .filter(p -> !groups.contains(p) && !succeeded.contains(p))
        .forEach(neverSucceeded::add);
    assertEquals(Set.of("db start", "db stop"), neverSucceeded, "succeeded: " + succeeded);
  }

  @Test
  void autoAppliedMigrationsSayWhichInOneLineOnStderr(TestDatabase shared) throws Exception {
    TestDatabase db = shared.sibling("announce");
    try {
      Run r = run(db, List.of("secrets", "migrate-inline-env", "--json"));
      assertEquals(0, r.code(), r.err());
      assertJson(r, List.of("secrets", "migrate-inline-env"));
      List<String> notes = r.err().lines().filter(l -> l.startsWith("note: applied ")).toList();
      assertEquals(1, notes.size(), r.err());
      assertTrue(notes.get(0).contains("because PAPERCLIP_MIGRATION_AUTO_APPLY=true: "), notes.get(0));
      int count = Integer.parseInt(notes.get(0).split(" ")[2]);
      assertEquals(count, notes.get(0).substring(notes.get(0).indexOf(": ", 14) + 2).split(", ").length, notes.get(0));
      assertTrue(r.err().contains("note: created the master key"), "the new key says so: " + r.err());
      Run again = run(db, List.of("secrets", "migrate-inline-env", "--json"));
      assertFalse(again.err().contains("note: applied") || again.err().contains("created the master key"), again.err());
    } finally {
      db.dropInBackground();
    }
  }

  @Test
  void usageErrorsAreJsonWithExitStatusTwo(TestDatabase db) throws Exception {
    for (List<String> args : List.of(List.of("db", "status", "--no-such-option", "--json"),
        List.of("no-such-command", "--json"), List.of("db", "--json"), List.of("--json"))) {
      Run r = run(db, args);
      assertEquals(2, r.code(), args + r.err());
      assertEquals("USAGE", assertJson(r, args).path("error").path("code").asText(), r.out());
    }
    Run text = run(db, List.of("db", "status", "--no-such-option"));
    assertEquals(2, text.code());
    assertEquals("", text.out(), "without --json stdout stays empty");
  }

  @Test
  void helpListsExitCodesAndCompletionCoversTheTree(TestDatabase db) {
    Run help = run(db, List.of("--help"));
    assertEquals(0, help.code());
    assertTrue(help.out().contains("Exit codes:") && help.out().contains("usage error")
        && help.out().contains("connection"), help.out());
    Run sub = run(db, List.of("help", "db", "backup"));
    assertEquals(0, sub.code(), sub.err());
    assertTrue(sub.out().contains("Usage: paperclipai db backup") && sub.out().contains("Exit codes:"), sub.out());
    Run unknown = run(db, List.of("help", "nope"));
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("unknown command 'nope'"), unknown.err());
    Run bash = run(db, List.of("completion", "bash"));
    assertEquals(0, bash.code(), bash.err());
    for (String word : List.of("complete -F", "backups", "migrate-inline-env", "--json", "repair-roles")) {
      assertTrue(bash.out().contains(word), word);
    }
    Run zsh = run(db, List.of("completion", "zsh"));
    assertTrue(zsh.out().contains("bashcompinit"), "zsh loads bash completion support");
  }

  private static String commandOf(List<String> words, List<List<String>> paths) {
    return paths.stream().filter(p -> p.size() <= words.size() && words.subList(0, p.size()).equals(p))
        .max((a, b) -> Integer.compare(a.size(), b.size())).map(p -> String.join(" ", p)).orElseThrow();
  }
}
