package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.testing.Oracle;
import ing.paperclip.db.core.testing.Oracles;
import ing.paperclip.db.core.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Helpers for backup ITs: psql and pg_dump with the connection in the environment (each a
 * test-skipping {@link Oracles} requirement), fingerprints.
 */
final class ItSupport {
  private ItSupport() {}

  static void pgEnv(Map<String, String> env, ConnectionSpec spec) {
    env.put("PGHOST", spec.host());
    env.put("PGPORT", Integer.toString(spec.port()));
    env.put("PGDATABASE", spec.database());
    spec.userName().ifPresent(u -> env.put("PGUSER", u));
    if (spec.password() != null) {
      env.put("PGPASSWORD", spec.password());
    }
  }

  /** Runs a command with the database's connection in the environment; returns stdout. */
  static String run(TestDatabase db, List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pgEnv(pb.environment(), db.spec());
    Path err = Files.createTempFile("it-", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("timeout: " + cmd);
    }
    String stderr = Files.readString(err);
    Files.delete(err);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(cmd + " failed (" + p.exitValue() + "): " + stderr);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /**
   * {@code gunzip -c FILE | psql -X -v ON_ERROR_STOP=1} into {@code db} (plain {@code cat} for a
   * file not ending in {@code .gz}); skips the test without psql or gunzip.
   */
  static void psqlRestore(Path file, TestDatabase db) throws IOException, InterruptedException {
    boolean gz = file.getFileName().toString().endsWith(".gz");
    String psql = Oracles.require(Oracle.PSQL).toString();
    String inflate = gz ? Oracles.require(Oracle.GUNZIP) + " -c" : "cat";
    run(db, List.of("bash", "-o", "pipefail", "-c",
        inflate + " \"$1\" | \"$2\" -X -q -v ON_ERROR_STOP=1 >/dev/null", "restore", file.toString(), psql));
  }

  /**
   * Runs a SQL file with {@code psql -X -v ON_ERROR_STOP=1 -f}, for tests whose subject is psql;
   * skips the test without psql. To load a corpus, use {@code Corpora.load} or {@code SqlScript}
   * (no psql needed).
   */
  static void psqlFile(Path sql, TestDatabase db) throws IOException, InterruptedException {
    run(db, List.of(Oracles.require(Oracle.PSQL).toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
        "-f", sql.toString()));
  }

  /** Runs {@link Oracles#requirePgDump a pg_dump of the server's major} with these arguments. */
  static String pgDump(TestDatabase db, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Oracles.requirePgDump(db).toString());
    cmd.addAll(List.of(args));
    return run(db, cmd);
  }

  /** Returns "rows digest" per table of the given schemas, for equality checks. */
  static Map<String, String> fingerprints(TestDatabase db, List<String> schemas) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      List<String[]> tables = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, c.relname FROM pg_class c"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE (c.relkind = 'r' OR (c.relkind = 'm' AND c.relispopulated))"
          + " AND n.nspname = ANY (?) ORDER BY 1, 2")) {
        ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            tables.add(new String[] {rs.getString(1), rs.getString(2)});
          }
        }
      }
      for (String[] t : tables) {
        String q = "\"" + t[0].replace("\"", "\"\"") + "\".\"" + t[1].replace("\"", "\"\"") + "\"";
        try (ResultSet rs = s.executeQuery("SELECT count(*), md5(coalesce(string_agg(x, E'\\n' ORDER BY x"
            + " COLLATE \"C\"), '')) FROM (SELECT r::text AS x FROM ONLY " + q + " r) s")) {
          rs.next();
          out.put(t[0] + "." + t[1], rs.getLong(1) + " " + rs.getString(2));
        }
      }
    }
    return out;
  }

  static void assertSameRows(TestDatabase source, TestDatabase target, List<String> schemas)
      throws SQLException {
    Map<String, String> a = fingerprints(source, schemas);
    assertEquals(a, fingerprints(target, schemas));
  }

  static long count(TestDatabase db, String sql) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The files of a backup directory but its verification log (a deliberate, advisory record). */
  static List<Path> listDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().equals(ing.paperclip.db.backup.file.VerificationLog.NAME))
          .sorted().toList();
    }
  }
}
