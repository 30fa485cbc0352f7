package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every connection of a backup, the main one and each parallel worker, reads with the settings
 * the file's header declares: {@code regclass}/{@code regtype}/{@code regproc} values come out
 * schema-qualified whichever connection copies their table, and literals deparsed from a
 * database whose default is {@code standard_conforming_strings = off} read back unchanged.
 */
@WithPostgres
class BackupSessionSettingsIT {
  @TempDir
  Path dir;

  private static String dataSection(Path file) throws Exception {
    String text;
    try (InputStream in = BackupFormat.openText(file)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    int from = text.indexOf(BackupFormat.SECTION_PREFIX + "data\n");
    int to = text.indexOf(BackupFormat.SECTION_PREFIX + "post-data\n");
    assertTrue(from >= 0 && to > from, "sections in " + file);
    // tables are appended in completion order: compare the blocks as a set, in name order
    List<String> blocks = new ArrayList<>(List.of(text.substring(from, to)
        .split("(?=" + BackupFormat.DATA_PREFIX + ")")));
    blocks.sort(null);
    return String.join("", blocks);
  }

  /** The regclass case: 20 parallel backups of one database, byte-identical data sections. */
  @Test
  void twentyParallelBackupsHaveIdenticalDataSections(TestDatabase db) throws Exception {
    StringBuilder sql = new StringBuilder("CREATE FUNCTION target_fn(int) RETURNS int"
        + " LANGUAGE sql AS 'SELECT 1'; CREATE TYPE target_type AS ENUM ('a');");
    for (int i = 0; i < 8; i++) {
      sql.append("CREATE TABLE regs_").append(i).append(" (c regclass, t regtype, p regproc,"
          + " pr regprocedure, o regoperator, n regnamespace); INSERT INTO regs_").append(i)
          .append(" SELECT 'regs_").append(i).append("', 'target_type', 'target_fn',"
              + " 'target_fn(int)', '+(int,int)', 'public' FROM generate_series(1, 50);");
    }
    db.execute(sql.toString());
    List<Future<Path>> runs = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int r = 0; r < 20; r++) {
        Path out = dir.resolve("run" + r);
        runs.add(pool.submit(() -> new BackupService(db.spec(), out, new CatalogSchemaScripter(),
            BackupOptions.builder().jobs(4).build()).backup().file()));
      }
      String first = null;
      for (Future<Path> f : runs) {
        String data = dataSection(f.get());
        for (int i = 0; i < 8; i++) {
          assertTrue(data.contains("public.regs_" + i + "\tpublic.target_type\tpublic.target_fn"
              + "\tpublic.target_fn(integer)"), "qualified reg* values: " + data.substring(0,
              Math.min(600, data.length())));
        }
        if (first == null) {
          first = data;
        } else {
          assertEquals(first, data, "data sections of parallel backups differ");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A database whose sessions default to standard_conforming_strings = off. */
  @Test
  void literalsOfANonStandardStringsDatabaseRoundTrip(TestDatabase db) throws Exception {
    TestDatabase src = db.sibling("scs_src");
    TestDatabase target = db.sibling("scs_target");
    try {
      src.execute("ALTER DATABASE " + SqlIdentifiers.quote(src.name())
          + " SET standard_conforming_strings = off");
      src.execute("SET standard_conforming_strings = on; CREATE TABLE t (v text DEFAULT 'a\\b',"
          + " w text CHECK (w <> 'x\\y')); CREATE VIEW v AS SELECT 'c\\d'::text AS c;"
          + " INSERT INTO t VALUES (DEFAULT, 'p\\q');");
      Path file = new BackupService(src.spec(), dir.resolve("scs"), new CatalogSchemaScripter(),
          BackupOptions.builder().jobs(2).build()).backup().file();
      ItSupport.psqlRestore(file, target);
      // not pg_dump's text: it deparses the source under its own (off) setting
      FidelityCorpusIT.assertSameCatalogAndData(src, target);
      assertEquals(1L, ItSupport.count(target, "SELECT count(*) FROM t WHERE v = 'a\\b'"
          + " AND w = 'p\\q'"));
      assertEquals(1L, ItSupport.count(target, "SELECT count(*) FROM v WHERE c = 'c\\d'"));
    } finally {
      src.dropInBackground();
      target.dropInBackground();
    }
  }
}
