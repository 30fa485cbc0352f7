package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.restore.RestorePreflight;
import ing.paperclip.db.backup.restore.RestoreVerification;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore pre-flight, one refusal at a time, each with the target unchanged: an older server
 * major, a missing extension, a missing privilege, a newer core migration level, too little space;
 * and {@code --check} passing on a good file.
 */
@WithPostgres
class RestorePreflightIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path home;

  record Run(int code, String out, String err) {}

  private Run run(ConnectionSpec spec, boolean migrate, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("PAPERCLIP_HOME", home.toString());
    env.put("DATABASE_URL", spec.libpqUri());
    if (migrate) {
      env.put("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    }
    int code = Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
    return new Run(code, out.toString(), err.toString());
  }

  /** Objects in the target besides the catalogs: what "unchanged" is measured by. */
  private static String state(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname "
            + "NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%') || '/' || "
            + "(SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace)")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** A copy of the backup whose manifest (in its trailer member) was edited. */
  private Path edited(Path file, String name, Consumer<ObjectNode> edit) throws Exception {
    byte[] all = Files.readAllBytes(file);
    for (int i = all.length - 18; i >= 0; i--) {
      if ((all[i] & 0xff) != 0x1f || (all[i + 1] & 0xff) != 0x8b || all[i + 2] != 8) {
        continue;
      }
      String text;
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(all, i, all.length - i))) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException notAMember) {
        continue;
      }
      int at = text.startsWith(BackupFormat.MANIFEST_PREFIX) ? 0 : text.indexOf("\n" + BackupFormat.MANIFEST_PREFIX) + 1;
      if (at == 0 && !text.startsWith(BackupFormat.MANIFEST_PREFIX)) {
        continue;
      }
      int nl = text.indexOf('\n', at);
      ObjectNode m = (ObjectNode) JSON.readTree(text.substring(at + BackupFormat.MANIFEST_PREFIX.length(), nl));
      edit.accept(m);
      ByteArrayOutputStream z = new ByteArrayOutputStream();
      try (OutputStream out = new GZIPOutputStream(z)) {
        out.write((text.substring(0, at) + BackupFormat.MANIFEST_PREFIX + JSON.writeValueAsString(m) + text.substring(nl))
            .getBytes(StandardCharsets.UTF_8));
      }
      Path copy = home.resolve(name + ".sql.gz");
      try (OutputStream out = Files.newOutputStream(copy)) {
        out.write(Arrays.copyOf(all, i));
        out.write(z.toByteArray());
      }
      return copy;
    }
    throw new AssertionError("no manifest member in " + file);
  }

  @Test
  void eachProblemIsRefusedOnOneLineWithTheTargetUnchanged(TestDatabase source) throws Exception {
    assertEquals(0, run(source.spec(), true, "db", "migrate").code());
    source.execute("INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme')");
    Path dir = home.resolve("b");
    assertEquals(0, run(source.spec(), true, "db", "backup", "--dir", dir.toString()).code());
    Path file;
    try (var s = Files.list(dir)) {
      file = s.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
    }
    BackupManifest m = RestoreVerification.manifest(file).orElseThrow();
    assertTrue(m.source() != null && m.source().coreMigration() != null && m.source().databaseBytes() > 0
        && m.source().extensions().contains("plpgsql"), "the manifest records the source: " + m.source());

    TestDatabase target = source.sibling("preflight");
    try {
      String before = state(target);
      Run ok = run(target.spec(), false, "db", "restore", "--check", file.toString());
      assertEquals(0, ok.code(), ok.err());
      assertTrue(ok.out().contains("pre-flight passed"), ok.out());
      assertEquals(before, state(target));

      int nextMajor = (m.serverVersion() / 10000 + 1) * 10000;
      Path newerServer = edited(file, "newer-server", j -> j.put("serverVersion", nextMajor + 1));
      Path extension = edited(file, "extension", j -> ((ObjectNode) j.get("source")).withArray("extensions")
          .add("no_such_extension_pf"));
      Path migration = edited(file, "migration", j -> ((ObjectNode) j.get("source"))
          .put("coreMigration", "999-from-a-newer-build"));
      Map<Path, List<String>> refusals = Map.of(
          newerServer, List.of("the backup is from PostgreSQL " + (nextMajor / 10000), "an older major"),
          extension, List.of("extension \"no_such_extension_pf\"", "not available on this server"),
          migration, List.of("migration '999-from-a-newer-build'", "newer than this paperclip-db"));
      for (Map.Entry<Path, List<String>> e : refusals.entrySet()) {
        for (String mode : new String[] {"--check", "--jobs=2"}) {
          Run r = run(target.spec(), false, "db", "restore", mode, e.getKey().toString());
          assertEquals(8, r.code(), r.err());
          List<String> lines = r.err().lines().filter(l -> l.startsWith("pre-flight: ")).toList();
          assertEquals(1, lines.size(), r.err());
          for (String words : e.getValue()) {
            assertTrue(lines.get(0).contains(words), lines.get(0));
          }
          assertTrue(r.err().contains("nothing was sent to the target"), r.err());
          assertEquals(before, state(target), "target unchanged by " + e.getKey().getFileName());
        }
      }

      // a role that owns nothing and may not create schemas in the target
      String role = "pf_" + Long.toHexString(System.nanoTime());
      target.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER PASSWORD 'pf-pass'; REVOKE CREATE ON DATABASE \""
          + target.name() + "\" FROM PUBLIC");
      try {
        ConnectionSpec asRole = new ConnectionSpec(target.spec().host(), target.spec().port(), target.spec().database(),
            role, "pf-pass", target.spec().parameters());
        Run r = run(asRole, false, "db", "restore", file.toString());
        assertEquals(8, r.code(), r.err());
        assertTrue(r.err().contains("pre-flight: role \"" + role + "\" may not create schemas")
            && r.err().contains("GRANT CREATE ON DATABASE"), r.err());
        assertEquals(before, state(target));
      } finally {
        target.execute("DROP ROLE " + role);
      }

      // free space, as measured for an embedded server's data directory
      try (Connection c = target.connect()) {
        List<String> space = RestorePreflight.check(c, m, new RestorePreflight.Target(Set.of(m.source().coreMigration()),
            OptionalLong.of(m.source().databaseBytes() - 1), "/srv/data"));
        assertEquals(1, space.size(), space.toString());
        assertTrue(space.get(0).contains("only " + (m.source().databaseBytes() - 1) + " bytes are free at /srv/data"),
            space.get(0));
      }
      Run restored = run(target.spec(), false, "db", "restore", file.toString());
      assertEquals(0, restored.code(), restored.err());
    } finally {
      target.drop();
    }
  }
}
