package ing.paperclip.db.backup.internal;

import ing.paperclip.db.backup.BackupListener;
import ing.paperclip.db.backup.dump.DumpScript;
import ing.paperclip.db.backup.dump.SchemaObject;
import ing.paperclip.db.backup.dump.SchemaScripter;
import ing.paperclip.db.backup.dump.Section;
import ing.paperclip.db.backup.dump.TableData;
import ing.paperclip.db.backup.file.BackupManifest;
import ing.paperclip.db.backup.file.BackupManifest.TableEntry;
import ing.paperclip.db.backup.file.BackupWriter;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in engine: scripts the schema with a {@link SchemaScripter} on the snapshot
 * connection and streams every table's rows with {@code COPY ... TO STDOUT} (text format),
 * hashing bytes on the fly, never looking at individual rows or values (the server counts them).
 * With more than one job, workers on their own connections import the exported snapshot and each
 * compress whole tables into separate gzip members that the calling thread appends in completion
 * order, never reading them again (format 2's body checksum covers a block through its rows'
 * checksum). Memory use is bounded by {@code jobs} spool buffers whatever the data size. Every
 * line of the file is the {@link BackupWriter}'s: this class hands it objects and COPY streams.
 * One use per instance.
 */
public final class JavaEngine {
  private static final Logger LOG = LoggerFactory.getLogger(JavaEngine.class);
  /** Bytes of compressed table data kept in memory per worker before spilling to a temp file. */
  private static final int SPOOL_MEMORY = 8 * 1024 * 1024;
  /** Bytes of a large object per {@code lo_put} statement. */
  private static final int LO_CHUNK = 256 * 1024;

  private final SchemaScripter scripter;
  private final int jobs;
  private final List<String> excludeTableData;
  private final List<String> nullifyColumns;
  private final Duration lockTimeout;
  private final String database;
  private final BackupListener listener;

  /**
   * The values the script's {@code SEQUENCE SET} entries set, as the catalog read them in the
   * backup's snapshot.
   */
  static BackupManifest.Sequences sequences(List<SchemaObject> postData) {
    List<BackupManifest.SequenceEntry> values = new ArrayList<>();
    int unknown = 0;
    for (SchemaObject o : postData) {
      if (o.kind().equals("SEQUENCE SET")) {
        var e = BackupManifest.SequenceEntry.parseSetval(o.sql());
        if (e.isPresent()) {
          values.add(e.get());
        } else {
          unknown++;
        }
      }
    }
    return new BackupManifest.Sequences(values, unknown);
  }

  /**
   * Creates the engine.
   *
   * @param scripter scripts the schema
   * @param jobs parallel workers, at least 1
   * @param excludeTableData {@code schema.table} names whose rows are skipped
   * @param nullifyColumns {@code schema.table.column} names written as NULL
   * @param lockTimeout bounds every lock wait of the worker connections
   * @param database names the database in messages
   * @param listener progress receiver
   */
  public JavaEngine(SchemaScripter scripter, int jobs, List<String> excludeTableData,
      List<String> nullifyColumns, Duration lockTimeout, String database, BackupListener listener) {
    this.scripter = scripter;
    this.jobs = jobs;
    this.excludeTableData = List.copyOf(excludeTableData);
    this.nullifyColumns = List.copyOf(nullifyColumns);
    this.lockTimeout = lockTimeout;
    this.database = database;
    this.listener = listener;
  }

