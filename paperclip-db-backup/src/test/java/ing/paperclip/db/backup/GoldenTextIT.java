package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.pgdump.PgDumpLocator;
import ing.paperclip.db.core.testing.Oracles;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text of backups of one fixed database, by both engines, compared with the text the writer
 * produced when the golden files under {@code src/test/resources/golden} were recorded (one per
 * engine and server major; record missing ones with {@code -Dgolden.record=true}). Masked: the
 * tool version, the server version, pg_dump's version lines and its random {@code \restrict} key,
 * and in the manifest the values that depend on the server or the test run (the manifest's
 * fields and their order are compared; {@code bodySha256} is checked by the verifier instead).
 * With parallel jobs the blocks' order is the workers' completion order, so blocks and table
 * entries are sorted and member offsets masked.
 */
@WithPostgres
class GoldenTextIT {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void load(TestDatabase db) {
    db.execute("""
        CREATE SCHEMA app;
        CREATE SCHEMA "odd
        -- data: {""schema"":""x""}";
        CREATE TABLE app.t (id int PRIMARY KEY, v text, b bytea);
        CREATE SEQUENCE app.s START 5;
        SELECT setval('app.s', 42);
        CREATE TABLE "odd
        -- data: {""schema"":""x""}"."line
        -- section: post-data
        \\." (x text);
        CREATE VIEW app.v AS SELECT id, v FROM app.t WHERE v <> '
        -- entry: {"kind":"x"}
        COMMIT;';
        CREATE TABLE app.empty (a int);
        COMMENT ON TABLE app.t IS 'the
        -- paperclip-end
        table';
        INSERT INTO app.t SELECT g, 'row ' || g || E'\\n\\\\. tab\\t', '\\x00ff' FROM generate_series(1, 200) g;
        INSERT INTO "odd
        -- data: {""schema"":""x""}"."line
        -- section: post-data
        \\." VALUES (E'\\\\.'), ('-- paperclip-end'), (NULL);
        """);
  }

  @Test
  void javaEngineOneJob(TestDatabase db, @TempDir Path dir) throws Exception {
    compare(db, backup(db, dir, BackupEngine.JAVA, 1), "java-1", false);
  }

  @Test
  void javaEngineParallel(TestDatabase db, @TempDir Path dir) throws Exception {
    compare(db, backup(db, dir, BackupEngine.JAVA, 3), "java-3", true);
  }

  @Test
  void pgDumpEngine(TestDatabase db, @TempDir Path dir) throws Exception {
    compare(db, backup(db, dir, BackupEngine.PG_DUMP, 1), "pg_dump", false);
  }

  private static Path backup(TestDatabase db, Path dir, BackupEngine engine, int jobs) {
    PgDumpLocator locator = engine == BackupEngine.PG_DUMP
        ? new PgDumpLocator(Map.of("PATH", Oracles.requirePgDump(db).getParent().toString()))
        : new PgDumpLocator(Map.of());
    return new BackupService(db.spec(), dir, new CatalogSchemaScripter(),
        BackupOptions.builder().engine(engine).jobs(jobs).build(), locator, CLOCK).backup().file();
  }

  private static void compare(TestDatabase db, Path file, String name, boolean sortBlocks) throws Exception {
    new BackupVerifier().verifyOrThrow(file);
    String text;
    try (InputStream in = BackupFormat.openText(file)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String masked = mask(text, db.name(), sortBlocks);
    Path golden = Path.of("src/test/resources/golden", name + "-pg" + db.server().majorVersion() + ".txt");
    if (!Files.exists(golden) && Boolean.getBoolean("golden.record")) {
      Files.writeString(golden, masked);
    }
    // a server major (or pg_dump major) no golden text was recorded for is a reported skip, not a failure
    Assumptions.assumeTrue(Files.exists(golden), "no golden text " + golden.toAbsolutePath()
        + " for this server's major; record it from a trusted build with -Dgolden.record=true");
    assertEquals(Files.readString(golden), masked, "the backup's text differs from " + golden);
  }

  private static String mask(String text, String database, boolean sortBlocks) throws Exception {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith(BackupFormat.TOOL_PREFIX)) {
        l = BackupFormat.TOOL_PREFIX + "*";
      } else if (l.startsWith(BackupFormat.SERVER_PREFIX)) {
        l = BackupFormat.SERVER_PREFIX + "*";
      } else if (l.startsWith(BackupFormat.ENGINE_PREFIX + "pg_dump ")) {
        l = BackupFormat.ENGINE_PREFIX + "pg_dump *";
      } else if (l.startsWith("-- Dumped from database version ") || l.startsWith("-- Dumped by pg_dump version ")) {
        l = l.substring(0, l.indexOf(" version ")) + " version *";
      } else if (l.startsWith("\\restrict ") || l.startsWith("\\unrestrict ")) {
        l = l.substring(0, l.indexOf(' ')) + " *";
      } else if (l.startsWith(BackupFormat.MANIFEST_PREFIX)) {
        l = BackupFormat.MANIFEST_PREFIX + manifest(l.substring(BackupFormat.MANIFEST_PREFIX.length()),
            database, sortBlocks);
      }
      lines.set(i, l);
    }
    String out = String.join("\n", lines);
    return sortBlocks ? sortBlocks(out) : out;
  }

  private static String manifest(String json, String database, boolean sortBlocks) throws Exception {
    ObjectNode m = (ObjectNode) JSON.readTree(json);
    assertEquals(database, m.get("database").asText());
    for (String f : List.of("toolVersion", "serverVersion", "database", "bodySha256")) {
      m.put(f, "*");
    }
    if (m.get("engine").asText().startsWith("pg_dump ")) {
      m.put("engine", "pg_dump *");
    }
    ((ObjectNode) m.get("source")).put("databaseBytes", "*");
    if (sortBlocks) {
      ArrayNode tables = (ArrayNode) m.get("tables");
      List<ObjectNode> sorted = new ArrayList<>();
      tables.forEach(t -> sorted.add((ObjectNode) t));
      sorted.forEach(t -> t.put("memberOffset", "*"));
      sorted.sort(Comparator.comparing(t -> t.get("schema").asText() + "." + t.get("table").asText()));
      tables.removeAll();
      sorted.forEach(tables::add);
    }
    return JSON.writeValueAsString(m);
  }

  /** The data section's blocks in name order (each starts with its data line). */
  private static String sortBlocks(String text) {
    String start = "\n" + BackupFormat.SECTION_PREFIX + "data\n";
    String end = "\n" + BackupFormat.SECTION_PREFIX + "post-data\n";
    int s = text.indexOf(start) + start.length();
    int e = text.indexOf(end, s) + 1;
    String marker = BackupFormat.DATA_PREFIX + "{\"schema\":";
    List<String> blocks = new ArrayList<>();
    int at = s;
    while (at < e) {
      int next = text.indexOf("\n" + marker, at + 1);
      int stop = next < 0 || next >= e ? e : next + 1;
      blocks.add(text.substring(at, stop));
      at = stop;
    }
    blocks.sort(Comparator.naturalOrder());
    return text.substring(0, s) + String.join("", blocks) + text.substring(e);
  }
}
