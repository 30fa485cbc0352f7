package ing.paperclip.db.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC corpus loader gives the same database as psql, the reference. */
@WithPostgres
class SqlScriptIT {
  @Test
  void pagilaLoadsWithoutPsqlAndEqualsWhatPsqlLoads(TestDatabase db, @TempDir Path dir) throws Exception {
    Corpora.loadPagila(db);
    Map<String, String> digests = DatabaseComparator.fingerprints(db);
    assertTrue(digests.get("r public.rental").startsWith("16044:"), digests.get("r public.rental"));
    assertTrue(digests.get("r public.payment_p2022_07").startsWith("2334:"), digests.toString());

    Path psql = Oracles.require(Oracle.PSQL);
    TestDatabase viaPsql = db.sibling("pagila_psql");
    try {
      Path schema = dir.resolve("schema.sql");
      Files.writeString(schema, Corpora.pagilaSchema());
      Path data = dir.resolve("data.sql");
      Files.writeString(data, Corpora.pagilaData());
      for (Path f : List.of(schema, data)) {
        DatabaseComparator.run(viaPsql, List.of(psql.toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
            "-f", f.toString()));
      }
      DatabaseComparator.assertSameSchemaAndData(viaPsql, db);
    } finally {
      viaPsql.drop();
    }
  }

  @Test
  void theOriginalsDrizzleBuiltSchemaLoads(TestDatabase db) throws Exception {
    TestDatabase drizzle = db.sibling("drizzle");
    try {
      String script = Corpora.resource("corpora/paperclip-drizzle/paperclip-drizzle-0217.sql.gz");
      long tables = script.lines().filter(l -> l.startsWith("CREATE TABLE public.")).count();
      assertEquals(171, tables);
      SqlScript.run(drizzle, script);
      try (var c = drizzle.connect(); var s = c.createStatement(); var rs = s.executeQuery(
          "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public'),"
              + " (SELECT count(*) FROM drizzle.__drizzle_migrations)")) {
        rs.next();
        assertEquals(tables, rs.getInt(1));
        assertEquals(216, rs.getInt(2));
      }
    } finally {
      drizzle.drop();
    }
  }
}
