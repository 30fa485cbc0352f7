package ing.paperclip.db.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ing.paperclip.db.core.migrate.Migrator;
import ing.paperclip.db.core.sql.SqlSplitter;
import ing.paperclip.db.core.sql.SqlStatement;
import ing.paperclip.db.core.testing.TestDatabase;
import ing.paperclip.db.core.testing.WithPostgres;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every file of {@code src/test/resources/hostile} against a live namespace, with the
 * validator on and off, and checks after each that nothing outside the plugin's schema changed,
 * nothing secret reached it, no server-side file was written and the role is still contained.
 */
@WithPostgres
class HostileCorpusIT {
  private static final String KEY = "hostile.plugin";
  private static final Path PWNED = Path.of("/tmp/paperclip-hostile-pwned");
  private static String self;
  private static String victim;
  private static String role;
  private static String victimRole;
  private static String superuser;

  @TempDir
  Path tmp;

  @BeforeAll
  static void install(TestDatabase db, @TempDir Path dir) throws Exception {
    new Migrator(db.dataSource()).migrate();
    db.execute("INSERT INTO companies (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme');"
        + "INSERT INTO agents (id, company_id, name, adapter_config) VALUES ('00000000-0000-0000-0000-0000000000a1', "
        + "'00000000-0000-0000-0000-000000000001', 'Dev', '{\"env\": {\"TOKEN\": \"CANARY-ADAPTER\"}}');"
        + "CREATE TABLE public.canary (secret text); INSERT INTO public.canary VALUES ('CANARY-PUBLIC');"
        + "CREATE SEQUENCE public.core_seq; SELECT nextval('public.core_seq');");
    superuser = PluginTesting.text(db, "SELECT current_user");
    PluginNamespaces ns = PluginTesting.namespaces(db, PluginTesting.SETTINGS);
    Path v = Files.createDirectories(dir.resolve("victim"));
    Files.writeString(v.resolve("001.sql"), "CREATE TABLE data (id int PRIMARY KEY, note text); INSERT INTO data VALUES (1, 'CANARY-VICTIM');");
    PluginMigrationResult vr = ns.migrate("victim.plugin", Optional.empty(), "1", v);
    victim = vr.schema();
    victimRole = vr.role();
    Path h = Files.createDirectories(dir.resolve("hostile"));
    Files.writeString(h.resolve("000_base.sql"), "CREATE TABLE mine (x int);");
    PluginMigrationResult r = ns.migrate(KEY, Optional.empty(), "1", h);
    self = r.schema();
    role = r.role();
  }

