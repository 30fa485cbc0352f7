package ing.paperclip.cli.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.io.Streams;
import ing.paperclip.db.core.keys.InstanceKey;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The instance archive format: a POSIX tar whose first member is {@code manifest.json} (format,
 * instance, database summary, and the size and SHA-256 of every other member), then
 * {@code manifest.hmac} when the instance had a master key (HMAC-SHA256 of the manifest's bytes
 * under a key derived from the master key, so an archive carrying its sealed key is authenticated
 * end to end once the key is opened), then the members: {@code database/<backup>.sql.gz},
 * {@code config.json}, {@code env} (the {@code .env} without secret values), {@code storage/...}
 * and, only when asked, {@code master-key.sealed}. Regular files only; no links, no absolute or
 * {@code ..} names.
 *
 * <p>Stateless; thread-safe.
 */
final class InstanceArchive {
  /** The UTC time stamp of archive names and of files a restore keeps beside the ones it replaces. */
  static final java.time.format.DateTimeFormatter STAMP = java.time.format.DateTimeFormatter
      .ofPattern("yyyyMMdd-HHmmss", java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);
  static final String FORMAT = "paperclip-instance-archive-v1";
  static final String MANIFEST = "manifest.json";
  static final String MANIFEST_MAC = "manifest.hmac";
  static final String CONFIG = "config.json";
  static final String ENV = "env";
  static final String SEALED_KEY = "master-key.sealed";
  static final String DATABASE = "database/";
  static final String STORAGE = "storage/";
  private static final String MAC_PURPOSE = "paperclip-instance-archive-manifest";
  private static final int MAX_MANIFEST = 16 * 1024 * 1024;
  private static final Pattern SEGMENT = Pattern.compile("[^/\\x00-\\x1f]+");
  private static final ObjectMapper JSON = new ObjectMapper();

  private InstanceArchive() {}

  /** One member: its name in the archive, size and SHA-256 (hex). */
  record Member(String name, long bytes, String sha256) {}

  /**
   * What {@link #read} extracted and checked.
   *
   * @param manifest the parsed manifest
   * @param members the members in manifest order
   * @param files each member's extracted copy in the staging directory
   * @param mac the manifest's HMAC line, when the archive has one
   * @param manifestBytes the manifest exactly as archived
   */
  record Contents(JsonNode manifest, List<Member> members, Map<String, Path> files, Optional<String> mac,
      byte[] manifestBytes) {
    Optional<Path> file(String name) {
      return Optional.ofNullable(files.get(name));
    }

    Path database() {
      return files.get(manifest.path("database").path("file").asText());
    }
  }

