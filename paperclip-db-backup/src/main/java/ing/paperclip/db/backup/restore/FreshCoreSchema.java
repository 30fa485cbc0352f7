package ing.paperclip.db.backup.restore;

import com.zaxxer.hikari.HikariDataSource;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.catalog.Catalog;
import ing.paperclip.db.core.catalog.CatalogReader;
import ing.paperclip.db.core.migrate.MigrationState;
import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.pool.ConnectionPools;
import ing.paperclip.db.core.settings.ConnectionSpec;
import ing.paperclip.db.core.settings.PoolSettings;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recognises a target that holds nothing but the core schema this build migrates, untouched: what
 * a brand-new instance holds after its first start. Such a target counts as empty for a restore
 * (which replaces it) — the first thing a user does after losing a machine is to start a new
 * instance and restore into it. "Untouched" is checked, never assumed:
 * <ul>
 *   <li>Liquibase's journal records exactly this build's changesets (not fewer, not more);
 *   <li>no table holds a row (the changelog seeds none), but the journal and its lock;
 *   <li>the schemas, extensions, types, functions, sequences, tables, constraints, indexes, views,
 *       triggers, policies, rules and statistics are exactly those the changelog creates, as a
 *       scratch database migrated here shows ({@link Migrator#expectedCatalog}).
 * </ul>
 * Anything else, or a check that cannot run (e.g. the role may not create the scratch database),
 * makes the target not empty: a restore then refuses it unless {@code --clean}.
 */
final class FreshCoreSchema {
  private static final Logger LOG = LoggerFactory.getLogger(FreshCoreSchema.class);
  private static final Set<String> JOURNAL = Set.of("databasechangelog", "databasechangeloglock");

  private FreshCoreSchema() {}

  /**
   * Tells whether the database of {@code spec} holds only an untouched core schema.
   *
   * @return empty when it does, else why not (for the log)
   */
  static Optional<String> whyNot(ConnectionSpec spec) {
    try (HikariDataSource ds = ConnectionPools.openMigration(spec, PoolSettings.DEFAULTS)) {
      Migrator migrator = new Migrator(ds);
      try (Connection c = ds.getConnection()) {
        Optional<String> cheap = journalAndRows(c, migrator);
        if (cheap.isPresent()) {
          return cheap;
        }
      }
      Catalog expected = migrator.expectedCatalog(spec);
      Catalog actual;
      try (Connection c = ds.getConnection()) {
        c.setAutoCommit(false);
        try {
          actual = new CatalogReader().read(c);
        } finally {
          c.rollback();
        }
      }
      Set<String> want = objects(expected);
      Set<String> have = objects(actual);
      if (!want.equals(have)) {
        List<String> diff = new ArrayList<>();
        have.stream().filter(o -> !want.contains(o)).limit(3).forEach(o -> diff.add("extra " + o));
        want.stream().filter(o -> !have.contains(o)).limit(3).forEach(o -> diff.add("missing " + o));
        return Optional.of("its objects are not the core schema's (" + String.join(", ", diff) + ")");
      }
      return Optional.empty();
    } catch (SQLException | PaperclipException e) {
      LOG.debug("restore target not checked for a fresh core schema: {}", e.getMessage());
      return Optional.of("it could not be checked (" + RestoreService.oneLine(e) + ")");
    }
  }

  private static Optional<String> journalAndRows(Connection c, Migrator migrator) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT pg_catalog.to_regclass('public.databasechangelog') IS NOT NULL")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return Optional.of("it has no core schema journal");
        }
      }
      List<String> journal = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT id, author FROM public.databasechangelog ORDER BY orderexecuted")) {
        while (rs.next()) {
          journal.add(rs.getString(2) + ":" + rs.getString(1));
        }
      }
      List<String> changelog = migrator.changesets().stream()
          .map((MigrationState.Changeset cs) -> cs.author() + ":" + cs.id()).toList();
      if (!new TreeSet<>(journal).equals(new TreeSet<>(changelog)) || journal.size() != changelog.size()) {
        return Optional.of("its journal records " + journal.size() + " changesets, not this build's "
            + changelog.size());
      }
      List<String[]> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
          + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm')"
          + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
          + " AND n.nspname NOT LIKE 'pg\\_temp%'")) {
        while (rs.next()) {
          tables.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      for (String[] t : tables) {
        if (t[0].equals("public") && JOURNAL.contains(t[1])) {
          continue;
        }
        try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + SqlIdentifiers.qualified(t[0], t[1]) + ")")) {
          rs.next();
          if (rs.getBoolean(1)) {
            return Optional.of("table " + t[0] + "." + t[1] + " holds rows");
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The names of a catalog's objects, by kind: what must be alike (owners and grants may differ). */
  private static Set<String> objects(Catalog c) {
    Set<String> out = new TreeSet<>();
    Stream.of(
        c.schemas().stream().map(x -> "schema " + x.name()),
        c.extensions().stream().map(x -> "extension " + x.name()),
        c.types().stream().map(x -> "type " + x.schema() + "." + x.name()),
        c.functions().stream().map(x -> "function " + x.signature()),
        c.sequences().stream().map(x -> "sequence " + x.schema() + "." + x.name()),
        c.tables().stream().map(x -> "table " + x.schema() + "." + x.name()),
        c.constraints().stream().map(x -> "constraint " + x.schema() + "." + x.table() + "." + x.name()),
        c.indexes().stream().map(x -> "index " + x.schema() + "." + x.name()),
        c.views().stream().map(x -> "view " + x.schema() + "." + x.name()),
        c.triggers().stream().map(x -> "trigger " + x.schema() + "." + x.table() + "." + x.name()),
        c.policies().stream().map(x -> "policy " + x.schema() + "." + x.table() + "." + x.name()),
        c.rules().stream().map(x -> "rule " + x.schema() + "." + x.table() + "." + x.name()),
        c.statistics().stream().map(x -> "statistics " + x.schema() + "." + x.name()))
        .flatMap(s -> s).forEach(out::add);
    return out;
  }
}
