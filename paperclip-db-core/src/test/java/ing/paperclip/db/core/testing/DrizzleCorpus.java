package ing.paperclip.db.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The {@code paperclip-drizzle} corpus: a plain pg_dump of a database built by the original
 * Paperclip's 216 Drizzle migrations (175 tables, the {@code drizzle.__drizzle_migrations}
 * journal, pg_trgm and fuzzystrmatch), on the test classpath.
 */
public final class DrizzleCorpus {
  /** The classpath location of the gzipped dump. */
  public static final String RESOURCE = "corpora/paperclip-drizzle/paperclip-drizzle-0217.sql.gz";
  /** Rows of its Drizzle journal. */
  public static final int MIGRATIONS = 216;

  private DrizzleCorpus() {}

  /** Loads the corpus into {@code db} with psql (it holds COPY blocks, which JDBC cannot run). */
  public static void load(TestDatabase db) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1");
    pb.environment().put("PGHOST", db.spec().host());
    pb.environment().put("PGPORT", Integer.toString(db.spec().port()));
    pb.environment().put("PGDATABASE", db.spec().database());
    db.spec().userName().ifPresent(u -> pb.environment().put("PGUSER", u));
    if (db.spec().password() != null) {
      pb.environment().put("PGPASSWORD", db.spec().password());
    }
    Path err = Files.createTempFile("corpus-", ".err");
    try {
      pb.redirectError(err.toFile());
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      InputStream resource = DrizzleCorpus.class.getClassLoader().getResourceAsStream(RESOURCE);
      if (resource == null) {
        throw new IllegalStateException(RESOURCE + " is not on the test classpath");
      }
      try (InputStream in = new GZIPInputStream(resource); OutputStream out = p.getOutputStream()) {
        in.transferTo(out);
      }
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("psql could not load " + RESOURCE + ": "
            + Files.readString(err, StandardCharsets.UTF_8));
      }
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
