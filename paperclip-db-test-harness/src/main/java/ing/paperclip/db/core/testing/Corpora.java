package ing.paperclip.db.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * The test corpora and vectors, carried by the repository in the harness module's resources
 * ({@code paperclip-db-test-harness/src/main/resources/corpora/}, {@code vectors/}; see
 * {@code corpora/README.md}) and published in its jar, so every module's tests find them on the
 * classpath: hostile SQL corpora, Pagila (PostgreSQL licence), backups in the original
 * Paperclip's format ({@code paperclip-legacy/}), the original's Drizzle-built schema
 * ({@code paperclip-drizzle/}) and the {@code local_encrypted_v1} secret vectors. Corpora load
 * through {@link SqlScript}, so no psql is needed.
 */
public final class Corpora {
  private static Path extracted;

  private Corpora() {}

  /** Returns {@code corpora/hostile.sql} from the core test resources. */
  public static String hostile() {
    return resource("corpora/hostile.sql");
  }

  /**
   * Returns {@code corpora/hostile2.sql}: a second hostile corpus (schemas {@code public},
   * {@code "Other Schema"}, {@code "ü-名前"}, {@code ext}), with grants to a role it creates,
   * sub-partitions, a view over a set-returning function and a rejecting BEFORE INSERT trigger.
   */
  public static String hostile2() {
    return resource("corpora/hostile2.sql");
  }

  /**
   * Returns a test resource as UTF-8 text, inflated when its name ends in {@code .gz}.
   *
   * @param name the classpath name, e.g. {@code corpora/pagila/pagila-data.sql.gz}
   */
  public static String resource(String name) {
    try (InputStream in = open(name);
        InputStream text = name.endsWith(".gz") ? new GZIPInputStream(in) : in) {
      return new String(text.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns a test resource as a file, byte for byte (for code that reads files, e.g. a restore).
   * A resource inside a jar is copied once per JVM into a temporary directory.
   *
   * @param name the classpath name, e.g. {@code corpora/paperclip-legacy/paperclip-20260331-120000.sql.gz}
   */
  public static synchronized Path file(String name) {
    URL url = Corpora.class.getResource("/" + name);
    if (url == null) {
      throw new IllegalStateException(name + " is not on the test classpath (resources of paperclip-db-test-harness)");
    }
    try {
      if ("file".equals(url.getProtocol())) {
        return Path.of(url.toURI());
      }
      if (extracted == null) {
        extracted = Files.createTempDirectory("paperclip-corpora-");
        extracted.toFile().deleteOnExit();
      }
      Path out = extracted.resolve(name);
      if (!Files.exists(out)) {
        Files.createDirectories(out.getParent());
        try (InputStream in = url.openStream()) {
          Files.copy(in, out);
        }
        out.toFile().deleteOnExit();
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Loads a corpus into a database through {@link SqlScript} (no psql needed).
   *
   * @param name the classpath name, inflated when it ends in {@code .gz}
   */
  public static void load(TestDatabase db, String name) {
    SqlScript.run(db, resource(name));
  }

  /**
   * Loads Pagila (schema without its owner statements, then its data) into a database through
   * {@link SqlScript}.
   */
  public static void loadPagila(TestDatabase db) {
    SqlScript.run(db, pagilaSchema());
    SqlScript.run(db, pagilaData());
  }

  /**
   * Returns the Pagila schema without its {@code ... OWNER TO postgres} statements, so it loads
   * on servers without a {@code postgres} role.
   */
  public static String pagilaSchema() {
    return withoutOwners(resource("corpora/pagila/pagila-schema.sql"));
  }

  /** Returns the Pagila data script (COPY blocks: load it with {@link SqlScript} or psql). */
  public static String pagilaData() {
    return resource("corpora/pagila/pagila-data.sql.gz");
  }

  /** Drops every line holding {@code OWNER TO} (pg_dump emits them one per line). */
  public static String withoutOwners(String sql) {
    return sql.lines().filter(l -> !l.contains(" OWNER TO "))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  private static InputStream open(String name) {
    InputStream in = Corpora.class.getResourceAsStream("/" + name);
    if (in == null) {
      throw new IllegalStateException(name + " is not on the test classpath (resources of paperclip-db-test-harness)");
    }
    return in;
  }
}
