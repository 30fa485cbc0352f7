package ing.paperclip.db.backup.file;

import ing.paperclip.db.backup.file.BackupManifest.TableEntry;
import ing.paperclip.db.backup.file.VerificationReport.Kind;
import ing.paperclip.db.backup.file.VerificationReport.TableCheck;
import ing.paperclip.db.backup.internal.Fanout;
import ing.paperclip.db.backup.internal.Newlines;
import ing.paperclip.db.backup.internal.ObservedInputStream;
import ing.paperclip.db.backup.internal.Sha256;
import ing.paperclip.db.backup.internal.StrictGzipInputStream;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.keys.InstanceKey;
import ing.paperclip.db.core.sql.SqlSyntaxException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.ZipException;

/**
 * Checks a backup file without a database, reading it once as a stream: the gzip members (CRC
 * and size of each, nothing after the last), the header, every {@code COPY} block's row count and
 * SHA-256, the manifest and end line, and the body size and SHA-256 (as the file's format defines
 * it: {@link BackupFormat}; format 1 files hash the whole text on a second thread). Detects
 * truncated files, altered bytes, files that are not ours, and backups that were interrupted
 * before their manifest. Used by restore before it touches a target and by {@code db backups verify}.
 * Immutable and thread-safe.
 */
public final class BackupVerifier {
  /** The first line of backups written by the original Paperclip. */
  private static final String LEGACY_FIRST_LINE = "-- Paperclip database backup";
  /** A gzip file whose text has no line break within this many bytes is not ours. */
  private static final int MAX_FIRST_LINE = 4096;

  private final Optional<InstanceKey> key;
  private final boolean acceptUnsigned;
  private final boolean checksSignatures;

  /**
   * Creates a verifier without a key: signatures are reported as {@link
   * Authenticity.Status#ANOTHER_KEY} and never required.
   */
  public BackupVerifier() {
    this.key = Optional.empty();
    this.acceptUnsigned = true;
    this.checksSignatures = false;
  }

  /**
   * Creates a verifier that checks signatures with this instance's key.
   *
   * @param key this instance's key, or empty when it has none
   * @param acceptUnsigned whether {@link #verifyOrThrow} accepts complete files of ours that are
   *     not signed by {@code key} (unsigned or signed by another key); a signature that names
   *     {@code key} but does not verify is refused either way
   */
  public BackupVerifier(Optional<InstanceKey> key, boolean acceptUnsigned) {
    this.key = Objects.requireNonNull(key, "key");
    this.acceptUnsigned = acceptUnsigned;
    this.checksSignatures = true;
  }

  /**
   * Returns whether this verifier was given the instance's key (even an empty one), so that its
   * callers tell the user who signed a file; the no-argument verifier does not.
   */
  public boolean checksSignatures() {
    return checksSignatures;
  }

  /** Returns whether {@link #verifyOrThrow} accepts files not signed by this instance's key. */
  public boolean acceptsUnsigned() {
    return acceptUnsigned;
  }

  /**
   * Verifies a file.
   *
   * @param file the file, not null
   * @return the report; problems with the content are in it, never thrown
   * @throws PaperclipException {@link ErrorCode#INVALID_INPUT} if the file does not exist,
   *     {@link ErrorCode#IO} if it cannot be read
   */
  public VerificationReport verify(Path file) {
    return verify(file, null);
  }

  /**
   * Reads a file's decompressed text besides the verification: called on another thread with a
   * stream of the same text the verifier reads, so that the file is decompressed once for both.
   */
  @FunctionalInterface
  public interface TextReader {
    /**
     * Reads the text; exceptions are the reader's to keep (the verification ignores them).
     *
     * @param text the decompressed text; a damaged or truncated file ends it with the same
     *     exception the verification sees
     */
    void read(InputStream text);
  }

