package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.file.BackupManifest.TableEntry;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationReport;
import ing.paperclip.db.backup.internal.StrictGzipInputStream;
import ing.paperclip.db.backup.restore.RestoreListener;
import ing.paperclip.db.backup.restore.RestoreOptions;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.testing.DatabaseComparator;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parallel restore loads each table from the gzip member the manifest locates: the verifier
 * checks those locations against the stream, refuses header fields we never write (an extra field
 * can hide a member from a sequential reader), and the loader hashes each member's rows as it
 * inflates them. The FEXTRA mutant and edited offsets and lengths are refused by verify and by
 * every restore mode before the target is touched.
 */
@WithPostgres
class MemberIntegrityIT {
  private static final Pattern MANIFEST = Pattern.compile("(?s)(.*-- paperclip-manifest: )(.*)(\n-- paperclip-end\n)");
  private static Path backup;
  private static TestDatabase target;

  @BeforeAll
  static void backUp(TestDatabase db, @TempDir Path dir) {
    db.execute("DROP SCHEMA IF EXISTS bank CASCADE; CREATE SCHEMA bank;"
        + " CREATE TABLE bank.accounts (id int PRIMARY KEY, balance bigint NOT NULL);"
        + " INSERT INTO bank.accounts SELECT g, 100 FROM generate_series(1, 1000) g;"
        + " CREATE TABLE bank.notes (id int, note text); INSERT INTO bank.notes SELECT g, 'n' || g FROM generate_series(1, 500) g;"
        + " CREATE TABLE bank.tags (tag text); INSERT INTO bank.tags SELECT 't' || g FROM generate_series(1, 300) g;");
    backup = new BackupService(db.spec(), dir, new CatalogSchemaScripter(), BackupOptions.builder().jobs(2).build())
        .backup().file();
    target = db.sibling("members");
  }

  @AfterAll
  static void drop() {
    target.dropInBackground();
  }

  private static List<StrictGzipInputStream.Member> members(byte[] file) throws IOException {
    try (StrictGzipInputStream gz = new StrictGzipInputStream(new ByteArrayInputStream(file))) {
      gz.readAllBytes();
      return gz.memberList();
    }
  }

