package com.example.modular;

import ing.paperclip.db.PaperclipDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

/**
 * Run on the module path by this example's build ({@code java --module-path ... --module
 * com.example.modular/com.example.modular.ModularApp}): checks what paperclip-db's modules export
 * and hide, then starts an embedded instance in a temporary home through the facade (Liquibase
 * reads core's changelogs through the module's {@code opens}; an empty environment, so an exported
 * DATABASE_URL or PGHOST cannot pick another server), queries it and closes it. Any failed check
 * ends the JVM with exit status 1 and one line naming it.
 */
public final class ModularApp {
  private ModularApp() {}

  public static void main(String[] args) throws Exception {
    try {
      ModuleChecks.run();
      Path home = Files.createTempDirectory("paperclip-module-path-");
      try (PaperclipDatabase db = PaperclipDatabase.builder().instance(home, "default")
               // an empty environment: embedded even where DATABASE_URL or PGHOST is exported
               .env(Map.of()).start();
           Connection c = db.dataSource().getConnection();
           Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT count(*) FROM databasechangelog")) {
        rs.next();
        int applied = rs.getInt(1);
        ModuleChecks.check(applied > 0 && applied == db.appliedMigrations().size(),
            "the journal holds " + applied + " changesets, the facade reports " + db.appliedMigrations().size());
        System.out.println("ok: embedded instance on the module path, " + applied + " core changesets applied");
      } finally {
        ModuleChecks.deleteTree(home);
      }
    } catch (IllegalStateException e) {
      System.err.println("module-path example failed: " + e.getMessage());
      System.exit(1);
    }
  }
}
