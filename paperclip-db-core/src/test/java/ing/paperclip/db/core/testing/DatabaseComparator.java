package ing.paperclip.db.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Compares two databases the way a fidelity test must: {@code pg_dump --schema-only --no-owner
 * --no-privileges} of both (when a pg_dump of the server's major version exists; comment, SET and
 * {@code \restrict} lines dropped), and every table's, materialized view's and sequence's rows or
 * state (count plus an ordered digest computed by the server).
 */
public final class DatabaseComparator {
  private DatabaseComparator() {}

  /** Asserts equal schemas (where pg_dump fits) and equal rows; reports what differs. */
  public static void assertSameSchemaAndData(TestDatabase expected, TestDatabase actual) {
    Optional<String> a = schemaDump(expected);
    if (a.isPresent()) {
      String b = schemaDump(actual).orElseThrow();
      if (!a.get().equals(b)) {
        fail("pg_dump --schema-only differs between " + expected.name() + " and " + actual.name()
            + ":\n" + diff(a.get(), b));
      }
    }
    assertEquals(fingerprints(expected), fingerprints(actual),
        "rows of " + expected.name() + " and " + actual.name() + " differ");
  }

  /** Returns whether a pg_dump fitting the server is available. */
  public static boolean pgDumpFits(TestDatabase db) {
    return pgDumpMajor().map(m -> m == db.server().majorVersion()).orElse(false);
  }

  /** Returns the normalized schema-only dump, or empty when no fitting pg_dump exists. */
  public static Optional<String> schemaDump(TestDatabase db) {
    if (!pgDumpFits(db)) {
      return Optional.empty();
    }
    List<String> out = run(db, List.of("pg_dump", "--schema-only", "--no-owner", "--no-privileges"));
    return Optional.of(out.stream()
        .filter(l -> !l.startsWith("--") && !l.isBlank() && !l.startsWith("SET ")
            && !l.startsWith("SELECT pg_catalog.set_config") && !l.startsWith("\\restrict")
            && !l.startsWith("\\unrestrict"))
        .collect(Collectors.joining("\n")));
  }

  /** Runs pg_dump (or another libpq tool) against the database and returns its output lines. */
  public static List<String> run(TestDatabase db, List<String> command) {
    try {
      Path out = Files.createTempFile("pgdump-", ".sql");
      try {
        List<String> cmd = new ArrayList<>(command);
        cmd.removeIf(String::isEmpty);
        cmd.add("--dbname=" + db.spec().libpqUri());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new IllegalStateException(command.get(0) + " failed on " + db.name());
        }
        return Files.readAllLines(out, StandardCharsets.UTF_8);
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Returns the major version of the pg_dump on PATH, if any. */
  public static Optional<Integer> pgDumpMajor() {
    try {
      Process p = new ProcessBuilder("pg_dump", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      String[] words = v.split("\\s+");
      return Optional.of(Integer.parseInt(words[words.length - 1].split("\\.")[0]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Returns, for every table, materialized view and sequence outside system schemas, a
   * fingerprint: {@code rows:md5} of its rows in text order, or {@code last_value,is_called}.
   */
  public static Map<String, String> fingerprints(TestDatabase db) {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      List<String[]> rels = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname, c.relkind FROM pg_class c "
          + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p','m','S') "
          + "AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
          + "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
          + "AND d.objid = c.oid AND d.deptype = 'e') ORDER BY 1, 2")) {
        while (rs.next()) {
          rels.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        }
      }
      for (String[] r : rels) {
        String name = SqlIdentifiers.qualified(r[0], r[1]);
        String sql = r[2].equals("S")
            ? "SELECT last_value || ',' || is_called FROM " + name
            : "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM "
                + (r[2].equals("m") ? "" : "ONLY ") + name + " t";
        if (r[2].equals("m")) {
          try (ResultSet rs = s.executeQuery("SELECT relispopulated FROM pg_class WHERE oid = "
              + SqlIdentifiers.literal(name) + "::regclass")) {
            rs.next();
            if (!rs.getBoolean(1)) {
              out.put(r[2] + " " + r[0] + "." + r[1], "not populated");
              continue;
            }
          }
        }
        try (ResultSet rs = s.executeQuery(sql)) {
          rs.next();
          out.put(r[2] + " " + r[0] + "." + r[1], rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot fingerprint " + db.name() + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static String diff(String a, String b) {
    List<String> la = List.of(a.split("\n"));
    List<String> lb = List.of(b.split("\n"));
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    java.util.Set<String> inB = new java.util.HashSet<>(lb);
    java.util.Set<String> inA = new java.util.HashSet<>(la);
    for (String l : la) {
      if (!inB.contains(l) && shown++ < 40) {
        sb.append("- ").append(l).append('\n');
      }
    }
    for (String l : lb) {
      if (!inA.contains(l) && shown++ < 80) {
        sb.append("+ ").append(l).append('\n');
      }
    }
    if (sb.length() == 0) {
      sb.append("(same lines, different order)");
    }
    return sb.toString();
  }
}