  private static byte[] gzip(byte[] text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text);
    }
    return out.toByteArray();
  }

  /** A gzip member whose header carries {@code extra} in an FEXTRA field. */
  private static byte[] withExtra(byte[] member, byte[] extra) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(member, 0, 3);
    out.write(member[3] | 4);
    out.write(member, 4, 6);
    out.write(extra.length & 0xff);
    out.write(extra.length >> 8);
    out.write(extra, 0, extra.length);
    out.write(member, 10, member.length - 10);
    return out.toByteArray();
  }

  /**
   * Rewrites the last member (it holds the manifest, which no checksum covers) with the manifest's
   * table entries edited, optionally hiding {@code extra} in its header.
   */
  private static byte[] mutate(UnaryOperator<List<TableEntry>> edit, byte[] extra) throws IOException {
    byte[] file = Files.readAllBytes(backup);
    StrictGzipInputStream.Member last = members(file).get(members(file).size() - 1);
    byte[] lastBytes = java.util.Arrays.copyOfRange(file, (int) last.offset(), file.length);
    String text;
    try (StrictGzipInputStream gz = new StrictGzipInputStream(new ByteArrayInputStream(lastBytes))) {
      text = new String(gz.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m = MANIFEST.matcher(text);
    assertTrue(m.matches(), "the last member holds the manifest");
    BackupManifest b = BackupManifest.fromJson(m.group(2));
    BackupManifest edited = new BackupManifest(b.formatVersion(), b.tool(), b.toolVersion(), b.createdAt(),
        b.engine(), b.serverVersion(), b.database(), b.schemas(), edit.apply(new ArrayList<>(b.tables())),
        b.transforms(), b.bodyBytes(), b.bodySha256());
    byte[] member = gzip((m.group(1) + edited.toJson() + m.group(3)).getBytes(StandardCharsets.UTF_8));
    if (extra != null) {
      member = withExtra(member, extra);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(file, 0, (int) last.offset());
    out.write(member);
    return out.toByteArray();
  }

  private static int index(List<TableEntry> t, String table) {
    for (int i = 0; i < t.size(); i++) {
      if (t.get(i).table().equals(table)) {
        return i;
      }
    }
    throw new IllegalStateException(table);
  }

  private static TableEntry moved(TableEntry e, long offset, long length) {
    return new TableEntry(e.schema(), e.table(), e.rows(), e.sha256(), offset, length);
  }

  private static Map<String, byte[]> mutants() throws IOException {
    byte[] file = Files.readAllBytes(backup);
    long lastOffset = members(file).get(members(file).size() - 1).offset();
    Map<String, byte[]> out = new LinkedHashMap<>();
    // The attack of the issue: a fake accounts member hidden in the FEXTRA of the last member,
    // accounts' memberOffset pointing at it (one account holds the money of all others).
    StringBuilder fake = new StringBuilder("-- data: {\"schema\":\"bank\",\"table\":\"accounts\",\"columns\":[\"id\",\"balance\"]}\n"
        + "COPY \"bank\".\"accounts\" (\"id\", \"balance\") FROM stdin;\n1\t99999900\n");
    for (int i = 2; i <= 1000; i++) {
      fake.append(i).append("\t0\n");
    }
    fake.append("\\.\n");
    byte[] fakeMember = gzip(fake.toString().getBytes(StandardCharsets.UTF_8));
    out.put("FEXTRA member", mutate(t -> {
      int i = index(t, "accounts");
      t.set(i, moved(t.get(i), lastOffset + 12, fakeMember.length));
      return t;
    }, fakeMember));
    out.put("FEXTRA, offsets untouched", mutate(t -> t, "padding".getBytes(StandardCharsets.UTF_8)));
    out.put("offset + 1", mutate(t -> edit(t, "notes", 1, 0), null));
    out.put("offset - 1", mutate(t -> edit(t, "notes", -1, 0), null));
    out.put("length + 1", mutate(t -> edit(t, "notes", 0, 1), null));
    out.put("length - 1", mutate(t -> edit(t, "notes", 0, -1), null));
    out.put("offsets of two tables swapped", mutate(t -> {
      int a = index(t, "notes");
      int b = index(t, "tags");
      TableEntry x = t.get(a);
      TableEntry y = t.get(b);
      t.set(a, moved(x, y.memberOffset(), y.memberLength()));
      t.set(b, moved(y, x.memberOffset(), x.memberLength()));
      return t;
    }, null));
    out.put("pointing at another table's member", mutate(t -> {
      TableEntry y = t.get(index(t, "tags"));
      int a = index(t, "notes");
      t.set(a, moved(t.get(a), y.memberOffset(), y.memberLength()));
      return t;
    }, null));
    return out;
  }

  private static List<TableEntry> edit(List<TableEntry> t, String table, long dOffset, long dLength) {
    int i = index(t, table);
    TableEntry e = t.get(i);
    t.set(i, moved(e, e.memberOffset() + dOffset, e.memberLength() + dLength));
    return t;
  }

  @Test
  void theUnmutatedBackupHasMembersAndRestoresInParallel() throws Exception {
    BackupManifest m = new BackupVerifier().verifyOrThrow(backup).manifest();
    assertTrue(m.tables().stream().allMatch(TableEntry::hasMember), m.toJson());
    new RestoreService(target.dataSource()).restore(backup, RestoreOptions.DEFAULTS.withJobs(2),
        RestoreListener.NONE);
    assertEquals(100000, ItSupport.count(target, "SELECT sum(balance) FROM bank.accounts"));
    target.execute("DROP SCHEMA bank CASCADE");
  }

  @Test
  void everyMutantIsRefusedByVerifyAndEveryRestoreModeBeforeTheTargetIsTouched(@TempDir Path dir) throws Exception {
    Map<String, String> before = DatabaseComparator.fingerprints(target);
    List<RestoreOptions> modes = List.of(RestoreOptions.DEFAULTS.withJobs(2), RestoreOptions.DEFAULTS.withJobs(1),
        RestoreOptions.DEFAULTS.withSingleTransaction(true), RestoreOptions.DEFAULTS.withClean(true),
        RestoreOptions.DEFAULTS.withJobs(2).withTrustFile(true));
    for (Map.Entry<String, byte[]> mutant : mutants().entrySet()) {
      Path f = dir.resolve("mutant.sql.gz");
      Files.write(f, mutant.getValue());
      VerificationReport r = new BackupVerifier().verify(f);
      assertFalse(r.complete(), mutant.getKey() + " passed verify");
      assertTrue(String.join("; ", r.errors()).matches("(?s).*(header fields|the offsets were altered).*"),
          mutant.getKey() + ": " + r.errors());
      for (RestoreOptions mode : modes) {
        PaperclipException e = assertThrows(PaperclipException.class,
            () -> new RestoreService(target.dataSource()).restore(f, mode, RestoreListener.NONE), mutant.getKey());
        assertEquals(ErrorCode.CORRUPT_FILE, e.code(), mutant.getKey() + ": " + e.getMessage());
        assertEquals(before, DatabaseComparator.fingerprints(target), mutant.getKey() + " touched the target");
      }
    }
  }
}