  /** Returns whether a member name is one this format may hold (checked on both sides). */
  static boolean allowedName(String name) {
    if (name.equals(CONFIG) || name.equals(ENV) || name.equals(SEALED_KEY)) {
      return true;
    }
    String rest;
    if (name.startsWith(DATABASE)) {
      rest = name.substring(DATABASE.length());
      if (rest.contains("/")) {
        return false;
      }
    } else if (name.startsWith(STORAGE)) {
      rest = name.substring(STORAGE.length());
    } else {
      return false;
    }
    if (rest.isEmpty()) {
      return false;
    }
    for (String s : rest.split("/", -1)) {
      if (!SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** Size and SHA-256 of a file. */
  static Member describe(String name, Path file) throws IOException {
    MessageDigest d = sha256();
    long n = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      for (int r; (r = in.read(buf)) > 0; n += r) {
        d.update(buf, 0, r);
      }
    }
    return new Member(name, n, HexFormat.of().formatHex(d.digest()));
  }

  /** The manifest's bytes: the given header fields plus the member list. */
  static byte[] manifest(ObjectNode header, List<Member> members) throws IOException {
    ObjectNode m = header.deepCopy();
    ArrayNode a = m.putArray("members");
    for (Member e : members) {
      a.addObject().put("name", e.name()).put("bytes", e.bytes()).put("sha256", e.sha256());
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
  }

  /** The manifest's HMAC line: {@code <key fingerprint> <hex>}. */
  static String mac(InstanceKey key, byte[] manifest) {
    byte[] k = key.derive(MAC_PURPOSE);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(k, "HmacSHA256"));
      return key.fingerprint() + " " + HexFormat.of().formatHex(mac.doFinal(manifest));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    } finally {
      java.util.Arrays.fill(k, (byte) 0);
    }
  }

  /** Whether a manifest HMAC line was made with this key over these bytes (constant time). */
  static boolean macMatches(InstanceKey key, byte[] manifest, String line) {
    return MessageDigest.isEqual(mac(key, manifest).getBytes(StandardCharsets.US_ASCII),
        line.strip().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Writes the archive: a 0600 temporary file in {@code target}'s directory, synced, then renamed
   * over nothing into place, and the directory synced.
   *
   * @param files each member's source file, by archive name, in the manifest's order
   */
  static void write(Path target, byte[] manifest, Optional<String> mac, Map<String, Path> files) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = temporary(target);
    try {
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        // the tar stream writes its last block only when closed: close it, keep the channel for the sync
        OutputStream raw = Streams.nonClosing(Channels.newOutputStream(ch));
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new java.io.BufferedOutputStream(raw, 64 * 1024))) {
          tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
          tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
          bytes(tar, MANIFEST, manifest);
          if (mac.isPresent()) {
            bytes(tar, MANIFEST_MAC, (mac.get() + "\n").getBytes(StandardCharsets.US_ASCII));
          }
          for (Map.Entry<String, Path> f : files.entrySet()) {
            TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true);
            e.setSize(Files.size(f.getValue()));
            e.setMode(0600);
            tar.putArchiveEntry(e);
            Files.copy(f.getValue(), tar);
            tar.closeArchiveEntry();
          }
          tar.finish();
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException ignored) {
        // not every file system syncs directories; the file itself is synced
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The temporary name an archive is written under: the backup module's convention
   * ({@code .NAME.tmp-PID-...}), so a prune of the directory sees its writer is alive and leaves it.
   */
  static Path temporary(Path target) {
    return target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid()
        + "-" + UUID.randomUUID());
  }

  private static void bytes(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(data.length);
    e.setMode(0600);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  /** Reads only the manifest (for listings): the first member. */
  static JsonNode manifestOnly(Path archive) {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
      return parseManifest(archive, readManifest(archive, tar));
    } catch (IOException e) {
      throw damaged(archive, e.getMessage());
    }
  }

  /**
   * Reads and checks a whole archive, extracting every member into {@code staging} (a private
   * directory the caller removes; null: check only, write nothing, the contents' paths are then
   * the member names): the manifest first, then every member against it (name, type, size,
   * SHA-256, no duplicates, none missing, none extra).
   *
   * @throws PaperclipException {@link ErrorCode.CORRUPT_FILE} naming the archive and what is wrong
   */
  static Contents read(Path archive, Path staging) {
    if (!Files.isRegularFile(archive)) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "the instance archive " + archive
          + " does not exist or is not a file; name an archive 'paperclipai instance backup' wrote");
    }
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
      byte[] manifestBytes = readManifest(archive, tar);
      JsonNode manifest = parseManifest(archive, manifestBytes);
      Map<String, Member> expected = new LinkedHashMap<>();
      for (JsonNode m : manifest.get("members")) {
        Member member = new Member(m.path("name").asText(), m.path("bytes").asLong(-1), m.path("sha256").asText());
        if (!allowedName(member.name()) || member.bytes() < 0 || !member.sha256().matches("[0-9a-f]{64}")
            || expected.put(member.name(), member) != null) {
          throw damaged(archive, "its manifest lists a bad or repeated member '" + printable(member.name()) + "'");
        }
      }
      Map<String, Path> files = new LinkedHashMap<>();
      Optional<String> mac = Optional.empty();
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        String name = e.getName();
        if (!regular(e)) {
          throw damaged(archive, "member '" + printable(name) + "' is not a regular file");
        }
        if (name.equals(MANIFEST_MAC) && mac.isEmpty() && files.isEmpty()) {
          mac = Optional.of(new String(tar.readNBytes(256), StandardCharsets.US_ASCII).strip());
          continue;
        }
        Member want = expected.get(name);
        if (want == null || files.containsKey(name)) {
          throw damaged(archive, "member '" + printable(name) + "' is not in its manifest (or is repeated)");
        }
        Path out = staging == null ? null : staging.resolve(name).normalize();
        if (out != null && !out.startsWith(staging)) {
          throw damaged(archive, "member '" + printable(name) + "' escapes the archive");
        }
        if (out != null) {
          Files.createDirectories(out.getParent());
        }
        MessageDigest d = sha256();
        long n = 0;
        try (OutputStream o = out == null ? OutputStream.nullOutputStream()
            : Files.newOutputStream(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          byte[] buf = new byte[64 * 1024];
          for (int r; (r = tar.read(buf)) > 0 && n <= want.bytes(); n += r) {
            // a member larger than the manifest says is refused without being copied to its end
            d.update(buf, 0, r);
            o.write(buf, 0, r);
          }
        }
        if (n != want.bytes() || !HexFormat.of().formatHex(d.digest()).equals(want.sha256())) {
          throw damaged(archive, "member '" + printable(name) + "' does not match its manifest (" + n + " bytes, "
              + want.bytes() + " recorded, or a different SHA-256)");
        }
        files.put(name, out == null ? Path.of(name) : out);
      }
      if (files.size() != expected.size()) {
        List<String> missing = expected.keySet().stream().filter(k -> !files.containsKey(k)).limit(3).toList();
        throw damaged(archive, "it ends before member(s) " + String.join(", ", missing) + " (truncated?)");
      }
      return new Contents(manifest, List.copyOf(expected.values()), Map.copyOf(files), mac, manifestBytes);
    } catch (IOException e) {
      throw damaged(archive, e.getMessage());
    }
  }

  /** Only plain files: {@link TarArchiveEntry#isFile()} is also true of links and devices. */
  private static boolean regular(TarArchiveEntry e) {
    return e.getLinkFlag() == TarConstants.LF_NORMAL || e.getLinkFlag() == TarConstants.LF_OLDNORM;
  }

  private static byte[] readManifest(Path archive, TarArchiveInputStream tar) throws IOException {
    TarArchiveEntry first = tar.getNextEntry();
    if (first == null || !regular(first) || !MANIFEST.equals(first.getName())) {
      throw damaged(archive, "its first member is not " + MANIFEST + " (not an instance archive?)");
    }
    if (first.getSize() > MAX_MANIFEST) {
      throw damaged(archive, "its manifest is " + first.getSize() + " bytes");
    }
    byte[] b = tar.readNBytes((int) first.getSize());
    if (b.length != first.getSize()) {
      throw damaged(archive, "its manifest is cut short (truncated?)");
    }
    return b;
  }

  private static JsonNode parseManifest(Path archive, byte[] bytes) {
    JsonNode m;
    try {
      m = JSON.readTree(bytes);
    } catch (IOException e) {
      throw damaged(archive, "its manifest is not valid JSON");
    }
    if (m == null || !FORMAT.equals(m.path("format").asText()) || !m.path("members").isArray()
        || !m.path("database").path("file").isTextual()) {
      throw damaged(archive, "its manifest is not a " + FORMAT + " manifest");
    }
    return m;
  }

  static PaperclipException damaged(Path archive, String what) {
    return new PaperclipException(ErrorCode.CORRUPT_FILE, "the instance archive " + archive.getFileName()
        + " is damaged or not an instance archive: " + what + "; nothing was written. Use another copy of it");
  }

  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Removes a staging directory and everything in it (nothing there is the user's). */
  static void removeTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover private temporary directory is all that remains
    }
  }

  /** A private (0700) temporary directory under {@code parent}. */
  static Path privateDir(Path parent, String prefix) throws IOException {
    Files.createDirectories(parent);
    return Files.createTempDirectory(parent, prefix,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }
}
