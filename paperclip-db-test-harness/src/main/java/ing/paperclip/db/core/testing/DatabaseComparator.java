package ing.paperclip.db.core.testing;

import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * Compares two {@link TestDatabase}s for schema and data equality, the yardstick of backup and
 * restore tests.
 *
 * <p>Schema: {@code pg_dump --schema-only --no-owner --no-privileges} of both, normalised (comment
 * lines, {@code SET}/{@code set_config} lines, blank lines and psql restrict meta-command lines dropped),
 * must be equal. This part runs only when a {@code pg_dump} whose major version equals the
 * server's is found (see {@link Oracles#findPgDump}); otherwise it is reported as skipped (a
 * warning line naming the test and the reason), or fails when oracles are required
 * ({@link Oracles}).
 *
 * <p>Data: every table, partition and materialized view of every non-system schema is compared by
 * row count and an ordered md5 digest of its rows computed in SQL; every sequence by
 * {@code (last_value, is_called)}.
 */
public final class DatabaseComparator {
  private static final String SYSTEM_SCHEMA_FILTER =
      "n.nspname <> 'information_schema' and n.nspname not like 'pg\\_%'";

  /** Creates a comparator. */
  public DatabaseComparator() {}

  /**
   * Asserts both databases have the same schema (when a matching pg_dump exists) and data.
   *
   * @param expected the source database
   * @param actual the database that should equal it
   */
  public static void assertSameSchemaAndData(TestDatabase expected, TestDatabase actual) {
    assertSameSchema(expected, actual);
    assertSameData(expected, actual);
  }

  /**
   * Asserts the normalised {@code pg_dump --schema-only} outputs are equal; reports the check as
   * skipped when no pg_dump of the server's major version is available (fails instead when
   * {@link Oracles#required()}, as {@link Oracles} says).
   *
   * @return true if the comparison ran, false if it was skipped
   */
  public static boolean assertSameSchema(TestDatabase expected, TestDatabase actual) {
    Optional<String> a = schemaDump(expected);
    if (a.isEmpty()) {
      return false;
    }
    String b = schemaDump(actual).orElseThrow();
    if (!a.get().equals(b)) {
      Assertions.fail("pg_dump --schema-only differs between " + expected.name() + " (-) and "
          + actual.name() + " (+):\n" + diff(a.get(), b));
    }
    return true;
  }

  /**
   * Asserts every table, materialized view and sequence holds the same rows/values in both.
   */
  public static void assertSameData(TestDatabase expected, TestDatabase actual) {
    Map<String, String> a = fingerprints(expected);
    Map<String, String> b = fingerprints(actual);
    if (!a.equals(b)) {
      StringBuilder sb = new StringBuilder("data differs between " + expected.name()
          + " and " + actual.name() + ":\n");
      TreeMap<String, String> all = new TreeMap<>(a);
      b.forEach(all::putIfAbsent);
      for (String k : all.keySet()) {
        String va = a.get(k);
        String vb = b.get(k);
        if (!Objects.equals(va, vb)) {
          sb.append("  ").append(k).append(": expected ").append(va).append(", actual ")
              .append(vb).append('\n');
        }
      }
      Assertions.fail(sb.toString());
    }
  }

