package ing.paperclip.db.core.settings;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An instance's {@code config.json}, read and written as a JSON tree so that keys this library
 * does not know survive a rewrite. A malformed file is reported with its path, line and column,
 * and never overwritten.
 *
 * <p>Instances are immutable snapshots: {@link #with(String, JsonNode)} returns a changed copy;
 * {@link #write()} replaces the file atomically (temporary file, fsync, rename), mode 0600.
 *
 * @param path the file's location
 * @param root the JSON object (a deep copy is kept)
 * @param exists whether the file existed when read
 */
public record ConfigFile(Path path, ObjectNode root, boolean exists) {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Validates and copies. */
  public ConfigFile {
    Objects.requireNonNull(path, "path");
    root = Objects.requireNonNull(root, "root").deepCopy();
  }

  /**
   * Reads the file; a missing file gives an empty object.
   *
   * @throws PaperclipException {@link ErrorCode#CONFIGURATION} when it is not a JSON object
   */
  public static ConfigFile read(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new ConfigFile(path, JsonNodeFactory.instance.objectNode(), false);
    } catch (IOException e) {
      throw new PaperclipException(ErrorCode.IO, "cannot read " + path + ": " + e.getMessage()
          + "; check the file's permissions", e);
    }
    JsonNode node;
    try {
      node = text.isBlank() ? JsonNodeFactory.instance.objectNode() : MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new PaperclipException(ErrorCode.CONFIGURATION, "malformed JSON in " + path + where
          + ": " + e.getOriginalMessage() + "; fix the file by hand (it was not changed)", e);
    }
    if (!(node instanceof ObjectNode obj)) {
      throw new PaperclipException(ErrorCode.CONFIGURATION, path
          + " must hold a JSON object at the top level; fix the file by hand (it was not changed)");
    }
    return new ConfigFile(path, obj, true);
  }

  /** Returns a copy of the root object. */
  @Override
  public ObjectNode root() {
    return root.deepCopy();
  }

  /**
   * Returns the node at a dotted path such as {@code database.connectionString}, if present
   * and not JSON null.
   */
  public Optional<JsonNode> get(String dottedPath) {
    JsonNode n = root;
    for (String part : dottedPath.split("\\.")) {
      n = n.get(part);
      if (n == null || n.isNull()) {
        return Optional.empty();
      }
    }
    return Optional.of(n.deepCopy());
  }

  /** Returns the text at a dotted path, if present and a string or number or boolean. */
  public Optional<String> getText(String dottedPath) {
    return get(dottedPath).filter(JsonNode::isValueNode).map(JsonNode::asText);
  }

  /**
   * Returns a copy with the value at a dotted path set, creating intermediate objects.
   *
   * @throws PaperclipException {@link ErrorCode#CONFIGURATION} if an intermediate key holds a
   *     non-object
   */
  public ConfigFile with(String dottedPath, JsonNode value) {
    ObjectNode copy = root.deepCopy();
    String[] parts = dottedPath.split("\\.");
    ObjectNode n = copy;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = n.get(parts[i]);
      if (child == null || child.isNull()) {
        n = n.putObject(parts[i]);
      } else if (child instanceof ObjectNode o) {
        n = o;
      } else {
        throw new PaperclipException(ErrorCode.CONFIGURATION, "cannot set " + dottedPath + " in "
            + path + ": '" + parts[i] + "' is not an object; fix the file by hand");
      }
    }
    n.set(parts[parts.length - 1], value);
    return new ConfigFile(path, copy, exists);
  }

  /**
   * Writes the file atomically with mode 0600, creating its directory (0700) if needed.
   *
   * @throws PaperclipException {@link ErrorCode#IO} on failure; the old file stays intact
   */
  public void write() {
    Path dir = path.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + path.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      }
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        out.write(MAPPER.writeValueAsBytes(root));
        out.write('\n');
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the original error matters more
      }
      throw new PaperclipException(ErrorCode.IO, "cannot write " + path + ": " + e.getMessage()
          + "; check free space and permissions", e);
    }
  }
}