  /**
   * Writes pre-data, data and post-data sections.
   *
   * @param main the snapshot connection, every table already locked ({@link TableLocks}), used by
   *     this thread and lent to one worker during the data section
   * @param workers opens worker connections; used only when {@code jobs > 1}
   * @param writer the file, started
   * @param file the file being written (for spool temp files)
   * @return the schemas and sequences written (the writer keeps the blocks)
   */
  public BackupWriter.Contents write(Connection main, ConnectionSource workers, BackupWriter writer,
      AtomicBackupFile file) throws SQLException, IOException {
    DumpScript script = scripter.script(main);
    List<TableData> data = selectData(script.data());
    Map<String, Set<String>> nulls = nullified(script.data());

    writer.section(Section.PRE_DATA);
    for (SchemaObject o : script.preData()) {
      writer.entry(o);
    }
    listener.started("java", data.size());
    writer.section(Section.DATA);
    if (jobs <= 1 || data.size() <= 1) {
      for (TableData t : data) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("backup interrupted");
        }
        TableEntry e = writer.data(t, rows(main, t, nulls.getOrDefault(t.qualifiedName(), Set.of())));
        listener.tableDone(t.qualifiedName(), e.rows(), writer.bodyBytes());
      }
    } else {
      parallel(main, workers, data, nulls, writer, file);
    }
    writer.section(Section.POST_DATA);
    largeObjects(main, script, writer);
    for (SchemaObject o : script.postData()) {
      writer.entry(o);
    }
    return new BackupWriter.Contents(script.schemas(), sequences(script.postData()));
  }

  /**
   * The data of the large objects the pre-data creates ({@code lo_create}), like pg_dump's BLOBS:
   * read from the snapshot in chunks of {@link #LO_CHUNK} bytes, each written as one
   * {@code lo_put}, first in the post-data (before the privileges, which may take the owner's
   * right to write).
   */
  private static void largeObjects(Connection c, DumpScript script, BackupWriter writer)
      throws SQLException, IOException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT pg_catalog.lo_get(?::pg_catalog.oid, ?, ?)")) {
      for (SchemaObject o : script.preData()) {
        if (!o.kind().equals("LARGE OBJECT")) {
          continue;
        }
        for (long offset = 0; ; offset += LO_CHUNK) {
          ps.setString(1, o.name());
          ps.setLong(2, offset);
          ps.setInt(3, LO_CHUNK);
          byte[] chunk;
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            chunk = rs.getBytes(1);
          }
          if (chunk.length > 0) {
            writer.entry(new SchemaObject("LARGE OBJECT DATA", "", o.name() + " " + offset,
                Section.POST_DATA, "SELECT pg_catalog.lo_put(" + SqlIdentifiers.literal(o.name())
                    + ", " + offset + ", '\\x" + HexFormat.of().formatHex(chunk) + "');",
                List.of(o.key())));
          }
          if (chunk.length < LO_CHUNK) {
            break;
          }
        }
      }
    }
  }

  private List<TableData> selectData(List<TableData> all) {
    Set<String> known = all.stream().map(TableData::qualifiedName).collect(Collectors.toSet());
    for (String x : excludeTableData) {
      if (!known.contains(x)) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "cannot exclude the data of table "
            + x + ": no such table in the backup; check the schema.table name");
      }
    }
    Set<String> excluded = new HashSet<>(excludeTableData);
    return all.stream().filter(t -> !excluded.contains(t.qualifiedName())).toList();
  }

  private Map<String, Set<String>> nullified(List<TableData> all) {
    Map<String, TableData> byName = new LinkedHashMap<>();
    all.forEach(t -> byName.put(t.qualifiedName(), t));
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (String c : nullifyColumns) {
      int dot = c.lastIndexOf('.');
      String table = c.substring(0, dot);
      String column = c.substring(dot + 1);
      TableData t = byName.get(table);
      if (t == null || !t.columns().contains(column)) {
        throw new PaperclipException(ErrorCode.INVALID_INPUT, "cannot nullify column " + c
            + ": no such column in the backup's table data; check the schema.table.column name");
      }
      out.computeIfAbsent(table, k -> new HashSet<>()).add(column);
    }
    return out;
  }

  /**
   * The rows of one table as its COPY writes them: every column, or NULL in place of the
   * nullified ones.
   */
  private static BackupWriter.Rows rows(Connection c, TableData t, Set<String> nulls) {
    String qualified = SqlIdentifiers.qualified(t.schema(), t.table());
    String sql;
    if (nulls.isEmpty() && t.filter() == null) {
      sql = "COPY " + qualified + (t.columns().isEmpty() ? "" : " (" + t.columns().stream()
          .map(SqlIdentifiers::quote).collect(Collectors.joining(", ")) + ")") + " TO STDOUT";
    } else {
      // an extension's condition is the catalog's SQL, run on the source as pg_dump runs it
      sql = "COPY (SELECT " + (t.columns().isEmpty() ? "" : t.columns().stream()
          .map(col -> nulls.contains(col) ? "NULL AS " + SqlIdentifiers.quote(col) : SqlIdentifiers.quote(col))
          .collect(Collectors.joining(", "))) + " FROM ONLY " + qualified
          + (t.filter() == null ? "" : " " + t.filter()) + ") TO STDOUT";
    }
    return out -> {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      return copy.copyOut(sql, out);
    };
  }

  private record Part(TableData table, BackupWriter.SpooledBlock block) {}

  private void parallel(Connection main, ConnectionSource workers, List<TableData> data,
      Map<String, Set<String>> nulls, BackupWriter writer, AtomicBackupFile file)
      throws SQLException, IOException {
    int n = Math.min(jobs, data.size());
    String snapshot = Snapshot.export(main);
    BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(n);
    List<Connection> opened = new ArrayList<>();
    idle.add(main);
    AtomicInteger threadNo = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
      Thread th = new Thread(r, "paperclip-backup-" + threadNo.incrementAndGet());
      th.setDaemon(true);
      return th;
    });
    List<Future<Part>> futures = new ArrayList<>();
    // blocks spooled but not appended (workers finishing after a failure): discarded at the end
    Queue<BackupWriter.SpooledBlock> spooled = new ConcurrentLinkedQueue<>();
    BackupWriter.Spooler spooler = writer.spooler(file.tempPath().getParent(), file.siblingTempPrefix(),
        SPOOL_MEMORY);
    boolean ok = false;
    try {
      for (int i = 1; i < n; i++) {
        Connection w;
        try {
          w = workers.open();
        } catch (SQLException e) {
          // A small pool or max_connections: fewer workers is slower, never wrong.
          LOG.warn("backup runs with {} of {} parallel connections: {}", i, n, e.getMessage());
          break;
        }
        opened.add(w);
        Snapshot.begin(w, snapshot, lockTimeout);
        idle.add(w);
      }
      LOG.debug("backup: {} connections share snapshot {}", idle.size(), snapshot);
      CompletionService<Part> done = new ExecutorCompletionService<>(pool);
      List<TableData> order = new ArrayList<>(data);
      // Largest first: the long tables start at once and the small ones fill the gaps.
      order.sort(Comparator.comparingLong(TableData::estimatedBytes).reversed());
      for (TableData t : order) {
        futures.add(done.submit(() -> {
          Connection c = idle.take();
          try {
            if (c != main) {
              TableLocks.lockNowait(c, t.schema(), t.table(), database);
            }
            BackupWriter.SpooledBlock b = spooler.write(t, rows(c, t, nulls.getOrDefault(t.qualifiedName(), Set.of())));
            spooled.add(b);
            return new Part(t, b);
          } finally {
            idle.add(c);
          }
        }));
      }
      for (int i = 0; i < order.size(); i++) {
        Part p;
        try {
          p = done.take().get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("backup interrupted");
        } catch (ExecutionException e) {
          throw WorkerFailure.rethrow(e, "backup worker");
        }
        spooled.remove(p.block());
        TableEntry e = writer.append(p.block());
        listener.tableDone(p.table().qualifiedName(), e.rows(), writer.bodyBytes());
      }
      ok = true;
    } finally {
      if (!ok) {
        futures.forEach(f -> f.cancel(true));
        for (Connection w : opened) {
          try {
            // Unblocks a worker waiting on the server; its transaction is read-only anyway.
            w.abort(Runnable::run);
          } catch (SQLException ignored) {
            // already broken
          }
        }
      }
      pool.shutdownNow();
      try {
        if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
          LOG.warn("backup workers did not stop within 30 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (Connection w : opened) {
        Snapshot.end(w);
        try {
          w.close();
        } catch (SQLException ignored) {
          // nothing was written through it
        }
      }
      spooled.forEach(BackupWriter.SpooledBlock::discard);
    }
  }
}
