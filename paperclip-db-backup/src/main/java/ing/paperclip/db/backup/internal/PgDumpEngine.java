package ing.paperclip.db.backup.internal;

import ing.paperclip.db.backup.BackupListener;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.file.BackupWriter;
import ing.paperclip.db.backup.pgdump.PgDumpBinary;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import ing.paperclip.db.core.sql.SqlStatement;
import ing.paperclip.db.core.sql.SqlToken;
import ing.paperclip.db.core.sql.SqlTokenKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The pg_dump engine: runs {@code pg_dump --format=plain} in the snapshot of the main connection
 * ({@code --snapshot}) with the connection passed through libpq environment variables (the
 * password never appears on a command line), and streams its output into the file through
 * {@link BackupWriter#foreignBody}, which counts and hashes every COPY block for the manifest.
 * Owners and privileges are kept, as the java engine keeps them: pg_dump writes each object's
 * {@code ALTER ... OWNER TO} right after it, which a restore sets, skips or refuses as it does the
 * java engine's. One use per instance.
 */
public final class PgDumpEngine {
  private final PgDumpBinary binary;
  private final ConnectionSpec spec;
  private final List<String> excludeTableData;
  private final Duration lockTimeout;
  private final BackupListener listener;

  /**
   * Creates the engine.
   *
   * @param binary the pg_dump to run
   * @param spec where to connect (user, password, host, port, database, ssl settings)
   * @param excludeTableData {@code schema.table} names whose rows are skipped
   * @param lockTimeout pg_dump's {@code --lock-wait-timeout}: its own table locks queue behind a
   *     DDL that waits for ours, so they must not wait without end
   * @param listener progress receiver
   */
  public PgDumpEngine(PgDumpBinary binary, ConnectionSpec spec, List<String> excludeTableData,
      Duration lockTimeout, BackupListener listener) {
    this.binary = binary;
    this.spec = spec;
    this.excludeTableData = List.copyOf(excludeTableData);
    this.lockTimeout = lockTimeout;
    this.listener = listener;
  }

  /**
   * Writes pg_dump's output as the body between {@code BEGIN;} and {@code COMMIT;}.
   *
   * @param main the snapshot connection (transaction begun); its snapshot is exported to pg_dump
   * @param writer the file, started
   * @param onCancel registers an action that stops the run on cancellation
   * @return schemas (read in the same snapshot) and sequences (the writer keeps the blocks)
   */
  public BackupWriter.Contents write(Connection main, BackupWriter writer, Consumer<Runnable> onCancel)
      throws SQLException, IOException {
    List<String> schemas = schemas(main);
    for (String t : excludeTableData) {
      checkTable(main, t);
    }
    String snapshot = Snapshot.export(main);
    List<String> cmd = new ArrayList<>(List.of(binary.path().toString(), "--format=plain",
        "--snapshot=" + snapshot, "--no-password",
        "--lock-wait-timeout=" + Math.max(1, lockTimeout.toMillis())));
    for (String t : excludeTableData) {
      int dot = t.indexOf('.');
      cmd.add("--exclude-table-data=" + SqlIdentifiers.qualified(t.substring(0, dot), t.substring(dot + 1)));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    environment(pb.environment());
    listener.started("pg_dump " + binary.version(), -1);
    Process p = pb.start();
    onCancel.accept(p::destroyForcibly);
    StderrTail err = new StderrTail(p.getErrorStream());
    Thread errThread = new Thread(err, "paperclip-pg_dump-stderr");
    errThread.setDaemon(true);
    errThread.start();
    SequenceSets sequences = new SequenceSets(listener, writer);
    boolean ok = false;
    try {
      p.getOutputStream().close();
      BackupWriter.ForeignBody text;
      try (InputStream in = p.getInputStream()) {
        text = writer.foreignBody(in, sequences);
      }
      int exit = p.waitFor();
      errThread.join(5000);
      if (exit != 0) {
        throw new PaperclipException(ErrorCode.BACKUP, binary.describe() + " failed with exit status "
            + exit + ": " + err.firstError() + "; fix the cause or use --engine java");
      }
      if (text.cut().isPresent()) {
        throw new PaperclipException(ErrorCode.BACKUP, binary.describe()
            + " output ended in the middle of " + text.cut().get() + "; use --engine java");
      }
      if (!text.problems().isEmpty()) {
        throw new PaperclipException(ErrorCode.BACKUP, binary.describe() + " output holds what no"
            + " backup may: " + text.problems().get(0) + "; use --engine java");
      }
      ok = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("backup interrupted");
    } finally {
      if (!ok) {
        p.destroyForcibly();
      }
    }
    return new BackupWriter.Contents(schemas, sequences.result());
  }

  /**
   * Collects pg_dump's {@code SEQUENCE SET} entries: the statement after a {@code -- Name: ...;
   * Type: SEQUENCE SET;} comment, read when it has the simple form, counted as unknown
   * otherwise; and reports each table's rows as their block ends.
   */
  static final class SequenceSets implements BackupWriter.TextListener {
    private final List<BackupManifest.SequenceEntry> values = new ArrayList<>();
    private final BackupListener progress;
    private final BackupWriter writer;
    private int unknown;

    SequenceSets(BackupListener progress, BackupWriter writer) {
      this.progress = progress;
      this.writer = writer;
    }

    @Override
    public void statement(SqlStatement s) {
      boolean named = false;
      for (SqlToken t : s.tokens()) {
        if (t.isSignificant()) {
          break;
        }
        if (t.kind() == SqlTokenKind.LINE_COMMENT && t.text().startsWith("-- Name: ")
            && t.text().contains("; Type: SEQUENCE SET;")) {
          named = true;
        }
      }
      if (!named) {
        return;
      }
      var e = s.isBlank() ? Optional.<BackupManifest.SequenceEntry>empty()
          : BackupManifest.SequenceEntry.parseSetval(s.sql());
      if (e.isPresent()) {
        values.add(e.get());
      } else {
        unknown++;
      }
    }

    @Override
    public void blockDone(BackupManifest.TableEntry block) {
      progress.tableDone(block.qualifiedName(), block.rows(), writer.bodyBytes());
    }

    BackupManifest.Sequences result() {
      return new BackupManifest.Sequences(values, unknown);
    }
  }

  private static List<String> schemas(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname NOT IN ('pg_catalog',"
            + " 'information_schema') AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE"
            + " 'pg\\_temp\\_%' ORDER BY nspname COLLATE \"C\"")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static void checkTable(Connection c, String qualified) throws SQLException {
    int dot = qualified.indexOf('.');
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_class t JOIN"
        + " pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ? AND t.relname = ?")) {
      ps.setString(1, qualified.substring(0, dot));
      ps.setString(2, qualified.substring(dot + 1));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new PaperclipException(ErrorCode.INVALID_INPUT, "cannot exclude the data of table "
              + qualified + ": no such table in the database; check the schema.table name");
        }
      }
    }
  }

  /** Replaces inherited libpq connection variables with the spec's. */
  private void environment(Map<String, String> env) {
    for (String k : List.of("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD",
        "PGSERVICE", "PGOPTIONS", "PGSSLMODE", "PGREQUIRESSL", "PGAPPNAME")) {
      env.remove(k);
    }
    env.put("PGHOST", spec.host());
    env.put("PGPORT", Integer.toString(spec.port()));
    env.put("PGDATABASE", spec.database());
    spec.userName().ifPresent(u -> env.put("PGUSER", u));
    if (spec.password() != null) {
      env.put("PGPASSWORD", spec.password());
    }
    env.put("PGAPPNAME", "paperclip-db backup (pg_dump)");
    Map<String, String> params = spec.parameters();
    map(params, env, "sslmode", "PGSSLMODE");
    map(params, env, "sslrootcert", "PGSSLROOTCERT");
    map(params, env, "sslcert", "PGSSLCERT");
    map(params, env, "sslkey", "PGSSLKEY");
    map(params, env, "sslcrl", "PGSSLCRL");
    map(params, env, "connect_timeout", "PGCONNECT_TIMEOUT");
    map(params, env, "connectTimeout", "PGCONNECT_TIMEOUT");
    map(params, env, "target_session_attrs", "PGTARGETSESSIONATTRS");
    map(params, env, "gssencmode", "PGGSSENCMODE");
    map(params, env, "channel_binding", "PGCHANNELBINDING");
    if (!params.containsKey("sslmode") && "true".equalsIgnoreCase(params.get("ssl"))) {
      // pgjdbc's ssl=true verifies the certificate and the host name.
      env.put("PGSSLMODE", "verify-full");
    }
  }

  private static void map(Map<String, String> params, Map<String, String> env, String key, String var) {
    String v = params.get(key);
    if (v != null) {
      env.put(var, v);
    }
  }

  /** Keeps the first error line and the tail of pg_dump's standard error. */
  private static final class StderrTail implements Runnable {
    private final InputStream in;
    private volatile String first;

    StderrTail(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      try (InputStream s = in) {
        byte[] all = s.readNBytes(64 * 1024);
        String text = new String(all, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
          if (!line.isBlank()) {
            first = line.trim();
            break;
          }
        }
        s.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException ignored) {
        // the process is gone; its exit status tells the story
      }
    }

    String firstError() {
      String f = first;
      return f == null ? "no error message" : f;
    }
  }
}