  /**
   * Verifies a file while {@code also} reads its decompressed text on another thread (gzip files
   * only: {@code also} is not called for anything else). Returns after both are done.
   *
   * @param file the file, not null
   * @param also the second reader, or null
   * @return the report, as {@link #verify(Path)}
   */
  public VerificationReport verify(Path file, TextReader also) {
    try (InputStream in = Files.newInputStream(file)) {
      return verify(in, file.toString(), also);
    } catch (NoSuchFileException e) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "backup file " + file
          + " does not exist: check the path (db backups list shows the backups)", e);
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.IO, "cannot read backup file " + file + ": "
          + e.getMessage() + "; check its permissions", e);
    }
  }

  /**
   * Verifies a file and throws unless it is a complete paperclip-db backup.
   *
   * @param file the file, not null
   * @return the report of a complete file
   * @throws PaperclipException {@link ErrorCode#CORRUPT_FILE} naming the file, the first problem
   *     and the fix; {@link ErrorCode#INVALID_INPUT} for a complete file not signed by this
   *     instance's key unless this verifier {@link #acceptsUnsigned()}; or as {@link #verify(Path)}
   */
  public VerificationReport verifyOrThrow(Path file) {
    return verifyOrThrow(file, null);
  }

  /**
   * Verifies a file as {@link #verifyOrThrow(Path)} while {@code also} reads its text, as
   * {@link #verify(Path, TextReader)}.
   *
   * @param file the file, not null
   * @param also the second reader, or null
   * @return the report of a complete file
   */
  public VerificationReport verifyOrThrow(Path file, TextReader also) {
    VerificationReport r = verify(file, also);
    if (!r.complete()) {
      int more = r.errors().size() - 1;
      String fix = r.kind() == Kind.PAPERCLIP_DB ? "take a new backup or use another file"
          : "use a backup file written by paperclip-db";
      throw new PaperclipException(ErrorCode.CORRUPT_FILE, "backup file " + file + " is not usable: "
          + r.errors().get(0) + (more > 0 ? " (and " + more + " more problem" + (more > 1 ? "s" : "")
          + ")" : "") + "; " + fix);
    }
    if (!acceptUnsigned && !r.authenticity().byThisInstance()) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "backup file " + file + " is "
          + r.authenticity().describe() + ", not by this instance's key: if you know where it comes from"
          + " (an older backup, another machine), restore it with --accept-unsigned");
    }
    return r;
  }

  /**
   * Verifies a stream holding a backup file's bytes (compressed, as on disk).
   *
   * @param in the stream, read to its end (or until the file is known not to be ours); not closed
   * @param source a name for the report
   * @return the report
   * @throws IOException if reading {@code in} fails for reasons other than its content
   */
  public VerificationReport verify(InputStream in, String source) throws IOException {
    return verify(in, source, null);
  }

  private VerificationReport verify(InputStream in, String source, TextReader also) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
    buffered.mark(MAX_FIRST_LINE);
    byte[] magic = buffered.readNBytes(2);
    buffered.reset();
    if (magic.length < 2 || (magic[0] & 0xff) != 0x1f || (magic[1] & 0xff) != 0x8b) {
      String first = firstLine(buffered.readNBytes(MAX_FIRST_LINE));
      if (first.startsWith(LEGACY_FIRST_LINE)) {
        return legacy(source);
      }
      String why = first.startsWith(BackupFormat.FIRST_LINE)
          ? "it is not gzip-compressed (paperclip-db backups always are)"
          : magic.length == 0 ? "it is empty" : "it is not gzip data";
      return new VerificationReport(source, Kind.FOREIGN, false, null, List.of(),
          List.of("not a paperclip-db backup: " + why), 0);
    }
    // format 2's checksum: the text with rows replaced by their checksum lines, hashed on this thread
    BodyDigester skeleton = new BodyDigester();
    ScriptBlocks blocks = new ScriptBlocks(skeleton, null);
    // format 1's checksum: every byte, hashed on another thread until the format line says 2
    BodyDigester body = new BodyDigester();
    List<String> errors = new ArrayList<>();
    // The decompressed text goes to up to three readers on their own threads: the body hash,
    // this thread's scan (blocks, row checksums, header) and the optional second reader.
    StrictGzipInputStream gzip = new StrictGzipInputStream(nonClosing(buffered));
    List<InputStream> streams = Fanout.split(gzip, also == null ? 2 : 3, "paperclip-verify-inflate");
    InputStream first = streams.get(0);
    InputStream bodyText = streams.get(1);
    Thread hasher = start("paperclip-verify-hash", () -> {
      try (bodyText) {
        byte[] b = new byte[64 * 1024];
        int n;
        while ((n = bodyText.read(b)) > 0) {
          body.write(b, 0, n);
        }
      } catch (IOException | RuntimeException ignored) {
        // the scanning thread reads the same failure and reports it
      }
    });
    Thread second = null;
    if (also != null) {
      InputStream other = streams.get(2);
      second = start("paperclip-verify-reader", () -> {
        try (other) {
          also.read(other);
        } catch (IOException | RuntimeException ignored) {
          // the reader keeps its own failures
        }
      });
    }
    try {
      Runnable dropFull = () -> {
        try {
          bodyText.close();
        } catch (IOException ignored) {
          // a fan-out branch closes without failing
        }
      };
      Digests digests = new Digests(body, skeleton, dropFull, () -> join(hasher));
      return verifyText(first, source, blocks, digests, errors, gzip);
    } finally {
      first.close();
      bodyText.close();
      join(hasher);
      if (second != null) {
        join(second);
      }
    }
  }

  private static Thread start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The two body checksums of a verification.
   *
   * @param full every byte (format 1), computed on another thread
   * @param skeleton rows replaced by checksum lines (format 2)
   * @param dropFull stops the full one (not needed for format 2)
   * @param fullDone waits for the full one
   */
  private record Digests(BodyDigester full, BodyDigester skeleton, Runnable dropFull, Runnable fullDone) {}

  /** Returns the version a {@code -- format: N} line names, or -1. */
  private static int formatVersion(String line) {
    if (line == null || !line.startsWith(BackupFormat.FORMAT_PREFIX)) {
      return -1;
    }
    String v = line.substring(BackupFormat.FORMAT_PREFIX.length());
    return v.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(v) : -1;
  }

  private VerificationReport verifyText(InputStream gzipText, String source, ScriptBlocks blocks,
      Digests digests, List<String> errors, StrictGzipInputStream gzip) throws IOException {
    Head scan = new Head(gzipText, digests.dropFull());
    String syntax = null;
    try (scan) {
      try {
        blocks.read(scan);
      } catch (SqlSyntaxException e) {
        // the text ends inside a quote or comment: psql would take all that follows for it
        syntax = "the script has an " + e.getMessage() + ", which no backup writes";
      }
      scan.transferTo(OutputStream.nullOutputStream());
    } catch (NotOurs e) {
      return e.legacy ? legacy(source) : foreign(source, e.getMessage());
    } catch (EOFException e) {
      errors.add("the file is truncated (" + e.getMessage() + ")");
    } catch (ZipException e) {
      if (scan.total == 0 && scan.first == null) {
        return foreign(source, "not a paperclip-db backup: " + e.getMessage());
      }
      errors.add("the file is damaged: " + e.getMessage());
    }
    long total = scan.total;
    digests.fullDone().run();
    if (scan.first == null || !BackupFormat.FIRST_LINE.equals(scan.first)) {
      if (scan.first != null && scan.first.startsWith(LEGACY_FIRST_LINE)) {
        return legacy(source);
      }
      if (errors.isEmpty()) {
        return foreign(source, "not a paperclip-db backup: it has no header line");
      }
      return new VerificationReport(source, Kind.FOREIGN, false, null, List.of(), errors, total);
    }
    int version = formatVersion(scan.second);
    if (scan.second != null && (version < BackupFormat.OLDEST_READABLE || version > BackupFormat.VERSION)) {
      errors.add(version > BackupFormat.VERSION
          ? "it is in " + scan.second.substring(3) + ", newer than this paperclip-db reads (formats "
              + BackupFormat.OLDEST_READABLE + " to " + BackupFormat.VERSION + "): upgrade paperclip-db"
          : "its second line is not '" + BackupFormat.FORMAT_PREFIX + "N' with N from "
              + BackupFormat.OLDEST_READABLE + " to " + BackupFormat.VERSION);
    }
    BodyDigester body = version >= 2 ? digests.skeleton() : digests.full();
    boolean gzipOk = errors.isEmpty();
    if (gzipOk && blocks.openBlock().isPresent()) {
      errors.add("the rows of " + blocks.openBlock().get() + " starting at line "
          + blocks.openBlockLine() + " have no end marker (\\.)");
    } else if (gzipOk && scan.total > 0 && scan.last != '\n') {
      errors.add("the file is truncated: its last line is incomplete");
    }
    BackupManifest manifest = null;
    Authenticity authenticity = new Authenticity(Authenticity.Status.UNKNOWN, null,
        key.map(InstanceKey::fingerprint).orElse(null));
    byte[][] tail = body.finish();
    // the body is the text but for the manifest and end lines
    long bodyBytes = tail == null ? total : total - tail[0].length - tail[1].length - 2;
    if (tail == null) {
      if (gzipOk) {
        errors.add(body.sawEndLine()
            ? "the manifest line is missing"
            : "the end line '" + BackupFormat.END_LINE + "' is missing: the backup was interrupted"
                + " or the file is truncated");
      }
    } else {
      String json = new String(tail[0], StandardCharsets.UTF_8)
          .substring(BackupFormat.MANIFEST_PREFIX.length()).trim();
      try {
        manifest = BackupManifest.fromJson(json);
        authenticity = BackupSignature.check(json, key);
        if (authenticity.status() == Authenticity.Status.INVALID) {
          errors.add("its " + authenticity.describe());
        }
      } catch (PaperclipException e) {
        errors.add(e.getMessage());
      }
    }
    List<TableCheck> checks = checks(manifest, blocks.tables());
    if (manifest != null) {
      if (manifest.formatVersion() != version) {
        errors.add("its manifest says format " + manifest.formatVersion() + " but its second line "
            + (version < 0 ? "names no format" : "says format " + version));
      }
      if (manifest.bodyBytes() != bodyBytes) {
        errors.add("its body has " + bodyBytes + " bytes, the manifest says "
            + manifest.bodyBytes());
      } else if (!manifest.bodySha256().equalsIgnoreCase(body.sha256())) {
        errors.add("its body checksum does not match the manifest: the content was altered");
      }
      if (gzipOk) {
        if (syntax != null) {
          errors.add(syntax);
        }
        errors.addAll(blocks.problems());
        errors.addAll(memberProblems(manifest, blocks, gzip.memberList()));
      }
      for (TableCheck c : checks) {
        if (c.ok()) {
          continue;
        }
        if (c.expectedSha256() == null) {
          errors.add("table " + c.qualifiedName() + " has rows in the file but not in the manifest");
        } else if (c.actualSha256() == null) {
          errors.add("table " + c.qualifiedName() + " is in the manifest but its rows are missing");
        } else if (c.expectedRows() != c.actualRows()) {
          errors.add("table " + c.qualifiedName() + " has " + c.actualRows()
              + " rows, the manifest says " + c.expectedRows());
        } else {
          errors.add("the rows of table " + c.qualifiedName()
              + " do not match their checksum: the content was altered");
        }
      }
    }
    return new VerificationReport(source, Kind.PAPERCLIP_DB, errors.isEmpty(), manifest, checks,
        errors, bodyBytes, authenticity);
  }

  /**
   * Checks the stream's gzip members against what the writer records: none has header fields
   * (paperclip-db never writes them, and an extra field can hide a member from a sequential
   * reader), and every member a manifest entry locates for a parallel restore starts exactly at
   * its {@code memberOffset}, is {@code memberLength} bytes long and holds exactly that entry's
   * data block of the text verified here. Offsets and lengths are thus verified like rows.
   */
  private static List<String> memberProblems(BackupManifest manifest, ScriptBlocks scanner,
      List<StrictGzipInputStream.Member> members) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).flags() != 0) {
        out.add("gzip member " + (i + 1) + " at byte " + members.get(i).offset() + " has header fields"
            + " (extra field, name, comment, header CRC, time or system byte) that paperclip-db never writes: the file was"
            + " altered or re-compressed");
        break;
      }
    }
    Map<Long, StrictGzipInputStream.Member> byOffset = new java.util.HashMap<>();
    members.forEach(m -> byOffset.put(m.offset(), m));
    List<TableEntry> entries = manifest.tables();
    List<TableEntry> blocks = scanner.tables();
    List<long[]> ranges = scanner.blockRanges();
    for (int i = 0; i < entries.size(); i++) {
      TableEntry e = entries.get(i);
      if (!e.hasMember()) {
        continue;
      }
      StrictGzipInputStream.Member m = byOffset.get(e.memberOffset());
      boolean sameBlock = i < blocks.size() && blocks.get(i).qualifiedName().equals(e.qualifiedName());
      if (m == null || m.length() != e.memberLength() || !sameBlock || m.textStart() != ranges.get(i)[0]
          || m.textEnd() != ranges.get(i)[1]) {
        out.add("the manifest locates the rows of table " + e.qualifiedName() + " in a gzip member at byte "
            + e.memberOffset() + " of " + e.memberLength() + " bytes, but " + (m == null
            ? "no member starts there" : m.length() != e.memberLength() ? "the member there has "
            + m.length() + " bytes" : "the member there does not hold exactly that table's block")
            + ": the offsets were altered");
      }
    }
    return out;
  }

  /**
   * Pairs the blocks found with the manifest's entries: the n-th block of a table with the
   * table's n-th entry (the format lets a table's rows span several blocks).
   */
  private static List<TableCheck> checks(BackupManifest manifest, List<TableEntry> found) {
    Map<String, ArrayDeque<TableEntry>> expected = new LinkedHashMap<>();
    if (manifest != null) {
      manifest.tables().forEach(t -> expected.computeIfAbsent(t.qualifiedName(), k -> new ArrayDeque<>()).add(t));
    }
    List<TableCheck> out = new ArrayList<>();
    for (TableEntry f : found) {
      ArrayDeque<TableEntry> q = expected.get(f.qualifiedName());
      TableEntry e = q == null ? null : q.poll();
      out.add(new TableCheck(f.schema(), f.table(), e == null ? -1 : e.rows(), f.rows(),
          e == null ? null : e.sha256(), f.sha256()));
    }
    for (ArrayDeque<TableEntry> q : expected.values()) {
      for (TableEntry e : q) {
        out.add(new TableCheck(e.schema(), e.table(), e.rows(), -1, e.sha256(), null));
      }
    }
    return out;
  }

  private static VerificationReport legacy(String source) {
    return new VerificationReport(source, Kind.PAPERCLIP_LEGACY, false, null, List.of(),
        List.of("it was written by the original Paperclip and has no manifest to verify"), 0);
  }

  private static VerificationReport foreign(String source, String error) {
    return new VerificationReport(source, Kind.FOREIGN, false, null, List.of(), List.of(error), 0);
  }

  private static String firstLine(byte[] b) {
    int end = 0;
    while (end < b.length && b[end] != '\n') {
      end++;
    }
    return new String(b, 0, end, StandardCharsets.UTF_8).stripTrailing();
  }

  private static InputStream nonClosing(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() {
        // the caller owns the stream
      }
    };
  }

  /** The verdict that the text is not a paperclip-db backup's, ending the read. */
  private static final class NotOurs extends IOException {
    private static final long serialVersionUID = 1L;
    final boolean legacy;

    NotOurs(boolean legacy, String message) {
      super(message);
      this.legacy = legacy;
    }
  }

  /**
   * The text as the lexer reads it, watched on the way: its size and last byte, and its first two
   * lines, which decide whether it is ours at all (before the lexer reads far into a file that
   * is not) and which body checksum applies (format 2 or later stops the full one).
   */
  private static final class Head extends ObservedInputStream {
    /** The second line is not kept beyond this many bytes (it is never that long). */
    private static final int HEAD_CAP = 1 << 20;

    private final Runnable dropFull;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean overflow;
    long total;
    int last = -1;
    /** The first and second lines without their line breaks (null: not complete, or too long). */
    String first;
    String second;
    private int lines;

    Head(InputStream in, Runnable dropFull) {
      super(in);
      this.dropFull = dropFull;
    }

    @Override
    protected void observe(byte[] b, int off, int n) throws NotOurs {
      total += n;
      last = b[off + n - 1];
      for (int i = off; lines < 2 && i < off + n; ) {
        int nl = Newlines.indexOf(b, i, off + n);
        if (!overflow && line.size() + (nl - i) <= HEAD_CAP) {
          line.write(b, i, nl - i);
        } else {
          overflow = true;
        }
        if (nl == off + n) {
          break;
        }
        lineDone();
        i = nl + 1;
      }
      if (lines == 0 && total > MAX_FIRST_LINE) {
        throw new NotOurs(false, "not a paperclip-db backup: the gzip data is not a SQL script");
      }
    }

    private void lineDone() throws NotOurs {
      String text = overflow ? null : line.toString(StandardCharsets.UTF_8);
      line.reset();
      overflow = false;
      if (++lines == 1) {
        first = text;
        if (!BackupFormat.FIRST_LINE.equals(first)) {
          if (first != null && first.startsWith(LEGACY_FIRST_LINE)) {
            throw new NotOurs(true, "legacy");
          }
          throw new NotOurs(false, "not a paperclip-db backup: its first line is not '"
              + BackupFormat.FIRST_LINE + "'");
        }
      } else {
        second = text;
        if (formatVersion(second) >= 2) {
          dropFull.run();
        }
      }
    }
  }

  /**
   * Hashes the body: every byte except the last two lines, which must be the manifest and the end
   * line. Lines that could be those two are held back until a following line proves they are
   * body; everything else is hashed as it streams.
   */
  private static final class BodyDigester extends OutputStream {
    private static final byte[] MANIFEST = BackupFormat.MANIFEST_PREFIX.getBytes(StandardCharsets.UTF_8);
    private static final byte[] END = BackupFormat.END_LINE.getBytes(StandardCharsets.UTF_8);
    private static final int CANDIDATE_CAP = 256 * 1024 * 1024;

    private final MessageDigest digest = Sha256.newDigest();
    private final byte[] head = new byte[MANIFEST.length];
    private int headLen;
    private boolean decided;
    private boolean candidate;
    private ByteArrayOutputStream candidateLine;
    private final List<byte[]> pending = new ArrayList<>();
    private boolean lastWasEnd;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      int end = off + len;
      int pos = off;
      while (pos < end) {
        if (headLen == 0 && !decided && pending.isEmpty()) {
          // Fast path: complete lines not starting with '-' cannot be the manifest or end line.
          int span = pos;
          while (span < end && b[span] != '-') {
            int nl = Newlines.indexOf(b, span, end);
            if (nl == end) {
              break;
            }
            span = nl + 1;
          }
          if (span > pos) {
            hash(b, pos, span - pos);
            lastWasEnd = false;
            pos = span;
            continue;
          }
        }
        int nl = Newlines.indexOf(b, pos, end);
        segment(b, pos, nl);
        if (nl < end) {
          endLine();
          pos = nl + 1;
        } else {
          pos = end;
        }
      }
    }

    private void segment(byte[] b, int from, int to) {
      int i = from;
      while (!decided && i < to) {
        head[headLen++] = b[i++];
        if (headLen == head.length) {
          decided = true;
          candidate = Arrays.equals(head, MANIFEST);
          if (candidate) {
            candidateLine = new ByteArrayOutputStream();
            candidateLine.write(head, 0, headLen);
          } else {
            flushPending();
            hash(head, 0, headLen);
          }
        }
      }
      if (i < to) {
        if (candidate) {
          if (candidateLine.size() + (to - i) > CANDIDATE_CAP) {
            candidate = false;
            flushPending();
            byte[] held = candidateLine.toByteArray();
            hash(held, 0, held.length);
            candidateLine = null;
            hash(b, i, to - i);
          } else {
            candidateLine.write(b, i, to - i);
          }
        } else {
          hash(b, i, to - i);
        }
      }
    }

    private void endLine() {
      if (!decided) {
        if (headLen == END.length && Arrays.equals(Arrays.copyOf(head, headLen), END)) {
          lastWasEnd = true;
          pending.add(Arrays.copyOf(head, headLen));
          headLen = 0;
          return;
        } else {
          flushPending();
          hash(head, 0, headLen);
          hash(new byte[] {'\n'}, 0, 1);
        }
      } else if (candidate) {
        pending.add(candidateLine.toByteArray());
        candidateLine = null;
      } else {
        hash(new byte[] {'\n'}, 0, 1);
      }
      headLen = 0;
      decided = false;
      candidate = false;
      lastWasEnd = false;
    }

    private void flushPending() {
      for (byte[] line : pending) {
        hash(line, 0, line.length);
        hash(new byte[] {'\n'}, 0, 1);
      }
      pending.clear();
    }

    private void hash(byte[] b, int off, int len) {
      digest.update(b, off, len);
    }

    /** Tells whether the last complete line was the end line. */
    boolean sawEndLine() {
      return lastWasEnd;
    }

    /**
     * Ends the input. Returns the manifest and end lines (without line breaks) if the input ended
     * with exactly those, after a complete line; otherwise null (and everything counts as body).
     */
    byte[][] finish() {
      boolean partial = headLen > 0 || decided;
      if (partial) {
        if (candidate) {
          byte[] held = candidateLine.toByteArray();
          flushPending();
          hash(held, 0, held.length);
        } else if (!decided) {
          flushPending();
          hash(head, 0, headLen);
        }
        flushPending();
        return null;
      }
      int n = pending.size();
      if (n >= 2 && startsWith(pending.get(n - 2), MANIFEST) && Arrays.equals(pending.get(n - 1), END)) {
        byte[][] tail = {pending.get(n - 2), pending.get(n - 1)};
        List<byte[]> before = new ArrayList<>(pending.subList(0, n - 2));
        pending.clear();
        pending.addAll(before);
        flushPending();
        return tail;
      }
      flushPending();
      return null;
    }

    private static boolean startsWith(byte[] line, byte[] prefix) {
      return line.length >= prefix.length
          && Arrays.equals(Arrays.copyOf(line, prefix.length), prefix);
    }

    String sha256() {
      return Sha256.hex(digest);
    }
  }
}