  private static List<Path> corpus(String sub) throws URISyntaxException, java.io.IOException {
    Path dir = Path.of(HostileCorpusIT.class.getResource("/hostile/" + sub).toURI());
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static String sql(Path f) throws java.io.IOException {
    return Files.readString(f, StandardCharsets.UTF_8).replace("${victim}", victim).replace("${self}", self)
        .replace("${superuser}", superuser);
  }

  @Test
  void theCorpusIsLargeEnough() throws Exception {
    assertTrue(corpus("migrations").size() >= 80, "migrations: " + corpus("migrations").size());
    assertTrue(corpus("runtime").size() >= 20, "runtime scripts: " + corpus("runtime").size());
  }

  @Test
  void hostileMigrationsAreContainedWithTheValidatorOn(TestDatabase db) throws Exception {
    int byValidator = runMigrations(db, true);
    System.out.println("validator on: " + byValidator + " of " + corpus("migrations").size() + " refused by the validator");
  }

  @Test
  void hostileMigrationsAreContainedWithTheValidatorOff(TestDatabase db) throws Exception {
    runMigrations(db, false);
  }

  /** Returns how many files the validator refused. */
  private int runMigrations(TestDatabase db, boolean validate) throws Exception {
    PluginNamespaces ns = PluginTesting.namespaces(db, PluginTesting.SETTINGS.withValidation(validate));
    String before = outside(db);
    int byValidator = 0;
    int byDatabase = 0;
    List<String> succeeded = new ArrayList<>();
    List<String> passedValidator = new ArrayList<>();
    for (Path f : corpus("migrations")) {
      String name = f.getFileName().toString();
      Path d = Files.createDirectories(tmp.resolve((validate ? "on-" : "off-") + name));
      Files.writeString(d.resolve("000_base.sql"), "CREATE TABLE mine (x int);");
      Files.writeString(d.resolve(name), sql(f));
      Files.deleteIfExists(PWNED);
      try {
        ns.migrate(KEY, Optional.empty(), "1", d);
        succeeded.add(name);
      } catch (PluginException e) {
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
        if (e.getMessage().startsWith("plugin migration " + name)) {
          byValidator++;
        } else {
          byDatabase++;
          passedValidator.add(name);
        }
      }
      assertContained(db, before, name);
    }
    System.out.println("validator " + (validate ? "on" : "off") + ": " + byValidator + " refused by the validator, "
        + byDatabase + " by the database " + (validate ? passedValidator : "") + ", applied without effect outside the schema: "
        + succeeded);
    if (validate) {
      // what only timeouts and privileges stop: statements a real migration could also contain
      assertEquals(List.of("103_huge_series.sql", "104_endless_recursion.sql", "111_setval_core_sequences.sql"), passedValidator);
    } else {
      assertEquals(0, byValidator);
      // what any role may do (docs/PLUGINS.md, "What PostgreSQL cannot deny any role"); all else the database refused
      assertEquals(List.of("022_pg_notify.sql", "023_notify.sql", "024_listen.sql", "028_advisory_lock_other_plugin.sql",
          "129_logical_message.sql", "137_large_object_create.sql"), succeeded);
    }
    return byValidator;
  }

  @Test
  void hostileRuntimeScriptsAreContained(TestDatabase db) throws Exception {
    PluginNamespaces ns = PluginTesting.namespaces(db, PluginTesting.SETTINGS);
    String before = outside(db);
    try (PluginDataSource ds = ns.dataSource(KEY, Optional.empty())) {
      for (Path f : corpus("runtime")) {
        Files.deleteIfExists(PWNED);
        int refused = 0;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
          for (SqlStatement st : SqlSplitter.split(sql(f))) {
            if (st.isBlank()) {
              continue;
            }
            try {
              s.execute(st.sql());
            } catch (SQLException e) {
              refused++;
              if (!c.getAutoCommit()) {
                c.rollback();
              } else {
                s.execute("ROLLBACK"); // leave a failed explicit transaction so later statements run
              }
            }
          }
          try (ResultSet rs = s.executeQuery("SELECT current_user, session_user")) {
            rs.next();
            assertEquals(role, rs.getString(1), f + ": still the plugin role");
            assertEquals(role, rs.getString(2), f.toString());
          }
        }
        assertContained(db, before, f.getFileName().toString());
        // the next borrower of the plugin pool gets a clean session
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT current_setting('search_path'), current_setting('statement_timeout'), "
                + "current_setting('transaction_read_only'), (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                + "AND pid = pg_backend_pid()), (SELECT count(*) FROM pg_prepared_statements), current_user")) {
          rs.next();
          assertEquals(self, rs.getString(1), f.toString());
          assertEquals("5s", rs.getString(2), f.toString());
          assertEquals("off", rs.getString(3), f.toString());
          assertEquals(0, rs.getLong(4), f.toString());
          assertEquals(role, rs.getString(6), f.toString());
        }
        System.out.println("runtime " + f.getFileName() + ": " + refused + " statement(s) refused");
      }
    }
  }

  private static void assertContained(TestDatabase db, String before, String what) throws Exception {
    assertFalse(Files.exists(PWNED), what + " wrote a file on the server");
    String after = outside(db);
    if (!before.equals(after)) {
      fail(what + " changed something outside " + self + ":\n" + diff(before, after));
    }
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          + "WHERE n.nspname = '" + self + "' AND c.relkind IN ('r', 'p', 'm')")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t + " x WHERE x::text LIKE '%CANARY%'")) {
          rs.next();
          assertEquals(0, rs.getLong(1), what + " copied secret data into " + t);
        }
      }
      c.setAutoCommit(false);
      PluginRoles.verify(c, self, role);
      c.rollback();
    }
  }

  private static String diff(String a, String b) {
    List<String> x = a.lines().toList();
    List<String> y = b.lines().toList();
    StringBuilder sb = new StringBuilder();
    x.stream().filter(l -> !y.contains(l)).forEach(l -> sb.append("- ").append(l).append('\n'));
    y.stream().filter(l -> !x.contains(l)).forEach(l -> sb.append("+ ").append(l).append('\n'));
    return sb.toString();
  }

  /** Everything outside the plugin's own schema that a plugin might try to change, as text. */
  private static String outside(TestDatabase db) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      String roleOid = "(SELECT oid FROM pg_roles WHERE rolname = '" + role + "')";
      // other sessions share the server: watch the roles this test knows, the predefined ones, and this database
      String watched = "(rolname IN ('" + role + "', '" + victimRole + "', current_user) OR rolname LIKE 'pg\\_%')";
      String notMine = "n.nspname <> '" + self + "' AND n.nspname NOT LIKE 'pg\\_temp%' AND n.nspname NOT LIKE 'pg\\_toast%'";
      String[] queries = {
          "SELECT 'rel ' || c.oid::regclass || ' ' || c.relkind::text || ' ' || c.relowner::regrole || ' ' || coalesce(c.relacl::text, '') "
              + "|| ' ' || c.relrowsecurity || ' ' || c.relhastriggers || ' ' || c.relhasrules FROM pg_class c "
              + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + notMine,
          "SELECT 'nsp ' || n.nspname || ' ' || n.nspowner::regrole || ' ' || coalesce(n.nspacl::text, '') FROM pg_namespace n WHERE " + notMine,
          "SELECT 'proc ' || p.oid::regprocedure || ' ' || p.proowner::regrole || ' ' || coalesce(p.proacl::text, '') || ' ' "
              + "|| md5(coalesce(p.prosrc, '')) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + notMine,
          "SELECT 'role ' || rolname || rolsuper || rolinherit || rolcreaterole || rolcreatedb || rolcanlogin || rolreplication "
              + "|| rolbypassrls FROM pg_roles WHERE " + watched,
          "SELECT 'member ' || roleid::regrole || ' ' || member::regrole FROM pg_auth_members m JOIN pg_roles r "
              + "ON r.oid = m.member OR r.oid = m.roleid WHERE " + watched.replace("rolname", "r.rolname"),
          "SELECT 'db ' || datname || ' ' || coalesce(datacl::text, '') FROM pg_database WHERE datname = current_database()",
          "SELECT 'setting ' || setdatabase || ' ' || setrole || ' ' || array_to_string(setconfig, ',') FROM pg_db_role_setting "
              + "WHERE setrole <> " + roleOid + " AND (setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) "
              + "OR setrole IN (SELECT oid FROM pg_roles WHERE " + watched + "))",
          "SELECT 'trigger ' || t.tgrelid::regclass || ' ' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
              + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + notMine,
          "SELECT 'rule ' || r.ev_class::regclass || ' ' || r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class "
              + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + notMine,
          "SELECT 'policy ' || polrelid::regclass || ' ' || polname FROM pg_policy",
          "SELECT 'extension ' || extname FROM pg_extension",
          "SELECT 'event trigger ' || evtname FROM pg_event_trigger",
          "SELECT 'publication ' || pubname FROM pg_publication",
          "SELECT 'large object ' || oid || ' ' || lomowner::regrole FROM pg_largeobject_metadata WHERE lomowner <> " + roleOid,
          "SELECT 'default acl ' || defaclrole::regrole || ' ' || defaclobjtype::text || ' ' || defaclacl::text FROM pg_default_acl "
              + "WHERE defaclrole <> " + roleOid,
          "SELECT 'cast ' || castsource::regtype || ' ' || casttarget::regtype FROM pg_cast",
          "SELECT 'statistics ' || stxname FROM pg_statistic_ext x JOIN pg_namespace n ON n.oid = x.stxnamespace WHERE " + notMine,
          "SELECT 'tablespace ' || spcname FROM pg_tablespace",
          "SELECT 'prepared xact ' || gid FROM pg_prepared_xacts"};
      List<String> lines = new ArrayList<>();
      for (String q : queries) {
        try (ResultSet rs = s.executeQuery(q)) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
      }
      List<String> data = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT c.oid::regclass::text || ' ' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          + "WHERE " + notMine + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'p', 'S') "
          + "AND c.relname NOT IN ('plugins', 'plugin_database_namespaces', 'plugin_migrations')")) {
        while (rs.next()) {
          data.add(rs.getString(1));
        }
      }
      for (String tk : data) {
        String t = tk.substring(0, tk.lastIndexOf(' '));
        String q = tk.endsWith(" S") ? "SELECT last_value || ' ' || is_called FROM " + t
            : "SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM " + t + " x";
        try (ResultSet rs = s.executeQuery(q)) {
          rs.next();
          lines.add("data " + t + " " + rs.getString(1));
        }
      }
      lines.sort(null);
      lines.forEach(l -> sb.append(l).append('\n'));
    }
    return sb.toString();
  }
}
