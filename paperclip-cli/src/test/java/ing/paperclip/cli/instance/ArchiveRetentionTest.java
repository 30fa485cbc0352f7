package ing.paperclip.cli.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ing.paperclip.cli.Main;
import ing.paperclip.db.backup.retention.PruneResult;
import ing.paperclip.db.backup.retention.RetentionDecision;
import ing.paperclip.db.backup.retention.RetentionPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archive retention: the backup tiers over instance archives, the newest complete one protected. */
class ArchiveRetentionTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir
  Path tmp;

  private Path archive(Path dir, Duration age, boolean whole) throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Map<String, Path> files = Map.of("config.json", Files.writeString(src.resolve("c" + age.toMinutes()), "{\"a\":1}"),
        "database/db.sql.gz", Files.write(src.resolve("d" + age.toMinutes()), new byte[4000]));
    ObjectNode h = new ObjectMapper().createObjectNode();
    h.put("format", InstanceArchive.FORMAT);
    h.putObject("database").put("file", "database/db.sql.gz");
    List<InstanceArchive.Member> members = new java.util.ArrayList<>();
    for (Map.Entry<String, Path> f : new java.util.TreeMap<>(files).entrySet()) {
      members.add(InstanceArchive.describe(f.getKey(), f.getValue()));
    }
    Path out = dir.resolve(InstanceBackupCommand.PREFIX + InstanceArchive.STAMP.format(NOW.minus(age)) + ".tar");
    InstanceArchive.write(out, InstanceArchive.manifest(h, members), Optional.empty(), new java.util.TreeMap<>(files));
    if (!whole) {
      byte[] all = Files.readAllBytes(out);
      Files.write(out, java.util.Arrays.copyOf(all, all.length - 3000));
    }
    return out;
  }

  private static Map<String, Boolean> kept(PruneResult r) {
    return r.decisions().stream().collect(Collectors.toMap(d -> d.candidate().file().getFileName().toString(),
        RetentionDecision::keep));
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void tiersApplyToArchivesAndOtherFilesAreNeverTouched() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("archives"));
    Path day = archive(dir, Duration.ofDays(1), true);
    Path damagedRecent = archive(dir, Duration.ofHours(2), false);
    Path weekOlder = archive(dir, Duration.ofDays(10).plusHours(1), true);
    Path weekNewer = archive(dir, Duration.ofDays(10), true);
    Path ancient = archive(dir, Duration.ofDays(200), true);
    Files.writeString(dir.resolve("paperclip-20250101-000000.sql.gz"), "a backup, not an archive");
    Files.writeString(dir.resolve("paperclip-instance-notes.tar"), "not a name an archive gets");
    Files.writeString(dir.resolve("notes.txt"), "x");
    assertFalse(ArchiveRetention.complete(damagedRecent));
    assertTrue(ArchiveRetention.complete(day));

    List<String> before = names(dir);
    PruneResult dry = ArchiveRetention.prune(dir, RetentionPolicy.DEFAULTS, true, CLOCK);
    assertEquals(before, names(dir), "a dry run deletes nothing");
    assertEquals(5, dry.decisions().size(), "only archives are decided on: " + kept(dry));
    assertEquals(Map.of(day.getFileName().toString(), true, damagedRecent.getFileName().toString(), true,
        weekNewer.getFileName().toString(), true, weekOlder.getFileName().toString(), false,
        ancient.getFileName().toString(), false), kept(dry));

    PruneResult real = ArchiveRetention.prune(dir, RetentionPolicy.DEFAULTS, false, CLOCK);
    assertEquals(List.of(weekOlder, ancient).stream().sorted().toList(), real.deleted().stream().sorted().toList());
    assertEquals(dry.bytesFreed(), real.bytesFreed());
    assertTrue(names(dir).containsAll(List.of("paperclip-20250101-000000.sql.gz", "paperclip-instance-notes.tar",
        "notes.txt", day.getFileName().toString(), damagedRecent.getFileName().toString())));
    assertEquals(6, names(dir).size());
  }

  @Test
  void theNewestCompleteArchiveIsKeptEvenPastEveryTier() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("old"));
    Path damagedNewest = archive(dir, Duration.ofDays(100), false);
    Path good = archive(dir, Duration.ofDays(200), true);
    Path older = archive(dir, Duration.ofDays(210), true);
    PruneResult r = ArchiveRetention.prune(dir, RetentionPolicy.DEFAULTS, false, CLOCK);
    assertEquals(Map.of(damagedNewest.getFileName().toString(), false, good.getFileName().toString(), true,
        older.getFileName().toString(), false), kept(r));
    assertEquals(List.of(good.getFileName().toString()), names(dir));
  }

  @Test
  void instancePruneIsTheCommandOfDbBackupsPrune() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cli"));
    Path ancient = archive(dir, Duration.ofDays(400), true);
    Path recent = archive(dir, Duration.ofMinutes(5).plus(Duration.between(NOW, Instant.now())), true);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path home = Files.createDirectories(tmp.resolve("home"));
    int code = Main.run(new String[] {"instance", "prune", "--dir", dir.toString(), "--dry-run", "--json"},
        Map.of("PAPERCLIP_HOME", home.toString()), new PrintWriter(out), new PrintWriter(err), false, home);
    assertEquals(0, code, err.toString());
    JsonNode j = new ObjectMapper().readTree(out.toString());
    assertTrue(j.path("dryRun").asBoolean());
    Map<String, String> actions = new java.util.TreeMap<>();
    j.path("decisions").forEach(d -> actions.put(Path.of(d.path("file").asText()).getFileName().toString(),
        d.path("action").asText()));
    assertEquals(Map.of(ancient.getFileName().toString(), "delete", recent.getFileName().toString(), "keep"), actions);
    assertTrue(Files.exists(ancient));
    code = Main.run(new String[] {"instance", "prune", "--dir", dir.toString(), "--retention-days", "1"},
        Map.of("PAPERCLIP_HOME", home.toString()), new PrintWriter(out), new PrintWriter(err), false, home);
    assertEquals(0, code, err.toString());
    assertFalse(Files.exists(ancient));
    assertTrue(Files.exists(recent));
  }
}
