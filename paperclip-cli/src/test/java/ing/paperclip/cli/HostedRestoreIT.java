package ing.paperclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code db restore} of an instance's backup by a NOSUPERUSER role that owns the target database (hosted). */
@WithPostgres
class HostedRestoreIT {
  @TempDir
  Path home;

  private int run(ConnectionSpec spec, boolean migrate, StringWriter out, StringWriter err, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("PAPERCLIP_HOME", home.toString());
    env.put("DATABASE_URL", spec.libpqUri());
    if (migrate) {
      env.put("PAPERCLIP_MIGRATION_AUTO_APPLY", "true");
    }
    return Main.run(args, env, new PrintWriter(out), new PrintWriter(err), false, home);
  }

  @Test
  void aDatabaseOwnerWithoutSuperuserRestoresTheCoreSchemaEqualToTheSource(TestDatabase source) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, run(source.spec(), true, out, err, "db", "migrate"), err.toString());
    source.execute("INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme')");
    Path dir = home.resolve("b");
    assertEquals(0, run(source.spec(), true, out, err, "db", "backup", "--dir", dir.toString()), err.toString());
    Path file;
    try (var s = Files.list(dir)) {
      file = s.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
    }
    String role = "hosted_" + Long.toHexString(System.nanoTime());
    source.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'hosted-pass'");
    TestDatabase target = source.sibling("hosted");
    try {
      target.execute("ALTER DATABASE \"" + target.name() + "\" OWNER TO " + role);
      ConnectionSpec asOwner = new ConnectionSpec(target.spec().host(), target.spec().port(), target.spec().database(),
          role, "hosted-pass", target.spec().parameters());
      StringWriter rOut = new StringWriter();
      StringWriter rErr = new StringWriter();
      assertEquals(0, run(asOwner, false, rOut, rErr, "db", "restore", file.toString()), rErr.toString());
      assertTrue(rOut.toString().contains("verified "), rOut.toString());
      DatabaseComparator.assertSameSchemaAndData(source, target);
    } finally {
      target.drop();
      source.execute("DROP ROLE " + role);
    }
  }
}
