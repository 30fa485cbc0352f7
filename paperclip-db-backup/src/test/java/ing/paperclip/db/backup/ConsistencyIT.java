package ing.paperclip.db.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.backup.dump.CatalogSchemaScripter;
import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A writer moves amounts between two tables in transactions while the backup runs; the restored
 * database must keep the invariant (the total), and a row committed after the snapshot was taken
 * must be absent, also in tables read by parallel workers.
 */
@WithPostgres
class ConsistencyIT {
  static final long TOTAL = 200 * 1000;
  static final List<String> DDL = new ArrayList<>();

  @BeforeAll
  static void load(TestDatabase db) {
    DDL.add("CREATE SCHEMA bank;");
    DDL.add("CREATE TABLE bank.a (id int PRIMARY KEY, amount bigint NOT NULL);");
    DDL.add("CREATE TABLE bank.marker (note text);");
    for (int i = 0; i < 12; i++) {
      DDL.add("CREATE TABLE bank.f" + i + " (x int);");
    }
    DDL.add("CREATE TABLE bank.b (id int PRIMARY KEY, amount bigint NOT NULL);");
    db.execute(String.join("\n", DDL));
    StringBuilder sql = new StringBuilder();
    sql.append("INSERT INTO bank.a SELECT g, 1000 FROM generate_series(1, 100) g;");
    sql.append("INSERT INTO bank.b SELECT g, 1000 FROM generate_series(1, 100) g;");
    for (int i = 0; i < 12; i++) {
      sql.append("INSERT INTO bank.f").append(i).append(" SELECT generate_series(1, 1000);");
    }
    db.execute(sql.toString());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void restoredDatabaseKeepsTheInvariant(int jobs, TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("TRUNCATE bank.marker");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong transfers = new AtomicLong();
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      try (Connection c = db.connect()) {
        c.setAutoCommit(false);
        try (PreparedStatement from = c.prepareStatement("UPDATE bank.a SET amount = amount - ? WHERE id = ?");
             PreparedStatement to = c.prepareStatement("UPDATE bank.b SET amount = amount + ? WHERE id = ?")) {
          while (!stop.get()) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            long x = r.nextLong(1, 50);
            from.setLong(1, x);
            from.setInt(2, r.nextInt(1, 101));
            from.executeUpdate();
            to.setLong(1, x);
            to.setInt(2, r.nextInt(1, 101));
            to.executeUpdate();
            c.commit();
            transfers.incrementAndGet();
          }
        }
      } catch (SQLException | RuntimeException e) {
        writerError.set(e);
      }
    });
    writer.start();
    AtomicLong atStart = new AtomicLong();
    AtomicLong atEnd = new AtomicLong();
    BackupListener slow = new BackupListener() {
      @Override
      public void started(String engine, int tables) {
        atStart.set(transfers.get());
        // Committed after the snapshot: must not be in the backup, whichever worker reads it.
        db.execute("INSERT INTO bank.marker VALUES ('after snapshot')");
        sleep(300);
      }

      @Override
      public void tableDone(String qualifiedName, long rows, long bodyBytes) {
        sleep(60);
        atEnd.set(transfers.get());
      }
    };
    BackupResult result;
    try {
      Thread.sleep(100);
      result = new BackupService(db.spec(), dir, new CatalogSchemaScripter(),
          BackupOptions.builder().jobs(jobs).build()).backup(slow);
    } finally {
      stop.set(true);
      writer.join();
    }
    assertEquals(null, writerError.get());
    assertTrue(atEnd.get() - atStart.get() > 10,
        "the writer committed only " + (atEnd.get() - atStart.get()) + " transfers during the backup");
    assertEquals(TOTAL, ItSupport.count(db, "SELECT (SELECT sum(amount) FROM bank.a) + (SELECT sum(amount) FROM bank.b)"));
    new BackupVerifier().verifyOrThrow(result.file());
    TestDatabase target = db.sibling("consistency_j" + jobs);
    try {
      ItSupport.psqlRestore(result.file(), target);
      assertEquals(TOTAL, ItSupport.count(target,
          "SELECT (SELECT sum(amount) FROM bank.a) + (SELECT sum(amount) FROM bank.b)"));
      assertEquals(0, ItSupport.count(target, "SELECT count(*) FROM bank.marker"));
      assertEquals(1, ItSupport.count(target, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'bank'"
          + " AND tablename = 'a'"), "the real scripter's post-data (the primary key) is restored too");
      assertEquals(1, ItSupport.count(db, "SELECT count(*) FROM bank.marker"));
    } finally {
      target.dropInBackground();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
