package ing.paperclip.db.backup.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.catalog.Catalog;
import ing.paperclip.db.core.catalog.CatalogReader;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.PoolSettings;
import ing.paperclip.db.core.testing.Corpora;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema fidelity of {@link CatalogSchemaScripter}: a corpus is scripted, its pre-data and
 * post-data are executed into an empty sibling database, and both must give the same
 * {@code pg_dump --schema-only} (when a pg_dump of the server's major version exists).
 */
@WithPostgres
class CatalogSchemaScripterIT {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogSchemaScripterIT.class);

  @Test
  void hostileCorpus(TestDatabase db) throws Exception {
    assertSchemaRoundTrip(db, "hostile", Corpora.hostile());
  }

  @Test
  void hostileCorpus2(TestDatabase db) throws Exception {
    DumpScript script = assertSchemaRoundTrip(db, "hostile2", Corpora.hostile2());
    Set<String> data = script.data().stream().map(TableData::qualifiedName)
        .collect(Collectors.toSet());
    assertTrue(data.contains("public.zero_columns"), data.toString());
    assertTrue(data.contains("public.measurements_2021_eu"), data.toString());
    assertFalse(data.contains("public.measurements"), "partitioned parents carry no rows");
    assertFalse(data.contains("public.measurements_2021"), "sub-partitioned parents carry no rows");
    assertFalse(data.contains("public.v_select"), "views carry no rows");
    TableData sel = script.data().stream().filter(t -> t.qualifiedName().equals("public.select"))
        .findFirst().orElseThrow();
    assertTrue(sel.columns().contains("id"), "identity columns are copied");
    assertFalse(sel.columns().contains("doubled"), "generated columns are not copied");
  }

  @Test
  void pagila(TestDatabase db) throws Exception {
    assertSchemaRoundTrip(db, "pagila", Corpora.pagilaSchema());
  }

  @Test
  void paperclipCoreSchema(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("core");
    try {
      try (HikariDataSource ds = ConnectionPools.openMigration(src.spec(), PoolSettings.DEFAULTS)) {
        new Migrator(ds).migrate();
      }
      assertSchemaRoundTrip(src, "core", null);
    } finally {
      src.dropInBackground();
    }
  }

  /** Counts the statements the reader runs, through a counting proxy of the connection. */
  @Test
  void catalogIsReadInAFixedNumberOfQueries(TestDatabase db) throws Exception {
    TestDatabase small = db.sibling("small");
    TestDatabase big = db.sibling("big");
    try {
      small.execute("CREATE TABLE t1 (id int PRIMARY KEY)");
      big.execute(Corpora.hostile2());
      big.execute("DO $$ BEGIN FOR i IN 1..50 LOOP EXECUTE format("
          + "'CREATE TABLE extra_%s (id int PRIMARY KEY, v text, w int REFERENCES extra_%s(id))',"
          + " i, i); EXECUTE format('CREATE INDEX ON extra_%s (v)', i); END LOOP; END $$");
      int a = countQueries(small);
      int b = countQueries(big);
      LOG.info("catalog read: {} statements on a 1-table database, {} on hostile2 + 50 tables",
          a, b);
      assertEquals(a, b, "the statement count must not depend on the number of objects");
      assertEquals(CatalogReader.QUERY_COUNT, a, "statements");
    } finally {
      small.dropInBackground();
      big.dropInBackground();
    }
  }

  /** A report, not an assert: introspection time on 2000 tables with 10000 indexes. */
  @Test
  void introspectionTimingOnTwoThousandTables(TestDatabase db) throws Exception {
    TestDatabase big = db.sibling("timing");
    try {
      for (int from = 1; from <= 2000; from += 50) {
        big.execute("DO $$ BEGIN FOR i IN " + from + ".." + (from + 49) + " LOOP EXECUTE format("
          + "'CREATE TABLE t_%s (id int PRIMARY KEY, a int, b text, c timestamptz, d jsonb);"
          + " CREATE INDEX ON t_%s (a); CREATE INDEX ON t_%s (b); CREATE INDEX ON t_%s (c);"
          + " CREATE INDEX ON t_%s USING gin (d); COMMENT ON TABLE t_%s IS ''t''',"
          + " i, i, i, i, i, i); END LOOP; END $$");
      }
      for (int run = 1; run <= 2; run++) {
        try (Connection c = big.connect()) {
          c.setAutoCommit(false);
          c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
          long t0 = System.nanoTime();
          Catalog cat = new CatalogReader().read(c);
          long t1 = System.nanoTime();
          DumpScript script = new CatalogSchemaScripter().script(cat);
          long t2 = System.nanoTime();
          c.rollback();
          LOG.info("TIMING run {}: catalog of {} tables and {} indexes read in {} ms, scripted"
              + " ({} pre-data, {} post-data objects) in {} ms", run, cat.tables().size(),
              cat.indexes().size() + cat.constraints().size(), (t1 - t0) / 1_000_000,
              script.preData().size(), script.postData().size(), (t2 - t1) / 1_000_000);
          assertEquals(2000, cat.tables().size());
        }
      }
    } finally {
      big.dropInBackground();
    }
  }

  /** Every explicit ACL of user objects, as text (both databases have the same owner). */
  private static List<String> acls(TestDatabase db) throws SQLException {
    String user = "n.nspname NOT IN ('pg_catalog', 'information_schema')"
        + " AND n.nspname NOT LIKE 'pg\\_%'";
    String sql = "SELECT 'schema ' || n.nspname || ' ' || n.nspacl::text FROM pg_namespace n"
        + " WHERE n.nspacl IS NOT NULL AND " + user
        + " UNION ALL SELECT 'rel ' || n.nspname || '.' || c.relname || ' ' || c.relacl::text"
        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE c.relacl IS NOT NULL AND " + user
        + " UNION ALL SELECT 'col ' || c.oid::regclass::text || '.' || a.attname || ' '"
        + " || a.attacl::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attacl IS NOT NULL AND " + user
        + " UNION ALL SELECT 'proc ' || p.oid::regprocedure::text || ' ' || p.proacl::text"
        + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        + " WHERE p.proacl IS NOT NULL AND " + user
        + " UNION ALL SELECT 'type ' || t.oid::regtype::text || ' ' || t.typacl::text"
        + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        + " WHERE t.typacl IS NOT NULL AND " + user + " ORDER BY 1";
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static DumpScript script(TestDatabase db) throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      DumpScript script = new CatalogSchemaScripter().script(c);
      c.rollback();
      return script;
    }
  }

  private static String text(DumpScript script) {
    List<SchemaObject> all = new ArrayList<>(script.preData());
    all.addAll(script.postData());
    return all.stream().map(SchemaObject::sql).collect(Collectors.joining("\n"))
        + "\n" + script.data().stream().map(t -> t.qualifiedName() + t.columns())
            .collect(Collectors.joining("\n"));
  }

  private static int countQueries(TestDatabase db) throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      StatementCounter counter = new StatementCounter(c);
      new CatalogReader().read(counter.connection());
      c.rollback();
      return counter.count();
    }
  }

  private static DumpScript assertSchemaRoundTrip(TestDatabase db, String hint, String corpus)
      throws Exception {
    return assertSchemaRoundTrip(db, hint, corpus, null);
  }

  /** PostgreSQL 18: NOT NULL constraint names and virtual generated columns survive. */
  @Test
  void postgres18NotNullNamesAndVirtualColumns(TestDatabase db) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(db.server().majorVersion() >= 18,
        "PostgreSQL 18 features");
    assertSchemaRoundTrip(db, "pg18", "CREATE TABLE public.nn18 (a int CONSTRAINT a_must_exist"
        + " NOT NULL, b int NOT NULL, v int GENERATED ALWAYS AS (a * 2) VIRTUAL);"
        + " CREATE TABLE public.nn18_child (c int CONSTRAINT \"c \"\"nn\"\"\" NOT NULL)"
        + " INHERITS (public.nn18);",
        "SELECT conrelid::regclass::text || ' ' || conname || ' ' || conislocal::text"
            + " || coninhcount::text"
            + " FROM pg_constraint WHERE contype = 'n' AND connamespace = 'public'::regnamespace"
            + " UNION ALL SELECT attrelid::regclass::text || '.' || attname || ' '"
            + " || attgenerated::text"
            + " FROM pg_attribute WHERE attgenerated <> '' ORDER BY 1");
  }

  private static List<String> probe(TestDatabase db, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static DumpScript assertSchemaRoundTrip(TestDatabase db, String hint, String corpus,
      String probe) throws Exception {
    TestDatabase src = corpus == null ? db : db.sibling(hint);
    TestDatabase target = db.sibling(hint + "_t");
    try {
      if (corpus != null) {
        src.execute(corpus);
      }
      DumpScript script = script(src);
      List<SchemaObject> all = new ArrayList<>(script.preData());
      all.addAll(script.postData());
      try (Connection c = target.connect(); Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.execute("SELECT pg_catalog.set_config('search_path', '', false)");
        s.execute("SET check_function_bodies = false");
        for (SchemaObject o : all) {
          try {
            s.execute(o.sql());
          } catch (SQLException e) {
            throw new AssertionError(o.key() + " failed: " + e.getMessage() + "\n" + o.sql(), e);
          }
        }
        c.commit();
      }
      assertEquals(acls(src), acls(target), "explicit ACLs");
      if (probe != null) {
        List<String> expected = probe(src, probe);
        assertFalse(expected.isEmpty(), "probe finds something");
        assertEquals(expected, probe(target, probe), "probe");
      }
      // Fixed point, also where no pg_dump fits the server: the restored schema scripts the same.
      String again = text(script(target));
      String first = text(script);
      if (!first.equals(again)) {
        org.junit.jupiter.api.Assertions.fail("the restored " + hint + " scripts differently (-"
            + " source, + restored):\n" + DatabaseComparator.diff(first, again));
      }
      if (!DatabaseComparator.assertSameSchema(src, target)) {
        LOG.warn("{}: no pg_dump of the server's version, schema equality not checked", hint);
      }
      return script;
    } finally {
      target.dropInBackground();
      if (corpus != null) {
        src.dropInBackground();
      }
    }
  }
}
