package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.backup.restore.RestoreVerification;
import ing.paperclip.db.backup.pgdump.PgDumpLocator;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import ing.paperclip.db.core.testing.Oracles;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Post-restore verification: row counts of the restored tables against the file's manifest. */
@WithPostgres
class RestoreVerificationIT {
  @TempDir
  Path dir;

  @Test
  void countsMatchAfterARestoreAndALostRowIsNamed(TestDatabase db) throws Exception {
    TestDatabase source = db.sibling("rv_src");
    TestDatabase target = db.sibling("rv_dst");
    try {
      source.execute("CREATE SCHEMA \"we.ird\"; CREATE TABLE \"we.ird\".\"T\" (id int PRIMARY KEY);"
          + "INSERT INTO \"we.ird\".\"T\" SELECT generate_series(1, 250);"
          + "CREATE TABLE public.u (id int, v text); INSERT INTO public.u VALUES (1, 'a'), (2, 'b'), (3, NULL);"
          + "CREATE TABLE public.empty (id int);");
      BackupResult b = new BackupService(source.spec(), dir, new CatalogSchemaScripter(), BackupOptions.builder().build()).backup();
      Optional<BackupManifest> m = RestoreVerification.manifest(b.file());
      assertTrue(m.isPresent(), "the trailer holds the manifest");
      assertEquals(3, m.get().tables().size());
      assertEquals(253, m.get().totalRows());
      new RestoreService(target.spec()).restore(b.file(), RestoreOptions.DEFAULTS, RestoreListener.NONE);
      try (Connection c = target.connect()) {
        RestoreVerification.Result ok = RestoreVerification.verify(c, m.get());
        assertEquals("verified 3 tables, 253 rows, 0 sequences", ok.summary());
        assertTrue(ok.ok(), ok.problems().toString());
        target.execute("DELETE FROM \"we.ird\".\"T\" WHERE id = 7; INSERT INTO public.u VALUES (4, 'd')");
        RestoreVerification.Result bad = RestoreVerification.verify(c, m.get());
        assertEquals(List.of("public.u: 4 rows in the database, 3 in the backup",
            "we.ird.T: 249 rows in the database, 250 in the backup"), bad.problems().stream().sorted().toList());
        target.execute("DROP TABLE public.empty");
        assertTrue(RestoreVerification.verify(c, m.get()).problems().stream()
            .anyMatch(p -> p.startsWith("public.empty: cannot be counted")));
      }
    } finally {
      source.dropInBackground();
      target.dropInBackground();
    }
  }

  /** Sequences of every shape: serial, identity, a quoted odd name, one never called, one set far ahead. */
  private static final String SEQUENCES = "CREATE SCHEMA \"Odd.Schema\";"
      + "CREATE TABLE public.s (id serial PRIMARY KEY, v text);"
      + "INSERT INTO public.s (v) SELECT 'x' FROM generate_series(1, 17);"
      + "CREATE TABLE \"Odd.Schema\".i (id int GENERATED ALWAYS AS IDENTITY, v int);"
      + "INSERT INTO \"Odd.Schema\".i (v) VALUES (1), (2), (3);"
      + "CREATE SEQUENCE \"Odd.Schema\".\"We'ird \"\"Seq\"\"\" START 5;"
      + "CREATE SEQUENCE public.far INCREMENT BY 7; SELECT setval('public.far', 9000000000123, true);";