  /**
   * Returns the normalised schema-only dump of a database, or empty (reported as a skipped
   * comparison) if no pg_dump of the server's major version is available.
   */
  public static Optional<String> schemaDump(TestDatabase db) {
    Optional<Path> pgDump = Oracles.pgDumpOrReport(db, "the pg_dump --schema-only comparison");
    if (pgDump.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(normalize(run(List.of(pgDump.get().toString(), "--schema-only",
        "--no-owner", "--no-privileges"), db.spec())));
  }

  /**
   * Drops comment, blank, {@code SET}, {@code set_config} and psql restrict/unrestrict meta-command
   * lines of a pg_dump output.
   */
  public static String normalize(String dump) {
    StringBuilder sb = new StringBuilder();
    for (String line : dump.split("\n", -1)) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("--") || t.startsWith("SET ")
          || t.contains("pg_catalog.set_config(") || t.startsWith("\\restrict")
          || t.startsWith("\\" + "unrestrict")) {
        continue;
      }
      sb.append(line).append('\n');
    }
    return sb.toString();
  }

  /**
   * Returns {@code "kind schema.name" -> digest} for every table, partition, materialized view
   * ({@code count:md5}) and sequence ({@code last_value:is_called}) of every non-system schema.
   */
  public static Map<String, String> fingerprints(TestDatabase db) {
    TreeMap<String, String> out = new TreeMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      List<String[]> rels = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("select n.nspname, c.relname, c.relkind::text,"
          + " c.relkind = 'm' and not c.relispopulated from pg_class c"
          + " join pg_namespace n on n.oid = c.relnamespace"
          + " where c.relkind in ('r','m','S') and " + SYSTEM_SCHEMA_FILTER
          + " and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass"
          + " and d.objid = c.oid and d.deptype = 'e')"
          + " order by 1, 2")) {
        while (rs.next()) {
          rels.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3),
              Boolean.toString(rs.getBoolean(4))});
        }
      }
      for (String[] r : rels) {
        String q = SqlIdentifiers.qualified(r[0], r[1]);
        String key = r[2] + " " + r[0] + "." + r[1];
        if ("S".equals(r[2])) {
          try (ResultSet rs = s.executeQuery("select last_value, is_called from " + q)) {
            rs.next();
            out.put(key, rs.getString(1) + ":" + rs.getBoolean(2));
          }
        } else if (Boolean.parseBoolean(r[3])) {
          out.put(key, "unpopulated");
        } else {
          // t::text of a zero-column row is "()", so zero-column tables digest fine.
          try (ResultSet rs = s.executeQuery("select count(*), md5(coalesce(string_agg(t::text,"
              + " E'\\n' order by t::text collate \"C\"), '')) from only " + q + " t")) {
            rs.next();
            out.put(key, rs.getLong(1) + ":" + rs.getString(2));
          }
        }
      }
      // large objects: every one's data (their comments and privileges are in the catalog)
      try (ResultSet rs = s.executeQuery("select m.oid, length(lo_get(m.oid)),"
          + " md5(lo_get(m.oid)) from pg_largeobject_metadata m order by 1")) {
        while (rs.next()) {
          out.put("large object " + rs.getLong(1), rs.getLong(2) + ":" + rs.getString(3));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot digest " + db.name() + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Returns whether a pg_dump of the server's major version is available. */
  public static boolean pgDumpFits(TestDatabase db) {
    return findPgDump(db.server().majorVersion()).isPresent();
  }

  /** Returns the major version of the pg_dump on {@code PATH}, if any. */
  public static Optional<Integer> pgDumpMajor() {
    return Oracles.find(Oracle.PG_DUMP).flatMap(p -> {
      java.util.OptionalInt m = Oracles.majorOf(p);
      return m.isPresent() ? Optional.of(m.getAsInt()) : Optional.empty();
    });
  }

  /**
   * Runs pg_dump (or another libpq tool; the first element may be a bare name looked up on
   * {@code PATH}) against the database, connection in the environment, and returns its output
   * lines.
   */
  public static List<String> run(TestDatabase db, List<String> command) {
    List<String> cmd = new ArrayList<>(command);
    cmd.removeIf(String::isEmpty);
    return run(cmd, db.spec()).lines().toList();
  }

  /** Finds a pg_dump binary of the given major version ({@link Oracles#findPgDump}). */
  public static Optional<Path> findPgDump(int major) {
    return Oracles.findPgDump(major);
  }

  private static String run(List<String> command, ConnectionSpec spec) {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (spec != null) {
      Map<String, String> env = pb.environment();
      env.put("PGHOST", spec.host());
      env.put("PGPORT", Integer.toString(spec.port()));
      env.put("PGDATABASE", spec.database());
      if (spec.user() != null) {
        env.put("PGUSER", spec.user());
      }
      if (spec.password() != null) {
        env.put("PGPASSWORD", spec.password());
      }
      String sslmode = spec.parameters().get("sslmode");
      if (sslmode != null) {
        env.put("PGSSLMODE", sslmode);
      }
    }
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      byte[] out = readAll(p.getInputStream());
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command.get(0) + " failed (" + p.exitValue() + "): "
            + new String(err.join(), StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in; ByteArrayOutputStream bo = new ByteArrayOutputStream()) {
      in.transferTo(bo);
      return bo.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns a line diff of two texts: {@code -} lines only in {@code a}, {@code +} only in
   * {@code b}, with two lines of context, at most 200 output lines.
   */
  public static String diff(String a, String b) {
    String[] fa = a.split("\n", -1);
    String[] fb = b.split("\n", -1);
    int pre = 0;
    while (pre < fa.length && pre < fb.length && fa[pre].equals(fb[pre])) {
      pre++;
    }
    int suf = 0;
    while (suf < fa.length - pre && suf < fb.length - pre
        && fa[fa.length - 1 - suf].equals(fb[fb.length - 1 - suf])) {
      suf++;
    }
    int from = Math.max(0, pre - 2);
    String[] x = java.util.Arrays.copyOfRange(fa, from, Math.min(fa.length, fa.length - suf + 2));
    String[] y = java.util.Arrays.copyOfRange(fb, from, Math.min(fb.length, fb.length - suf + 2));
    if ((long) x.length * y.length > 4_000_000L) {
      x = java.util.Arrays.copyOfRange(x, 0, Math.min(x.length, 1500));
      y = java.util.Arrays.copyOfRange(y, 0, Math.min(y.length, 1500));
    }
    int n = x.length;
    int m = y.length;
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] = x[i].equals(y[j]) ? lcs[i + 1][j + 1] + 1
            : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> ops = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[i].equals(y[j])) {
        ops.add("  " + x[i]);
        i++;
        j++;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.add("- " + x[i++]);
      } else {
        ops.add("+ " + y[j++]);
      }
    }
    boolean[] show = new boolean[ops.size()];
    for (int k = 0; k < ops.size(); k++) {
      if (!ops.get(k).startsWith("  ")) {
        for (int d = -2; d <= 2; d++) {
          if (k + d >= 0 && k + d < ops.size()) {
            show[k + d] = true;
          }
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    int lines = 0;
    boolean gap = false;
    for (int k = 0; k < ops.size() && lines < 200; k++) {
      if (show[k]) {
        if (gap) {
          sb.append("@@\n");
        }
        sb.append(ops.get(k)).append('\n');
        lines++;
        gap = false;
      } else {
        gap = true;
      }
    }
    return sb.toString();
  }
}
