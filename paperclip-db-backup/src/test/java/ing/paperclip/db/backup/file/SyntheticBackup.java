package ing.paperclip.db.backup.file;

import ing.paperclip.db.backup.file.BackupManifest.TableEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Builds backup files by hand, independently of the writer, for verifier tests. */
public final class SyntheticBackup {
  /** COPY blocks in file order; a table may have several (a table dumped in page ranges). */
  private final List<Map.Entry<String, List<String>>> tables = new ArrayList<>();
  private String extraDdl = "";
  private int version = BackupFormat.VERSION;
  private ing.paperclip.db.core.keys.InstanceKey signer;

  /** Signs the manifest with {@code key} as the writer does ({@link BackupSignature}). */
  public SyntheticBackup signedBy(ing.paperclip.db.core.keys.InstanceKey key) {
    signer = key;
    return this;
  }

  /** Sets the format version (1: the checksum covers every byte; 2: rows by their checksum). */
  public SyntheticBackup version(int v) {
    version = v;
    return this;
  }

  public SyntheticBackup table(String qualified, String... rows) {
    tables.add(Map.entry(qualified, List.of(rows)));
    return this;
  }

  public SyntheticBackup ddl(String sql) {
    extraDdl += sql;
    return this;
  }

  /** Returns the body text (everything before the manifest line). */
  String body() {
    return body(false);
  }

  /** Returns the body, or with {@code skeleton} what format 2's checksum covers. */
  private String body(boolean skeleton) {
    StringBuilder sb = new StringBuilder();
    sb.append("-- paperclip-db backup\n-- format: ").append(version).append("\n-- tool: paperclip-db test\n")
        .append("-- created: 2026-11-25T02:30:00Z\n-- server: 150020\n-- engine: java\n");
    BackupFormat.SETTINGS.forEach(s -> sb.append(s).append('\n'));
    sb.append("BEGIN;\n-- section: pre-data\n");
    for (String t : new LinkedHashSet<>(tables.stream().map(Map.Entry::getKey).toList())) {
      String[] p = t.split("\\.");
      sb.append("-- entry: {\"kind\":\"TABLE\",\"schema\":\"").append(p[0]).append("\",\"name\":\"")
          .append(p[1]).append("\",\"deps\":[]}\n");
      sb.append("CREATE TABLE \"").append(p[0]).append("\".\"").append(p[1]).append("\" (a text);\n");
    }
    sb.append(extraDdl);
    sb.append("-- section: data\n");
    for (Map.Entry<String, List<String>> e : tables) {
      String[] p = e.getKey().split("\\.");
      sb.append("-- data: {\"schema\":\"").append(p[0]).append("\",\"table\":\"").append(p[1])
          .append("\",\"columns\":[\"a\"]}\n");
      sb.append("COPY \"").append(p[0]).append("\".\"").append(p[1]).append("\" (\"a\") FROM stdin;\n");
      StringBuilder rows = new StringBuilder();
      e.getValue().forEach(r -> rows.append(r).append('\n'));
      sb.append(skeleton ? sha(rows.toString()) + "\n" : rows);
      sb.append("\\.\n");
    }
    sb.append("-- section: post-data\nCOMMIT;\n");
    return sb.toString();
  }

  BackupManifest manifest(String body) {
    List<TableEntry> entries = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : tables) {
      String[] p = e.getKey().split("\\.");
      StringBuilder rows = new StringBuilder();
      e.getValue().forEach(r -> rows.append(r).append('\n'));
      entries.add(new TableEntry(p[0], p[1], e.getValue().size(), sha(rows.toString())));
    }
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    // format 2 hashes this backup's own skeleton: body must be this backup's body()
    String hashed = version >= 2 ? body(true) : body;
    return new BackupManifest(version, "paperclip-db", "test", Instant.parse("2026-11-25T02:30:00Z"),
        "java", 150020, "db", List.of("public"), entries, null, b.length, sha(hashed));
  }

  /** The complete text of the file. */
  String text() {
    String body = body();
    String json = manifest(body).toJson();
    return body + "-- paperclip-manifest: " + (signer == null ? json : BackupSignature.sign(json, signer))
        + "\n-- paperclip-end\n";
  }

  public byte[] gzip() {
    return gzip(text());
  }

  static String sha(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Gzips text as one member per part. */
  static byte[] gzip(String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (String part : parts) {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(one)) {
          gz.write(part.getBytes(StandardCharsets.UTF_8));
        }
        one.writeTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
