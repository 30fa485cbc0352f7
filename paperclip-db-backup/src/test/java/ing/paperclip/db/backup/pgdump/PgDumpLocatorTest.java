package ing.paperclip.db.backup.pgdump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgDumpLocatorTest {
  private static Path fake(Path dir, String version) throws IOException {
    Files.createDirectories(dir);
    Path p = dir.resolve("pg_dump");
    Files.writeString(p, "#!/bin/sh\necho 'pg_dump (PostgreSQL) " + version + "'\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  @Test
  void picksTheFirstBinaryOfTheServersMajorOnPath(@TempDir Path tmp) throws IOException {
    Path v14 = fake(tmp.resolve("a"), "14.9");
    Path v16 = fake(tmp.resolve("b"), "16.4 (Debian 16.4-1)");
    PgDumpLocator l = new PgDumpLocator(Map.of("PATH", tmp.resolve("a") + ":" + tmp.resolve("b")));
    PgDumpLookup found = l.find(16, null);
    assertEquals(new PgDumpBinary(v16, "16.4", 16), found.match().orElseThrow());
    assertTrue(found.found().contains(new PgDumpBinary(v14, "14.9", 14)));
    PgDumpLookup none = l.find(17, null);
    assertTrue(none.match().isEmpty());
    assertTrue(none.mismatchExplanation().contains("no pg_dump 17 on PATH or PAPERCLIP_PG_DUMP_PATH"),
        none.mismatchExplanation());
    assertTrue(none.mismatchExplanation().contains("pg_dump 14.9 at " + v14), none.mismatchExplanation());
  }

  @Test
  void anExplicitPathIsTheOnlyCandidate(@TempDir Path tmp) throws IOException {
    fake(tmp.resolve("a"), "15.20");
    Path v18 = fake(tmp.resolve("b"), "18.1");
    PgDumpLocator l = new PgDumpLocator(Map.of("PATH", tmp.resolve("a").toString(),
        PgDumpLocator.ENV_PATH, tmp.resolve("b").toString()));
    assertTrue(l.find(15, null).match().isEmpty());
    assertTrue(l.find(15, null).mismatchExplanation().contains("at PAPERCLIP_PG_DUMP_PATH"));
    assertEquals(v18, l.find(18, null).match().orElseThrow().path());
    assertTrue(l.find(15, tmp.resolve("a").resolve("pg_dump")).match().isPresent());
    assertTrue(l.find(15, tmp.resolve("missing")).found().isEmpty());
  }
}
