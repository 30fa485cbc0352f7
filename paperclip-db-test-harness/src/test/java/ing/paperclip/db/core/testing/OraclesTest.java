package ing.paperclip.db.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class OraclesTest {
  private static final String INSTALL_18 = "apt-get install postgresql-client-18 (from the PGDG apt"
      + " repository where the distribution has no such version), or set PG_BIN";

  @Test
  void findsOnlyExecutablesOnThePathInOrder(@TempDir Path tmp) throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    Files.writeString(a.resolve("psql"), "not executable");
    Path real = Files.writeString(b.resolve("psql"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
    String path = a + File.pathSeparator + b;
    assertEquals(Optional.of(real), Oracles.find(Oracle.PSQL, path));
    assertEquals(Optional.empty(), Oracles.find(Oracle.GUNZIP, path));
    assertEquals(Optional.empty(), Oracles.find(Oracle.PSQL, a.toString()));
  }

  @Test
  void aMissingProgramSkipsTheTestNamingItAndTheInstallOrFailsWhenRequired(@TempDir Path empty) {
    TestAbortedException skip = assertThrows(TestAbortedException.class,
        () -> Oracles.require(Oracle.PSQL, empty.toString(), false));
    assertEquals("skipped: psql is not on PATH; apt-get install postgresql-client", skip.getMessage());
    AssertionFailedError fail = assertThrows(AssertionFailedError.class,
        () -> Oracles.require(Oracle.GUNZIP, empty.toString(), true));
    assertEquals("gunzip is not on PATH, and PAPERCLIP_TEST_REQUIRE_ORACLES=true requires it:"
        + " apt-get install gzip", fail.getMessage());
  }

  @Test
  void aMissingPgDumpFailsOnlyWhenRequired() {
    Oracles.Gap skip = Oracles.pgDumpGap(18, "embedded", Optional.empty(), OptionalInt.empty(), false);
    assertFalse(skip.fatal());
    assertEquals("no pg_dump 18 in $PG_BIN, /usr/lib/postgresql/18/bin or on PATH", skip.reason());
    assertEquals(INSTALL_18, skip.install());
    assertTrue(Oracles.pgDumpGap(18, "embedded", Optional.empty(), OptionalInt.empty(), true).fatal());
    assertTrue(Oracles.pgDumpGap(15, "external", Optional.empty(), OptionalInt.empty(), true).fatal());
  }

  @Test
  void aPgDumpOfAnotherMajorIsAReportedSkipOnTheEmbeddedServerAndFailsElsewhereWhenRequired() {
    Optional<Path> pg15 = Optional.of(Path.of("/usr/bin/pg_dump"));
    Oracles.Gap embedded = Oracles.pgDumpGap(18, "embedded", pg15, OptionalInt.of(15), true);
    assertFalse(embedded.fatal());
    assertTrue(embedded.reason().endsWith("(pg_dump 15 at /usr/bin/pg_dump does not fit the embedded"
        + " PostgreSQL 18 server)"), embedded.reason());
    assertEquals(INSTALL_18, embedded.install());
    assertTrue(Oracles.pgDumpGap(16, "external", pg15, OptionalInt.of(15), true).fatal());
    assertFalse(Oracles.pgDumpGap(16, "external", pg15, OptionalInt.of(15), false).fatal());
  }
}
