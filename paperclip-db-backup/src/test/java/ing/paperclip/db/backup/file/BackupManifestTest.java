package ing.paperclip.db.backup.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.file.BackupManifest.SequenceEntry;
import ing.paperclip.db.backup.file.BackupManifest.Sequences;
import ing.paperclip.db.backup.file.BackupManifest.TableEntry;
import ing.paperclip.db.backup.file.BackupManifest.Transforms;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupManifestTest {
  static BackupManifest sample() {
    return new BackupManifest(1, "paperclip-db", "0.1.0-SNAPSHOT",
        Instant.parse("2026-11-25T02:30:00Z"), "java", 150020, "paperclip",
        List.of("public", "plugin_x \"ü\""),
        List.of(new TableEntry("public", "t\n1", 123, "ab".repeat(32)),
            new TableEntry("plugin_x \"ü\"", "deals", 0, "cd".repeat(32))),
        new Transforms(List.of("public.audit"), List.of("public.users.email")), 4567,
        "ef".repeat(32));
  }

  @Test
  void roundTripsThroughOneLineOfJson() {
    BackupManifest m = sample();
    String json = m.toJson();
    assertFalse(json.contains("\n"), json);
    assertTrue(json.startsWith("{\"formatVersion\":1,\"tool\":\"paperclip-db\""), json);
    assertTrue(json.contains("\"createdAt\":\"2026-11-25T02:30:00Z\""), json);
    assertEquals(m, BackupManifest.fromJson(json));
    assertEquals(123, m.totalRows());
  }

  @Test
  void ignoresUnknownPropertiesAndDefaultsTransforms() {
    String json = "{\"formatVersion\":1,\"tool\":\"paperclip-db\",\"toolVersion\":\"9\","
        + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"engine\":\"pg_dump 15.20\",\"serverVersion\":150020,"
        + "\"database\":\"d\",\"schemas\":[],\"tables\":[],\"future\":{\"x\":1},"
        + "\"bodyBytes\":0,\"bodySha256\":\"00\"}";
    BackupManifest m = BackupManifest.fromJson(json);
    assertEquals(Transforms.NONE, m.transforms());
    assertEquals("pg_dump 15.20", m.engine());
  }

  @Test
  void rejectsBrokenJsonWithCorruptFile() {
    for (String bad : new String[] {"{", "null", "[]", "{\"formatVersion\":1}",
        sample().toJson().replace("2026-11-25T02:30:00Z", "yesterday"),
        sample().toJson().replace("\"rows\":123", "\"rows\":-1")}) {
      PaperclipException e = assertThrows(PaperclipException.class, () -> BackupManifest.fromJson(bad), bad);
      assertEquals(ErrorCode.CORRUPT_FILE, e.code());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void readsTheSimpleSetvalFormOfBothEnginesAndNothingElse() {
    assertEquals(Optional.of(new SequenceEntry("public", "t_id_seq", 42, true)),
        SequenceEntry.parseSetval("SELECT pg_catalog.setval('public.t_id_seq', 42, true);"));
    assertEquals(Optional.of(new SequenceEntry("Odd.S", "We'ird \"q\"", -3, false)),
        SequenceEntry.parseSetval("SELECT pg_catalog.setval('\"Odd.S\".\"We''ird \"\"q\"\"\"', -3, false);\n"));
    for (String no : List.of("SELECT pg_catalog.setval('t_id_seq', 42, true);",
        "SELECT pg_catalog.setval('a.b.c', 1, true);",
        "SELECT pg_catalog.setval('Public.t', 1, true);",
        "SELECT pg_catalog.setval(E'a.b', 1, true);",
        "SELECT pg_catalog.setval('a.', 1, true);",
        "SELECT pg_catalog.setval('a.b', 99999999999999999999, true);",
        "SELECT pg_catalog.setval('a.b', 1);",
        "SELECT setval('a.b', 1, true);")) {
      assertTrue(SequenceEntry.parseSetval(no).isEmpty(), no);
    }
  }

  @Test
  void sequencesRoundTripAndOlderManifestsHaveNone() {
    BackupManifest m = sample();
    assertEquals(null, BackupManifest.fromJson(m.toJson()).sequences());
    assertFalse(m.toJson().contains("sequences"));
    BackupManifest s = new BackupManifest(m.formatVersion(), m.tool(), m.toolVersion(), m.createdAt(), m.engine(),
        m.serverVersion(), m.database(), m.schemas(), m.tables(), m.transforms(), m.bodyBytes(), m.bodySha256(),
        null, new Sequences(List.of(new SequenceEntry("public", "s", 7, false)), 1));
    assertEquals(s, BackupManifest.fromJson(s.toJson()));
  }
}