  private static Map<String, String> sequenceStates(TestDatabase db) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT schemaname, sequencename FROM pg_sequences")) {
      List<String[]> names = new java.util.ArrayList<>();
      while (rs.next()) {
        names.add(new String[] {rs.getString(1), rs.getString(2)});
      }
      for (String[] n : names) {
        try (ResultSet v = s.executeQuery("SELECT last_value, is_called FROM "
            + SqlIdentifiers.qualified(n[0], n[1]))) {
          v.next();
          out.put(n[0] + "." + n[1], v.getLong(1) + "/" + v.getBoolean(2));
        }
      }
    }
    return out;
  }

  @Test
  void sequencesAreComparedAfterAJavaEngineRestore(TestDatabase db) throws Exception {
    sequencesRoundTrip(db, BackupEngine.JAVA, null);
  }

  @Test
  void sequencesAreComparedAfterAPgDumpEngineRestore(TestDatabase db) throws Exception {
    sequencesRoundTrip(db, BackupEngine.PG_DUMP,
        new PgDumpLocator(Map.of("PATH", Oracles.requirePgDump(db).getParent().toString())));
  }

  private void sequencesRoundTrip(TestDatabase db, BackupEngine engine, PgDumpLocator locator) throws Exception {
    TestDatabase source = db.sibling("rvs_src");
    TestDatabase target = db.sibling("rvs_dst");
    try {
      source.execute(SEQUENCES);
      BackupOptions options = BackupOptions.builder().engine(engine).build();
      BackupService service = locator == null
          ? new BackupService(source.spec(), dir, new CatalogSchemaScripter(), options)
          : new BackupService(source.spec(), dir, new CatalogSchemaScripter(), options, locator, Clock.systemUTC());
      BackupResult b = service.backup();
      BackupManifest m = RestoreVerification.manifest(b.file()).orElseThrow();
      Map<String, String> states = sequenceStates(source);
      assertEquals(4, states.size(), states.toString());
      // the manifest records each sequence as the source holds it
      Map<String, String> recorded = new TreeMap<>();
      m.sequences().values().forEach(e -> recorded.put(e.qualifiedName(), e.lastValue() + "/" + e.isCalled()));
      assertEquals(states, recorded, "engine " + b.engine());
      assertEquals(0, m.sequences().unknown());
      assertEquals("5/false", recorded.get("Odd.Schema.We'ird \"Seq\""));

      // nextval between backup and restore on the source changes nothing in the file
      source.execute("SELECT nextval('public.s_id_seq')");
      new RestoreService(target.spec()).restore(b.file(), RestoreOptions.DEFAULTS, RestoreListener.NONE);
      try (Connection c = target.connect()) {
        RestoreVerification.Result ok = RestoreVerification.verify(c, m);
        assertTrue(ok.ok(), ok.problems().toString());
        assertEquals("verified 2 tables, 20 rows, 4 sequences", ok.summary());
        assertEquals(List.of(), ok.notes());
        // a selective restore compares what it loaded
        assertEquals("verified 1 tables, 3 rows, 2 sequences",
            RestoreVerification.verify(c, m, (schema, name) -> schema.equals("Odd.Schema")).summary());

        target.execute("SELECT nextval('public.s_id_seq'); SELECT setval('\"Odd.Schema\".\"We''ird \"\"Seq\"\"\"', 5, true)");
        RestoreVerification.Result bad = RestoreVerification.verify(c, m);
        assertEquals(List.of("sequence Odd.Schema.We'ird \"Seq\": last_value 5 in the database, last_value 5 "
                + "(not yet called) in the backup",
            "sequence public.s_id_seq: last_value 18 in the database, last_value 17 in the backup"),
            bad.problems().stream().sorted().toList());
        target.execute("DROP SEQUENCE public.far");
        RestoreVerification.Result dropped = RestoreVerification.verify(c, m);
        assertTrue(dropped.problems().stream().anyMatch(p -> p.startsWith("sequence public.far: cannot be read")));
        assertEquals(3, dropped.sequences(), "the other sequences are still read: " + dropped.problems());
        // inside a transaction too: a missing sequence does not abort the reads of the others
        c.setAutoCommit(false);
        RestoreVerification.Result inTx = RestoreVerification.verify(c, m);
        assertEquals(dropped.problems().size(), inTx.problems().size(), inTx.problems().toString());
        assertEquals(3, inTx.sequences());
        c.rollback();
        c.setAutoCommit(true);

        // a manifest written before sequences were recorded: compared tables only, with a note
        BackupManifest old = new BackupManifest(m.formatVersion(), m.tool(), m.toolVersion(), m.createdAt(),
            m.engine(), m.serverVersion(), m.database(), m.schemas(), m.tables(), m.transforms(), m.bodyBytes(),
            m.bodySha256(), m.source());
        RestoreVerification.Result older = RestoreVerification.verify(c, old);
        assertTrue(older.ok(), older.problems().toString());
        assertEquals("verified 2 tables, 20 rows", older.summary());
        assertEquals(-1, older.sequences());
        assertTrue(older.notes().get(0).startsWith("sequences not compared"), older.notes().toString());
      }
    } finally {
      source.dropInBackground();
      target.dropInBackground();
    }
  }

  @Test
  void aFileWithoutAManifestHasNone() throws Exception {
    Path plain = dir.resolve("plain.sql.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(plain))) {
      out.write("CREATE TABLE t (id int);\n-- not a manifest\n".getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(RestoreVerification.manifest(plain).isEmpty());
  }
}
