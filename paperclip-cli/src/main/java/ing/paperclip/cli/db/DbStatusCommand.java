package ing.paperclip.cli.db;

import ing.paperclip.cli.CliContext;
import ing.paperclip.cli.Database;
import ing.paperclip.cli.EmbeddedStart;
import ing.paperclip.db.backup.restore.RestoreService;
import ing.paperclip.db.core.migrate.MigrationState;
import ing.paperclip.db.core.settings.DatabaseMode;
import ing.paperclip.db.core.settings.DatabaseSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paperclipai db status}: mode, where the connection came from, server, migrations. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the database mode, where the connection came from, the server version, "
        + "the data directory and the migration state.")
final class DbStatusCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  DbStatusCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    DatabaseSettings s = ctx.settings();
    Database db = ctx.database();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("instance", ctx.layout().instanceId());
    r.put("mode", s.mode() == DatabaseMode.EMBEDDED ? "embedded" : "external");
    r.put("source", s.source());
    r.put("url", db.runtimeSpec().redacted());
    r.put("migrationUrl", db.migrationSpec().redacted());
    r.put("migrationUrlSource", s.migrationSource());
    r.put("serverVersion", db.serverVersion());
    List<String> warnings = new ArrayList<>();
    RuntimeRole role = runtimeRole(db);
    r.put("runtimeRole", role.name());
    r.put("runtimeRoleSuperuser", role.superuser());
    if (role.superuser()) {
      warnings.add("the runtime role " + role.name() + " is a superuser: anyone holding the application's URL "
          + "can run programs on the database host (COPY ... TO PROGRAM); connect the application as a role "
          + "that owns the database but is not a superuser, and keep the superuser for DATABASE_MIGRATION_URL "
          + "if something needs it");
    }
    EmbeddedStart e = db.embedded();
    if (e != null) {
      r.put("adminRole", e.adminSpec().user());
      r.put("credentialsFile", e.credentialsFile().toString());
      r.put("dataDir", e.dataDir().toString());
      r.put("port", e.port());
      r.put("initialized", e.initialized());
      r.put("reused", e.reused());
      r.put("startupMillis", e.startup().toMillis());
    }
    MigrationState m = db.migrator().status();
    r.put("migrations", m.label());
    if (m instanceof MigrationState.UpToDate u) {
      r.put("appliedMigrations", u.applied());
    } else if (m instanceof MigrationState.Pending p) {
      r.put("appliedMigrations", p.applied());
      r.put("pendingMigrations", p.pending().stream().map(MigrationState.Changeset::id).toList());
    } else if (m instanceof MigrationState.Unsafe u && u.drizzle().isPresent()) {
      MigrationState.DrizzleJournal j = u.drizzle().get();
      r.put("database", j.describe());
      r.put("drizzleMigrations", j.migrations());
      r.put("drizzleNewest", j.newest());
      r.put("adopt", "run 'paperclipai db migrate --adopt': it checks the core tables against this "
          + "version's schema and records them as migrated; the original server keeps working");
    } else if (m instanceof MigrationState.Unsafe u) {
      r.put("unsafeReason", "the database holds " + u.tables() + " tables but no migration journal");
    }
    try (java.sql.Connection c = db.migration().getConnection()) {
      RestoreService.interruptedRestore(c).ifPresent(x -> r.put("interruptedRestore", x
          + " was interrupted: the database holds part of a backup; restore again with --clean, or drop and recreate it"));
      List<String> left = RestoreService.leftoverDatabases(c);
      if (!left.isEmpty()) {
        r.put("restoreLeftovers", left);
        warnings.add("an interrupted 'db restore --clean' left database(s) " + String.join(", ", left)
            + " on the server (its scratch copy or the old content; this database is whole): the next "
            + "'db restore --clean' drops them, or drop them yourself");
      }
    } catch (java.sql.SQLException ex) {
      r.put("interruptedRestore", "unknown (" + ex.getMessage() + ")");
    }
    r.put("warnings", warnings);
    if (json) {
      ctx.printJson(r);
    } else {
      r.forEach((k, v) -> {
        if (!"warnings".equals(k)) {
          ctx.out().printf("%-21s %s%n", k + ":", v);
        }
      });
      warnings.forEach(w -> ctx.err().println("warning: " + w));
    }
    return 0;
  }

  private record RuntimeRole(String name, boolean superuser) {}

  private static RuntimeRole runtimeRole(Database db) {
    try (java.sql.Connection c = db.runtime().getConnection();
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT current_user, rolsuper FROM pg_catalog.pg_roles "
            + "WHERE rolname = current_user")) {
      rs.next();
      return new RuntimeRole(rs.getString(1), rs.getBoolean(2));
    } catch (java.sql.SQLException ex) {
      throw new ing.paperclip.db.core.PaperclipException(ing.paperclip.db.core.ErrorCode.DATABASE,
          "cannot read the runtime role from " + db.runtimeSpec().redacted() + ": " + ex.getMessage(), ex);
    }
  }
}
