package ing.paperclip.db.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Test corpora as SQL text, ready for {@link TestDatabase#execute(String)}. */
public final class Corpora {
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

  /** Returns a test resource as UTF-8 text. */
  public static String resource(String name) {
    try (InputStream in = Corpora.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the test classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the Pagila schema without its {@code ... OWNER TO postgres} statements, so it loads
   * on servers without a {@code postgres} role.
   */
  public static String pagilaSchema() {
    return withoutOwners(read(sharedDir().resolve("corpora/pagila/pagila-schema.sql")));
  }

  /** Returns the Pagila data script (COPY blocks; needs psql, not JDBC). */
  public static Path pagilaData() {
    return sharedDir().resolve("corpora/pagila/pagila-data.sql");
  }

  /** Drops every line holding {@code OWNER TO} (pg_dump emits them one per line). */
  public static String withoutOwners(String sql) {
    return sql.lines().filter(l -> !l.contains(" OWNER TO "))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  /**
   * Finds the shared directory: {@code $PAPERCLIP_SHARED_DIR}, else the first ancestor of the
   * working directory holding {@code shared/corpora}.
   */
  public static Path sharedDir() {
    String env = System.getenv("PAPERCLIP_SHARED_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("shared/corpora"))) {
        return p.resolve("shared");
      }
    }
    throw new IllegalStateException("no shared/corpora above " + Path.of("").toAbsolutePath()
        + ": set PAPERCLIP_SHARED_DIR");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
