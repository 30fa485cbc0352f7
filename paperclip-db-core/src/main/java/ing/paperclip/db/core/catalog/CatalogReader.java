package ing.paperclip.db.core.catalog;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import ing.paperclip.db.core.catalog.Catalog.Column;
import ing.paperclip.db.core.catalog.Catalog.Comment;
import ing.paperclip.db.core.catalog.Catalog.Constraint;
import ing.paperclip.db.core.catalog.Catalog.Dependency;
import ing.paperclip.db.core.catalog.Catalog.Extension;
import ing.paperclip.db.core.catalog.Catalog.Function;
import ing.paperclip.db.core.catalog.Catalog.Grant;
import ing.paperclip.db.core.catalog.Catalog.Index;
import ing.paperclip.db.core.catalog.Catalog.NamedDef;
import ing.paperclip.db.core.catalog.Catalog.ObjectRef;
import ing.paperclip.db.core.catalog.Catalog.Policy;
import ing.paperclip.db.core.catalog.Catalog.Schema;
import ing.paperclip.db.core.catalog.Catalog.Sequence;
import ing.paperclip.db.core.catalog.Catalog.Table;
import ing.paperclip.db.core.catalog.Catalog.Trigger;
import ing.paperclip.db.core.catalog.Catalog.Type;
import ing.paperclip.db.core.catalog.Catalog.View;
import ing.paperclip.db.core.sql.SqlIdentifiers;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;

import java.util.List;
import java.util.Map;

/**
 * Reads a {@link Catalog} in a fixed number of bulk queries (never one per object), inside the
 * caller's transaction. It sets {@code search_path} to empty for the rest of that transaction
 * (like pg_dump), so that every name the server's deparsers print is schema-qualified, and
 * {@code standard_conforming_strings} on, so that deparsed literals mean what a backup's header
 * says.
 *
 * <p>Works on PostgreSQL 15 through 18. Stateless and thread-safe; the connection is the
 * caller's (neither committed nor closed).
 */
public final class CatalogReader {
  /** The schemas a catalog leaves out, as a SQL predicate on {@code n.nspname}. */
  /**
   * A FROM item of every configuration relation of extension {@code x} ({@code pg_extension x}):
   * {@code cfg.oid} and {@code cfg.cond}, the condition {@code pg_extension_config_dump} registered
   * ({@code ''} for every row).
   */
  public static final String EXTENSION_CONFIG = "ROWS FROM (pg_catalog.unnest(x.extconfig),"
      + " pg_catalog.unnest(x.extcondition)) AS cfg(oid, cond)";

  static final String USER_SCHEMA = "n.nspname NOT IN ('pg_catalog', 'information_schema') "
      + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

  /**
   * A column's attribute options as pg_dump keeps them, over {@code pg_attribute a}: some server
   * builds stamp {@code pg_attver} on every column themselves, which pg_dump leaves out. The column
   * query reads it and the completeness guard tests it: one filter for both. Pass it to
   * {@code formatted} as an argument (it holds a {@code %}).
   */
  static final String USER_ATTOPTIONS =
      "ARRAY(SELECT o FROM pg_catalog.unnest(a.attoptions) o WHERE o NOT LIKE 'pg\\_attver=%')";

  /** The catalogs whose objects' comments {@link #comments} reads by their identity. */
  private static final String IDENTITY_COMMENTS = "'pg_catalog.pg_opfamily'::pg_catalog.regclass,"
      + " 'pg_catalog.pg_opclass'::pg_catalog.regclass, 'pg_catalog.pg_am'::pg_catalog.regclass,"
      + " 'pg_catalog.pg_language'::pg_catalog.regclass, 'pg_catalog.pg_transform'::pg_catalog.regclass,"
      + " 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass,"
      + " 'pg_catalog.pg_foreign_server'::pg_catalog.regclass, 'pg_catalog.pg_largeobject'::pg_catalog.regclass";

  private static String notExtensionMember(String catalog, String oid) {
    return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = '" + catalog
        + "'::pg_catalog.regclass AND e.objid = " + oid + " AND e.deptype = 'e')";
  }

  /** Creates a reader. */
  public CatalogReader() {}

  /**
   * Reads the catalog.
   *
   * @param c an open connection, ideally inside a REPEATABLE READ transaction
   * @return the catalog
   * @throws PaperclipException {@link ErrorCode#DATABASE} when a catalog query fails
   */
  public Catalog read(Connection c) {
    try (Statement st = c.createStatement()) {
      exec(st, "SELECT pg_catalog.set_config('search_path', '', " + !c.getAutoCommit() + ")");
      // deparsed literals are read as a backup's header SETs them, whatever the session default
      exec(st, "SELECT pg_catalog.set_config('standard_conforming_strings', 'on', "
          + !c.getAutoCommit() + ")");
      int version;
      String database;
      try (ResultSet rs = st.executeQuery("SELECT pg_catalog.current_setting('server_version_num')::int, pg_catalog.current_database()")) {
        rs.next();
        version = rs.getInt(1);
        database = rs.getString(2);
      }
      List<Schema> schemas = schemas(st);
      Map<Long, long[]> seqState = sequenceState(c);
      List<Extension> extensions = extensions(st, seqState);
      List<Type> types = types(st);
      List<Function> functions = functions(st);
      List<Sequence> sequences = new ArrayList<>();
      Map<String, Sequence> identity = new HashMap<>();
      sequences(st, seqState, sequences, identity);
      List<Table> tables = tables(st, identity);
      List<Constraint> constraints = constraints(st);
      List<Index> indexes = indexes(st);
      List<View> views = views(st);
      List<Trigger> triggers = triggers(st);
      List<Policy> policies = policies(st);
      List<Comment> comments = comments(st);
      List<Grant> grants = grants(st);
      List<Dependency> deps = dependencies(st);
      List<Catalog.Rule> rules = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname, r.rulename,"
          + " pg_catalog.pg_get_ruledef(r.oid) FROM pg_catalog.pg_rewrite r"
          + " JOIN pg_catalog.pg_class c ON c.oid = r.ev_class"
          + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE r.rulename <> '_RETURN' AND " + USER_SCHEMA + " AND "
          + notExtensionMember("pg_class", "c.oid") + " ORDER BY 1, 2, 3")) {
        while (rs.next()) {
          rules.add(new Catalog.Rule(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4)));
        }
      }
      List<Catalog.Statistics> statistics = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT n.nspname, s.stxname,"
          + " pg_catalog.pg_get_statisticsobjdef(s.oid), COALESCE(s.stxstattarget, -1)::int"
          + " FROM pg_catalog.pg_statistic_ext s"
          + " JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace WHERE " + USER_SCHEMA
          + " AND " + notExtensionMember("pg_statistic_ext", "s.oid") + " ORDER BY 1, 2")) {
        while (rs.next()) {
          statistics.add(new Catalog.Statistics(rs.getString(1), rs.getString(2),
              rs.getString(3), rs.getInt(4)));
        }
      }
      List<Catalog.Collation> collations = collations(st);
      List<Catalog.Cast> casts = casts(st);
      List<Catalog.EventTrigger> eventTriggers = eventTriggers(st);
      List<Catalog.Publication> publications = publications(st);
      List<Catalog.DefaultPrivilege> defaultPrivileges = defaultPrivileges(st);
      List<Catalog.Definition> definitions = definitions(st);
      List<Catalog.InventoryItem> inventory = inventory(st);
      return new Catalog(version, database, schemas, extensions, types, functions, sequences,
          tables, constraints, indexes, views, triggers, policies, comments, grants, deps, rules,
          statistics, collations, casts, eventTriggers, publications, defaultPrivileges,
          definitions, inventory);
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.DATABASE, "cannot read the database catalog: "
          + e.getMessage(), e);
    }
  }

  /**
   * Lists every user object of the database a dump must keep, from every catalog pg_dump reads
   * (one query): objects made by initdb (OIDs below 16384), extension members (except members
   * whose privileges were changed after CREATE EXTENSION) and objects that exist only as part of
   * another (array types, a view's rule, a constraint's index) are left out.
   */
  private static List<Catalog.InventoryItem> inventory(Statement st) throws SQLException {
    String sql = """
        WITH objs AS (
          SELECT 'pg_catalog.pg_namespace'::pg_catalog.regclass AS classid, n.oid AS objid, 'schema' AS kind, false AS member, n.nspowner AS owner FROM pg_catalog.pg_namespace n
          UNION ALL SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table'
              WHEN 'f' THEN 'foreign table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
              WHEN 'i' THEN 'index' WHEN 'I' THEN 'index' WHEN 'c' THEN 'composite type' ELSE 'relation' END, false,
              CASE WHEN c.relkind NOT IN ('i', 'I') THEN c.relowner END FROM pg_catalog.pg_class c
            -- pg_dump leaves out invalid indexes (a failed CREATE INDEX CONCURRENTLY): so do we
            WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index x WHERE x.indexrelid = c.oid AND NOT x.indisvalid)
          UNION ALL SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, t.oid, CASE WHEN NOT t.typisdefined THEN 'shell type'
              WHEN t.typtype = 'e' THEN 'enum type' WHEN t.typtype = 'd' THEN 'domain' WHEN t.typtype = 'r' THEN 'range type'
              WHEN t.typtype = 'm' THEN 'multirange type' WHEN t.typtype = 'c' THEN 'composite type' WHEN t.typtype = 'p' THEN 'pseudo-type'
              ELSE 'base type' END, false, t.typowner FROM pg_catalog.pg_type t
          UNION ALL SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window function'
              WHEN 'p' THEN 'procedure' ELSE 'function' END, false, p.proowner FROM pg_catalog.pg_proc p
          UNION ALL SELECT 'pg_catalog.pg_constraint'::pg_catalog.regclass, co.oid, CASE WHEN co.contypid <> 0 THEN 'domain constraint' ELSE 'table constraint' END, false, NULL::pg_catalog.oid FROM pg_catalog.pg_constraint co
          UNION ALL SELECT 'pg_catalog.pg_attrdef'::pg_catalog.regclass, ad.oid, CASE WHEN c.relkind IN ('r', 'p') THEN 'default value' WHEN c.relkind = 'v' THEN 'default value of a view column' ELSE 'default value of a foreign table column' END, false, NULL::pg_catalog.oid
            FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_class c ON c.oid = ad.adrelid
          UNION ALL SELECT 'pg_catalog.pg_trigger'::pg_catalog.regclass, oid, 'trigger', false, NULL::pg_catalog.oid FROM pg_catalog.pg_trigger
          UNION ALL SELECT 'pg_catalog.pg_policy'::pg_catalog.regclass, oid, 'policy', false, NULL::pg_catalog.oid FROM pg_catalog.pg_policy
          UNION ALL SELECT 'pg_catalog.pg_rewrite'::pg_catalog.regclass, oid, 'rule', false, NULL::pg_catalog.oid FROM pg_catalog.pg_rewrite
          UNION ALL SELECT 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass, oid, 'statistics object', false, stxowner FROM pg_catalog.pg_statistic_ext
          UNION ALL SELECT 'pg_catalog.pg_collation'::pg_catalog.regclass, oid, 'collation', false, collowner FROM pg_catalog.pg_collation
          UNION ALL SELECT 'pg_catalog.pg_conversion'::pg_catalog.regclass, oid, 'conversion', false, conowner FROM pg_catalog.pg_conversion
          UNION ALL SELECT 'pg_catalog.pg_operator'::pg_catalog.regclass, oid, 'operator', false, oprowner FROM pg_catalog.pg_operator
          UNION ALL SELECT 'pg_catalog.pg_opclass'::pg_catalog.regclass, oid, 'operator class', false, opcowner FROM pg_catalog.pg_opclass
          UNION ALL SELECT 'pg_catalog.pg_opfamily'::pg_catalog.regclass, oid, 'operator family', false, opfowner FROM pg_catalog.pg_opfamily
          UNION ALL SELECT 'pg_catalog.pg_ts_config'::pg_catalog.regclass, oid, 'text search configuration', false, cfgowner FROM pg_catalog.pg_ts_config
          UNION ALL SELECT 'pg_catalog.pg_ts_dict'::pg_catalog.regclass, oid, 'text search dictionary', false, dictowner FROM pg_catalog.pg_ts_dict
          UNION ALL SELECT 'pg_catalog.pg_ts_parser'::pg_catalog.regclass, oid, 'text search parser', false, NULL::pg_catalog.oid FROM pg_catalog.pg_ts_parser
          UNION ALL SELECT 'pg_catalog.pg_ts_template'::pg_catalog.regclass, oid, 'text search template', false, NULL::pg_catalog.oid FROM pg_catalog.pg_ts_template
          UNION ALL SELECT 'pg_catalog.pg_cast'::pg_catalog.regclass, oid, 'cast', false, NULL::pg_catalog.oid FROM pg_catalog.pg_cast
          UNION ALL SELECT 'pg_catalog.pg_transform'::pg_catalog.regclass, oid, 'transform', false, NULL::pg_catalog.oid FROM pg_catalog.pg_transform
          UNION ALL SELECT 'pg_catalog.pg_language'::pg_catalog.regclass, oid, 'language', false, lanowner FROM pg_catalog.pg_language
          UNION ALL SELECT 'pg_catalog.pg_am'::pg_catalog.regclass, oid, 'access method', false, NULL::pg_catalog.oid FROM pg_catalog.pg_am
          UNION ALL SELECT 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass, oid, 'foreign-data wrapper', false, fdwowner FROM pg_catalog.pg_foreign_data_wrapper
          UNION ALL SELECT 'pg_catalog.pg_foreign_server'::pg_catalog.regclass, oid, 'server', false, srvowner FROM pg_catalog.pg_foreign_server
          UNION ALL SELECT 'pg_catalog.pg_user_mapping'::pg_catalog.regclass, umid, 'user mapping', false, NULL::pg_catalog.oid FROM pg_catalog.pg_user_mappings
          -- pg_user_mappings shows a mapping's options only to its user, its server's owner or a superuser
          UNION ALL SELECT 'pg_catalog.pg_user_mapping'::pg_catalog.regclass, m.umid, 'user mapping whose options this role cannot read', false, NULL::pg_catalog.oid
            FROM pg_catalog.pg_user_mappings m JOIN pg_catalog.pg_foreign_server s ON s.oid = m.srvid
            WHERE m.umoptions IS NULL AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER)
              AND NOT (m.umuser = 0 AND pg_catalog.pg_has_role(s.srvowner, 'USAGE'))
              AND NOT (m.usename = CURRENT_USER AND (pg_catalog.pg_has_role(s.srvowner, 'USAGE') OR pg_catalog.has_server_privilege(s.oid, 'USAGE')))
          UNION ALL SELECT 'pg_catalog.pg_event_trigger'::pg_catalog.regclass, oid, 'event trigger', false, evtowner FROM pg_catalog.pg_event_trigger
          UNION ALL SELECT 'pg_catalog.pg_publication'::pg_catalog.regclass, oid, 'publication', false, pubowner FROM pg_catalog.pg_publication
          UNION ALL SELECT 'pg_catalog.pg_publication_rel'::pg_catalog.regclass, oid, 'publication member', false, NULL::pg_catalog.oid FROM pg_catalog.pg_publication_rel
          UNION ALL SELECT 'pg_catalog.pg_publication_namespace'::pg_catalog.regclass, oid, 'publication member', false, NULL::pg_catalog.oid FROM pg_catalog.pg_publication_namespace
          UNION ALL SELECT 'pg_catalog.pg_subscription'::pg_catalog.regclass, oid, 'subscription', false, NULL::pg_catalog.oid FROM pg_catalog.pg_subscription WHERE subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
          UNION ALL SELECT 'pg_catalog.pg_largeobject'::pg_catalog.regclass, oid, 'large object', false, lomowner FROM pg_catalog.pg_largeobject_metadata
          UNION ALL SELECT 'pg_catalog.pg_default_acl'::pg_catalog.regclass, oid, 'default privileges', false, NULL::pg_catalog.oid FROM pg_catalog.pg_default_acl
          UNION ALL SELECT 'pg_catalog.pg_extension'::pg_catalog.regclass, oid, 'extension', false, NULL::pg_catalog.oid FROM pg_catalog.pg_extension
          UNION ALL SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 'typed table (OF type)', false, NULL::pg_catalog.oid FROM pg_catalog.pg_class c WHERE c.reloftype <> 0
          -- pg_dump keeps a foreign table column's statistics target, storage and attribute options; the
          -- scripter does not write them yet, so such a table is an item of its own kind: the guard names it
          UNION ALL SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 'foreign table column with a statistics target, storage or options', false, NULL::pg_catalog.oid
            FROM pg_catalog.pg_class c WHERE c.relkind = 'f' AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
              JOIN pg_catalog.pg_type t ON t.oid = a.atttypid WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                AND (coalesce(a.attstattarget::pg_catalog.int4, -1) <> -1 OR a.attstorage <> t.typstorage
                  OR pg_catalog.cardinality(%5$s) > 0))
          UNION ALL SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 'partition whose column order differs from its parent''s', false, NULL::pg_catalog.oid
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_inherits h ON h.inhrelid = c.oid WHERE c.relispartition
              AND ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
               <> ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = h.inhparent AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
          UNION ALL SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 'privileges of an extension member', true, NULL::pg_catalog.oid
            FROM pg_catalog.pg_class c WHERE %1$s AND c.relacl IS DISTINCT FROM (SELECT ip.initprivs FROM pg_catalog.pg_init_privs ip
              WHERE ip.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ip.objoid = c.oid AND ip.objsubid = 0)
          UNION ALL SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, 'privileges of an extension member', true, NULL::pg_catalog.oid
            FROM pg_catalog.pg_proc p WHERE %2$s AND p.proacl IS DISTINCT FROM (SELECT ip.initprivs FROM pg_catalog.pg_init_privs ip
              WHERE ip.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND ip.objoid = p.oid AND ip.objsubid = 0)
          UNION ALL SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, t.oid, 'privileges of an extension member', true, NULL::pg_catalog.oid
            FROM pg_catalog.pg_type t WHERE %3$s AND t.typacl IS DISTINCT FROM (SELECT ip.initprivs FROM pg_catalog.pg_init_privs ip
              WHERE ip.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND ip.objoid = t.oid AND ip.objsubid = 0)
          UNION ALL SELECT classoid, objoid, 'security label', false, NULL::pg_catalog.oid FROM pg_catalog.pg_seclabel
          -- a comment on an object whose comments the catalog does not read
          UNION ALL SELECT classoid, objoid, 'comment on', false, NULL::pg_catalog.oid FROM pg_catalog.pg_description
            WHERE classoid NOT IN ('pg_catalog.pg_namespace'::pg_catalog.regclass, 'pg_catalog.pg_class'::pg_catalog.regclass,
              'pg_catalog.pg_type'::pg_catalog.regclass, 'pg_catalog.pg_proc'::pg_catalog.regclass,
              'pg_catalog.pg_constraint'::pg_catalog.regclass, 'pg_catalog.pg_trigger'::pg_catalog.regclass,
              'pg_catalog.pg_policy'::pg_catalog.regclass, 'pg_catalog.pg_rewrite'::pg_catalog.regclass,
              'pg_catalog.pg_statistic_ext'::pg_catalog.regclass, 'pg_catalog.pg_extension'::pg_catalog.regclass,
              'pg_catalog.pg_collation'::pg_catalog.regclass, 'pg_catalog.pg_cast'::pg_catalog.regclass,
              'pg_catalog.pg_event_trigger'::pg_catalog.regclass, 'pg_catalog.pg_operator'::pg_catalog.regclass,
              'pg_catalog.pg_ts_dict'::pg_catalog.regclass, 'pg_catalog.pg_ts_config'::pg_catalog.regclass,
              'pg_catalog.pg_ts_template'::pg_catalog.regclass, 'pg_catalog.pg_ts_parser'::pg_catalog.regclass,
              'pg_catalog.pg_conversion'::pg_catalog.regclass, %4$s)
        )
        SELECT DISTINCT CASE WHEN o.kind = 'comment on' THEN 'comment on ' || i.type ELSE o.kind END, i.identity,
          pg_catalog.pg_get_userbyid(o.owner)
        FROM objs o CROSS JOIN LATERAL pg_catalog.pg_identify_object(o.classid, o.objid, 0) i
        WHERE o.objid >= 16384
          AND (o.member OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = o.classid AND d.objid = o.objid AND d.deptype IN ('e', 'i')))
          AND (i.schema IS NULL OR (i.schema NOT IN ('pg_catalog', 'information_schema') AND i.schema NOT LIKE 'pg\\_toast%%' AND i.schema NOT LIKE 'pg\\_temp%%'))
          AND NOT (o.kind = 'schema' AND (i.identity LIKE 'pg\\_toast%%' OR i.identity LIKE 'pg\\_temp%%'))
          -- public is every database's, as for pg_dump, even when it was dropped and made again (a
          -- restore into a new instance does that): its owner, comment and grants are read above
          AND NOT (o.kind = 'schema' AND i.identity = 'public')
        ORDER BY 1, 2
        """.formatted(isMember("pg_class", "c.oid"), isMember("pg_proc", "p.oid"),
        isMember("pg_type", "t.oid"), IDENTITY_COMMENTS, USER_ATTOPTIONS);
    List<Catalog.InventoryItem> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(new Catalog.InventoryItem(rs.getString(1), rs.getString(2), rs.getString(3)));
      }
    }
    return out;
  }

  /** Columns differ between majors (colliculocale, colllocale, collicurules): read through jsonb. */
  private static List<Catalog.Collation> collations(Statement st) throws SQLException {
    List<Catalog.Collation> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("""
        SELECT n.nspname, co.collname, j->>'collprovider', j->>'collcollate', j->>'collctype',
          COALESCE(j->>'colllocale', j->>'colliculocale'), j->>'collicurules', co.collisdeterministic
        FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace
        CROSS JOIN LATERAL pg_catalog.to_jsonb(co) j
        WHERE co.oid >= 16384 AND\s""" + USER_SCHEMA + " AND " + notExtensionMember("pg_collation", "co.oid")
        + " ORDER BY 1, 2")) {
      while (rs.next()) {
        List<String> o = new ArrayList<>();
        String provider = switch (rs.getString(3)) {
          case "i" -> "icu";
          case "b" -> "builtin";
          default -> "libc";
        };
        o.add("provider = " + provider);
        if (provider.equals("libc")) {
          if (java.util.Objects.equals(rs.getString(4), rs.getString(5))) {
            o.add("locale = " + SqlIdentifiers.literal(rs.getString(4)));
          } else {
            o.add("lc_collate = " + SqlIdentifiers.literal(rs.getString(4)));
            o.add("lc_ctype = " + SqlIdentifiers.literal(rs.getString(5)));
          }
        } else {
          o.add("locale = " + SqlIdentifiers.literal(rs.getString(6)));
        }
        if (rs.getString(7) != null) {
          o.add("rules = " + SqlIdentifiers.literal(rs.getString(7)));
        }
        if (!rs.getBoolean(8)) {
          o.add("deterministic = false");
        }
        out.add(new Catalog.Collation(rs.getString(1), rs.getString(2), String.join(", ", o)));
      }
    }
    return out;
  }

  private static List<Catalog.Cast> casts(Statement st) throws SQLException {
    List<Catalog.Cast> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("""
        SELECT pg_catalog.format_type(c.castsource, NULL), pg_catalog.format_type(c.casttarget, NULL),
          c.castmethod, c.castcontext, c.castfunc::pg_catalog.regprocedure::text,
          fn.nspname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
          sn.nspname, s.typname, s.typtype, tn.nspname, t.typname, t.typtype
        FROM pg_catalog.pg_cast c
        JOIN pg_catalog.pg_type s ON s.oid = c.castsource JOIN pg_catalog.pg_namespace sn ON sn.oid = s.typnamespace
        JOIN pg_catalog.pg_type t ON t.oid = c.casttarget JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
        LEFT JOIN pg_catalog.pg_proc p ON p.oid = c.castfunc
        LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = p.pronamespace
        WHERE c.oid >= 16384 AND\s""" + notExtensionMember("pg_cast", "c.oid")
        // a range's cast to its multirange belongs to CREATE TYPE
        + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid ="
        + " 'pg_catalog.pg_cast'::pg_catalog.regclass AND i.objid = c.oid AND i.deptype = 'i')"
        + " ORDER BY 1, 2")) {
      while (rs.next()) {
        List<ObjectRef> needs = new ArrayList<>();
        String method = switch (rs.getString(3)) {
          case "i" -> "WITH INOUT";
          case "b" -> "WITHOUT FUNCTION";
          default -> "WITH FUNCTION " + rs.getString(5);
        };
        if ("f".equals(rs.getString(3))) {
          needs.add(new ObjectRef("FUNCTION", rs.getString(6), rs.getString(7)));
        }
        for (int k : new int[] {8, 11}) {
          if (!"b".equals(rs.getString(k + 2)) && !"p".equals(rs.getString(k + 2))) {
            needs.add(new ObjectRef("TYPE", rs.getString(k), rs.getString(k + 1)));
          }
        }
        String context = switch (rs.getString(4)) {
          case "a" -> " AS ASSIGNMENT";
          case "i" -> " AS IMPLICIT";
          default -> "";
        };
        out.add(new Catalog.Cast(rs.getString(1), rs.getString(2), method, context, needs));
      }
    }
    return out;
  }

  private static List<Catalog.EventTrigger> eventTriggers(Statement st) throws SQLException {
    List<Catalog.EventTrigger> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT et.evtname, et.evtevent, et.evttags,"
        + " pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) || '()',"
        + " et.evtenabled FROM pg_catalog.pg_event_trigger et JOIN pg_catalog.pg_proc p ON p.oid = et.evtfoid"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE "
        + notExtensionMember("pg_event_trigger", "et.oid") + " ORDER BY 1")) {
      while (rs.next()) {
        out.add(new Catalog.EventTrigger(rs.getString(1), rs.getString(2), strings(rs.getArray(3)),
            rs.getString(4), rs.getString(5)));
      }
    }
    return out;
  }

  /**
   * {@code pg_default_acl} as differences: a database-wide entry against {@code acldefault} of
   * its role (what pg_dump revokes and grants), a per-schema entry against nothing.
   */
  private static List<Catalog.DefaultPrivilege> defaultPrivileges(Statement st)
      throws SQLException {
    List<Catalog.DefaultPrivilege> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("""
        WITH d AS (
          SELECT d.defaclrole, d.defaclnamespace, d.defaclobjtype, d.defaclacl,
            CASE WHEN d.defaclnamespace = 0 THEN pg_catalog.acldefault(CASE d.defaclobjtype
              WHEN 'S' THEN 's'::"char" ELSE d.defaclobjtype END, d.defaclrole)
              ELSE NULL END AS base
          FROM pg_catalog.pg_default_acl d)
        SELECT pg_catalog.pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype::text, x.revoke,
          x.privilege_type, CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(x.grantee) END,
          x.is_grantable
        FROM d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
        CROSS JOIN LATERAL (
          (SELECT false AS revoke, e.grantee, e.privilege_type, e.is_grantable FROM pg_catalog.aclexplode(d.defaclacl) e
           EXCEPT SELECT false, b.grantee, b.privilege_type, b.is_grantable FROM pg_catalog.aclexplode(d.base) b)
          UNION ALL
          (SELECT true, b.grantee, b.privilege_type, b.is_grantable FROM pg_catalog.aclexplode(d.base) b
           EXCEPT SELECT true, e.grantee, e.privilege_type, e.is_grantable FROM pg_catalog.aclexplode(d.defaclacl) e)
        ) x
        WHERE d.defaclnamespace = 0 OR\s""" + "(" + USER_SCHEMA + ")"
        + " ORDER BY 1, 2 NULLS FIRST, 3, 4 DESC, 6, 5, 7")) {
      while (rs.next()) {
        String type = switch (rs.getString(3)) {
          case "r" -> "TABLES";
          case "S" -> "SEQUENCES";
          case "f" -> "FUNCTIONS";
          case "T" -> "TYPES";
          case "n" -> "SCHEMAS";
          case "L" -> "LARGE OBJECTS";
          default -> throw new SQLException("unknown default ACL object type " + rs.getString(3));
        };
        out.add(new Catalog.DefaultPrivilege(rs.getString(1), rs.getString(2), type,
            rs.getBoolean(4), rs.getString(5), rs.getString(6), rs.getBoolean(7)));
      }
    }
    return out;
  }

  /**
   * Operators, text search dictionaries, configurations, templates and parsers, conversions,
   * base types (with their shells, created before their I/O functions) and shell types as whole
   * statements (one query), like
   * pg_dump composes them. Shell operators (only named as another's commutator or negator) are
   * left out: the operator naming them creates them again.
   */
  private static List<Catalog.Definition> definitions(Statement st) throws SQLException {
    String q = "pg_catalog.quote_ident";
    String proc = "(SELECT %1$s(pn.nspname) || '.' || %1$s(p.proname) FROM pg_catalog.pg_proc p"
        + " JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace WHERE p.oid = %2$s)";
    String procNeed = "(SELECT 'FUNCTION' || E'\\t' || pn.nspname || E'\\t' || p.proname || '('"
        + " || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' FROM pg_catalog.pg_proc p"
        + " JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace WHERE p.oid = %1$s AND p.oid >= 16384)";
    String typeNeed = "(SELECT 'TYPE' || E'\\t' || tn.nspname || E'\\t' || t.typname FROM pg_catalog.pg_type t"
        + " JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace WHERE t.oid = %1$s"
        + " AND t.typtype IN ('e', 'd', 'r', 'c') AND t.oid >= 16384)";
    String oper = "(SELECT 'OPERATOR(' || %1$s(cn.nspname) || '.' || c.oprname || ')' FROM pg_catalog.pg_operator c"
        + " JOIN pg_catalog.pg_namespace cn ON cn.oid = c.oprnamespace WHERE c.oid = %2$s)";
    String sql = """
        SELECT 'OPERATOR', n.nspname, o.oprname || '(' || COALESCE(pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL), 'NONE')
            || ',' || pg_catalog.format_type(o.oprright, NULL) || ')',
          'CREATE OPERATOR ' || %1$s(n.nspname) || '.' || o.oprname || ' (' || pg_catalog.concat_ws(', ',
            'FUNCTION = ' || %2$s,
            CASE WHEN o.oprleft <> 0 THEN 'LEFTARG = ' || pg_catalog.format_type(o.oprleft, NULL) END,
            CASE WHEN o.oprright <> 0 THEN 'RIGHTARG = ' || pg_catalog.format_type(o.oprright, NULL) END,
            CASE WHEN o.oprcom <> 0 THEN 'COMMUTATOR = ' || %3$s END,
            CASE WHEN o.oprnegate <> 0 THEN 'NEGATOR = ' || %4$s END,
            CASE WHEN o.oprrest <> 0 THEN 'RESTRICT = ' || %5$s END,
            CASE WHEN o.oprjoin <> 0 THEN 'JOIN = ' || %6$s END,
            CASE WHEN o.oprcanhash THEN 'HASHES' END,
            CASE WHEN o.oprcanmerge THEN 'MERGES' END) || ');',
          ARRAY[%7$s, %8$s, %9$s, %10$s, %11$s]
        FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
        WHERE o.oid >= 16384 AND o.oprcode <> 0 AND %12$s AND %13$s
        UNION ALL
        SELECT 'TEXT SEARCH DICTIONARY', n.nspname, d.dictname,
          'CREATE TEXT SEARCH DICTIONARY ' || %1$s(n.nspname) || '.' || %1$s(d.dictname) || ' (TEMPLATE = '
            || %1$s(tn.nspname) || '.' || %1$s(t.tmplname) || COALESCE(', ' || d.dictinitoption, '') || ');',
          ARRAY[CASE WHEN t.oid >= 16384 THEN 'TEXT SEARCH TEMPLATE' || E'\\t' || tn.nspname || E'\\t' || t.tmplname END]
        FROM pg_catalog.pg_ts_dict d JOIN pg_catalog.pg_namespace n ON n.oid = d.dictnamespace
        JOIN pg_catalog.pg_ts_template t ON t.oid = d.dicttemplate JOIN pg_catalog.pg_namespace tn ON tn.oid = t.tmplnamespace
        WHERE d.oid >= 16384 AND %12$s AND %14$s
        UNION ALL
        SELECT 'TEXT SEARCH CONFIGURATION', n.nspname, c.cfgname,
          'CREATE TEXT SEARCH CONFIGURATION ' || %1$s(n.nspname) || '.' || %1$s(c.cfgname) || ' (PARSER = '
            || %1$s(pn.nspname) || '.' || %1$s(p.prsname) || ');' || COALESCE((SELECT pg_catalog.string_agg(E'\n'
              || 'ALTER TEXT SEARCH CONFIGURATION ' || %1$s(n.nspname) || '.' || %1$s(c.cfgname) || ' ADD MAPPING FOR '
              || m.alias || ' WITH ' || m.dicts || ';', '' ORDER BY m.tokid)
            FROM (SELECT tt.tokid, tt.alias, pg_catalog.string_agg(cm.mapdict::pg_catalog.regdictionary::text, ', ' ORDER BY cm.mapseqno) AS dicts
              FROM pg_catalog.pg_ts_config_map cm JOIN pg_catalog.ts_token_type(c.cfgparser) tt ON tt.tokid = cm.maptokentype
              WHERE cm.mapcfg = c.oid GROUP BY tt.tokid, tt.alias) m), ''),
          ARRAY(SELECT 'TEXT SEARCH DICTIONARY' || E'\\t' || dn.nspname || E'\\t' || d.dictname FROM pg_catalog.pg_ts_config_map cm
              JOIN pg_catalog.pg_ts_dict d ON d.oid = cm.mapdict JOIN pg_catalog.pg_namespace dn ON dn.oid = d.dictnamespace
              WHERE cm.mapcfg = c.oid AND d.oid >= 16384
            UNION SELECT 'TEXT SEARCH PARSER' || E'\\t' || pn.nspname || E'\\t' || p.prsname WHERE p.oid >= 16384)
        FROM pg_catalog.pg_ts_config c JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
        JOIN pg_catalog.pg_ts_parser p ON p.oid = c.cfgparser JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace
        WHERE c.oid >= 16384 AND %12$s AND %15$s
        UNION ALL
        SELECT 'TEXT SEARCH TEMPLATE', n.nspname, t.tmplname,
          'CREATE TEXT SEARCH TEMPLATE ' || %1$s(n.nspname) || '.' || %1$s(t.tmplname) || ' ('
            || pg_catalog.concat_ws(', ', CASE WHEN t.tmplinit <> 0 THEN 'INIT = ' || %16$s END,
               'LEXIZE = ' || %17$s) || ');',
          ARRAY[%18$s, %19$s]
        FROM pg_catalog.pg_ts_template t JOIN pg_catalog.pg_namespace n ON n.oid = t.tmplnamespace
        WHERE t.oid >= 16384 AND %12$s AND %20$s
        UNION ALL
        SELECT 'TEXT SEARCH PARSER', n.nspname, pr.prsname,
          'CREATE TEXT SEARCH PARSER ' || %1$s(n.nspname) || '.' || %1$s(pr.prsname) || ' ('
            || pg_catalog.concat_ws(', ', 'START = ' || %21$s, 'GETTOKEN = ' || %22$s, 'END = ' || %23$s,
               CASE WHEN pr.prsheadline <> 0 THEN 'HEADLINE = ' || %24$s END, 'LEXTYPES = ' || %25$s) || ');',
          ARRAY[%26$s, %27$s, %28$s, %29$s, %30$s]
        FROM pg_catalog.pg_ts_parser pr JOIN pg_catalog.pg_namespace n ON n.oid = pr.prsnamespace
        WHERE pr.oid >= 16384 AND %12$s AND %31$s
        UNION ALL
        SELECT 'CONVERSION', n.nspname, c.conname,
          'CREATE ' || CASE WHEN c.condefault THEN 'DEFAULT ' ELSE '' END || 'CONVERSION ' || %1$s(n.nspname) || '.'
            || %1$s(c.conname) || ' FOR ' || pg_catalog.quote_literal(pg_catalog.pg_encoding_to_char(c.conforencoding))
            || ' TO ' || pg_catalog.quote_literal(pg_catalog.pg_encoding_to_char(c.contoencoding)) || ' FROM ' || %32$s || ';',
          ARRAY[%33$s]
        FROM pg_catalog.pg_conversion c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace
        WHERE c.oid >= 16384 AND %12$s AND %34$s
        UNION ALL
        SELECT 'BASE TYPE', n.nspname, t.typname,
          'CREATE TYPE ' || %1$s(n.nspname) || '.' || %1$s(t.typname) || ' (' || pg_catalog.concat_ws(E',\n    ',
            'INPUT = ' || %35$s, 'OUTPUT = ' || %36$s,
            CASE WHEN t.typreceive <> 0 THEN 'RECEIVE = ' || %37$s END,
            CASE WHEN t.typsend <> 0 THEN 'SEND = ' || %38$s END,
            CASE WHEN t.typmodin <> 0 THEN 'TYPMOD_IN = ' || %39$s END,
            CASE WHEN t.typmodout <> 0 THEN 'TYPMOD_OUT = ' || %40$s END,
            CASE WHEN t.typanalyze <> 0 THEN 'ANALYZE = ' || %41$s END,
            CASE WHEN t.typsubscript <> 0 THEN 'SUBSCRIPT = ' || %42$s END,
            'INTERNALLENGTH = ' || CASE WHEN t.typlen = -1 THEN 'variable' ELSE t.typlen::text END,
            CASE WHEN t.typbyval THEN 'PASSEDBYVALUE' END,
            'ALIGNMENT = ' || CASE t.typalign WHEN 'c' THEN 'char' WHEN 's' THEN 'int2' WHEN 'i' THEN 'int4' ELSE 'double' END,
            'STORAGE = ' || CASE t.typstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' ELSE 'extended' END,
            CASE WHEN t.typcategory <> 'U' THEN 'CATEGORY = ' || pg_catalog.quote_literal(t.typcategory::text) END,
            CASE WHEN t.typispreferred THEN 'PREFERRED = true' END,
            CASE WHEN t.typdefault IS NOT NULL THEN 'DEFAULT = ' || pg_catalog.quote_literal(t.typdefault) END,
            CASE WHEN t.typelem <> 0 THEN 'ELEMENT = ' || pg_catalog.format_type(t.typelem, NULL) END,
            CASE WHEN t.typdelim <> ',' THEN 'DELIMITER = ' || pg_catalog.quote_literal(t.typdelim::text) END,
            CASE WHEN t.typcollation <> 0 THEN 'COLLATABLE = true' END) || E'\n);',
          ARRAY['SHELL TYPE' || E'\\t' || n.nspname || E'\\t' || t.typname, %43$s, %44$s, %45$s, %46$s, %47$s, %48$s, %49$s, %50$s]
        FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype = 'b' AND t.typisdefined AND t.oid >= 16384 AND %12$s AND %51$s
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid)
        UNION ALL
        -- a base type's shell, created before its I/O functions; or a shell type of its own
        SELECT 'SHELL TYPE', n.nspname, t.typname, 'CREATE TYPE ' || %1$s(n.nspname) || '.' || %1$s(t.typname) || ';',
          ARRAY[]::text[]
        FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE ((t.typtype = 'b' AND t.typisdefined AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid))
            OR (t.typtype = 'p' AND NOT t.typisdefined)) AND t.oid >= 16384 AND %12$s AND %51$s
        """.formatted(q, proc.formatted(q, "o.oprcode"), oper.formatted(q, "o.oprcom"),
        oper.formatted(q, "o.oprnegate"), proc.formatted(q, "o.oprrest"),
        proc.formatted(q, "o.oprjoin"), procNeed.formatted("o.oprcode"),
        procNeed.formatted("o.oprrest"), procNeed.formatted("o.oprjoin"),
        typeNeed.formatted("o.oprleft"), typeNeed.formatted("o.oprright"), USER_SCHEMA,
        notExtensionMember("pg_operator", "o.oid"), notExtensionMember("pg_ts_dict", "d.oid"),
        notExtensionMember("pg_ts_config", "c.oid"),
        proc.formatted(q, "t.tmplinit"), proc.formatted(q, "t.tmpllexize"),
        procNeed.formatted("t.tmplinit"), procNeed.formatted("t.tmpllexize"),
        notExtensionMember("pg_ts_template", "t.oid"),
        proc.formatted(q, "pr.prsstart"), proc.formatted(q, "pr.prstoken"),
        proc.formatted(q, "pr.prsend"), proc.formatted(q, "pr.prsheadline"),
        proc.formatted(q, "pr.prslextype"), procNeed.formatted("pr.prsstart"),
        procNeed.formatted("pr.prstoken"), procNeed.formatted("pr.prsend"),
        procNeed.formatted("pr.prsheadline"), procNeed.formatted("pr.prslextype"),
        notExtensionMember("pg_ts_parser", "pr.oid"),
        proc.formatted(q, "c.conproc"), procNeed.formatted("c.conproc"),
        notExtensionMember("pg_conversion", "c.oid"),
        proc.formatted(q, "t.typinput"), proc.formatted(q, "t.typoutput"),
        proc.formatted(q, "t.typreceive"), proc.formatted(q, "t.typsend"),
        proc.formatted(q, "t.typmodin"), proc.formatted(q, "t.typmodout"),
        proc.formatted(q, "t.typanalyze"), proc.formatted(q, "t.typsubscript"),
        procNeed.formatted("t.typinput"), procNeed.formatted("t.typoutput"),
        procNeed.formatted("t.typreceive"), procNeed.formatted("t.typsend"),
        procNeed.formatted("t.typmodin"), procNeed.formatted("t.typmodout"),
        procNeed.formatted("t.typanalyze"), procNeed.formatted("t.typsubscript"),
        notExtensionMember("pg_type", "t.oid"));
    sql = "WITH keys AS (" + OBJECT_KEYS + "), " + MEMBERS_AND_DEFS + sql + """
        UNION ALL
        -- needs from pg_depend: the object's own, and those of its operator class or family members
        SELECT d.kind, d.schema, d.name, d.sql,
          ARRAY(SELECT DISTINCT k.kind || E'\t' || k.schema || E'\t' || k.name FROM pg_catalog.pg_depend p
            JOIN keys k ON k.classid = p.refclassid AND k.objid = p.refobjid
            WHERE p.deptype IN ('n', 'a') AND k.objid >= 16384 AND NOT (k.classid = d.classid AND k.objid = d.objid)
              AND ((p.classid = d.classid AND p.objid = d.objid) OR EXISTS (SELECT 1 FROM members m
                WHERE m.refclassid = d.classid AND m.refobjid = d.objid AND m.classid = p.classid AND m.objid = p.objid)))
        FROM defs d WHERE d.objid >= 16384
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = d.classid AND e.objid = d.objid AND e.deptype = 'e')
        ORDER BY 1, 2, 3
        """;
    List<Catalog.Definition> out = new ArrayList<>();
    memberPrivileges(st, out);
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        List<ObjectRef> needs = new ArrayList<>();
        for (String n : strings(rs.getArray(5))) {
          String[] p = n.split("\t", 3);
          needs.add(new ObjectRef(p[0], p[1], p[2]));
        }
        out.add(new Catalog.Definition(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getString(4), needs));
      }
    }
    return out;
  }

  /**
   * Privileges changed on extension members after {@code CREATE EXTENSION} (their ACL differs from
   * {@code pg_init_privs}), as pg_dump writes them: the revokes and grants that turn the
   * extension's initial privileges into the current ones, after the extension exists. The owner's
   * entries are the restoring role's ({@code CURRENT_USER}); grants to other roles run only where
   * the role exists, like every other grant of a backup.
   */
  private static void memberPrivileges(Statement st, List<Catalog.Definition> out)
      throws SQLException {
    String sql = """
        WITH m AS (
          SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS otype, n.nspname AS sch,
            pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS target, c.relowner AS owner,
            COALESCE(c.relacl, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)) AS acl,
            COALESCE(ip.initprivs, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)) AS base
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_catalog.pg_init_privs ip ON ip.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ip.objoid = c.oid AND ip.objsubid = 0
          WHERE %1$s AND c.relacl IS DISTINCT FROM ip.initprivs
          UNION ALL
          SELECT CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, n.nspname,
            pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
            p.proowner, COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner)), COALESCE(ip.initprivs, pg_catalog.acldefault('f', p.proowner))
          FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
          LEFT JOIN pg_catalog.pg_init_privs ip ON ip.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND ip.objoid = p.oid AND ip.objsubid = 0
          WHERE %2$s AND p.proacl IS DISTINCT FROM ip.initprivs
          UNION ALL
          SELECT 'TYPE', n.nspname, pg_catalog.format_type(t.oid, NULL), t.typowner,
            COALESCE(t.typacl, pg_catalog.acldefault('T', t.typowner)), COALESCE(ip.initprivs, pg_catalog.acldefault('T', t.typowner))
          FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
          LEFT JOIN pg_catalog.pg_init_privs ip ON ip.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND ip.objoid = t.oid AND ip.objsubid = 0
          WHERE %3$s AND t.typacl IS DISTINCT FROM ip.initprivs
        )
        SELECT m.otype, m.sch, m.target, x.revoke, x.privilege_type,
          CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(x.grantee) END, x.is_grantable, x.grantee = m.owner
        FROM m CROSS JOIN LATERAL (
          (SELECT true AS revoke, b.grantee, b.privilege_type, b.is_grantable FROM pg_catalog.aclexplode(m.base) b
           EXCEPT SELECT true, e.grantee, e.privilege_type, e.is_grantable FROM pg_catalog.aclexplode(m.acl) e)
          UNION ALL
          (SELECT false, e.grantee, e.privilege_type, e.is_grantable FROM pg_catalog.aclexplode(m.acl) e
           EXCEPT SELECT false, b.grantee, b.privilege_type, b.is_grantable FROM pg_catalog.aclexplode(m.base) b)
        ) x
        ORDER BY 1, 2, 3, 4 DESC, 6, 5
        """.formatted(isMember("pg_class", "c.oid"), isMember("pg_proc", "p.oid"),
        isMember("pg_type", "t.oid"));
    Map<String, StringBuilder> byObject = new java.util.LinkedHashMap<>();
    Map<String, String> schemaOf = new HashMap<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        String on = " ON " + rs.getString(1) + " " + rs.getString(3);
        String grantee = rs.getString(6);
        String role = rs.getBoolean(8) ? "CURRENT_USER" : grantee.equals("PUBLIC") ? "PUBLIC"
            : SqlIdentifiers.quote(grantee);
        StringBuilder sb = byObject.computeIfAbsent(on.substring(4), k -> new StringBuilder());
        schemaOf.put(on.substring(4), rs.getString(2));
        String stmt = rs.getBoolean(4) ? "REVOKE " + rs.getString(5) + on + " FROM " + role + ";"
            : "GRANT " + rs.getString(5) + on + " TO " + role
                + (rs.getBoolean(7) ? " WITH GRANT OPTION" : "") + ";";
        if (!rs.getBoolean(4) && !role.equals("PUBLIC") && !role.equals("CURRENT_USER")) {
          String tag = "$acl$";
          for (int k = 1; stmt.contains(tag); k++) {
            tag = "$acl" + k + "$";
          }
          stmt = "DO " + tag + " BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = "
              + SqlIdentifiers.literal(grantee) + ") THEN " + stmt + " END IF; END " + tag + ";";
        }
        sb.append(sb.length() == 0 ? "" : "\n").append(stmt);
      }
    }
    byObject.forEach((k, v) -> out.add(new Catalog.Definition("EXTENSION MEMBER ACL",
        schemaOf.get(k), k, v.toString(), List.of())));
  }

  private static List<Catalog.Publication> publications(Statement st) throws SQLException {
    Map<String, List<String>> members = new HashMap<>();
    try (ResultSet rs = st.executeQuery("""
        SELECT p.pubname, 'TABLE ONLY ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
          || CASE WHEN r.prattrs IS NULL THEN '' ELSE ' (' || (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum)
               FROM pg_catalog.pg_attribute a WHERE a.attrelid = r.prrelid AND a.attnum = ANY (r.prattrs::pg_catalog.int2[])) || ')' END
          || CASE WHEN r.prqual IS NULL THEN '' ELSE ' WHERE (' || pg_catalog.pg_get_expr(r.prqual, r.prrelid) || ')' END
        FROM pg_catalog.pg_publication_rel r JOIN pg_catalog.pg_publication p ON p.oid = r.prpubid
        JOIN pg_catalog.pg_class c ON c.oid = r.prrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        UNION ALL
        SELECT p.pubname, 'TABLES IN SCHEMA ' || pg_catalog.quote_ident(n.nspname)
        FROM pg_catalog.pg_publication_namespace pn JOIN pg_catalog.pg_publication p ON p.oid = pn.pnpubid
        JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid
        ORDER BY 1, 2""")) {
      while (rs.next()) {
        members.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
      }
    }
    List<Catalog.Publication> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT p.pubname, p.puballtables, pg_catalog.concat_ws(', ',"
        + " CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,"
        + " CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END),"
        + " p.pubviaroot FROM pg_catalog.pg_publication p WHERE "
        + notExtensionMember("pg_publication", "p.oid") + " ORDER BY 1")) {
      while (rs.next()) {
        out.add(new Catalog.Publication(rs.getString(1), rs.getBoolean(2), rs.getString(3),
            rs.getBoolean(4), members.getOrDefault(rs.getString(1), List.of())));
      }
    }
    return out;
  }

  private static String isMember(String catalog, String oid) {
    return "EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog." + catalog
        + "'::pg_catalog.regclass AND e.objid = " + oid + " AND e.deptype = 'e')";
  }

  private static List<Grant> grants(Statement st) throws SQLException {
    String qn = "pg_catalog.quote_ident(n.nspname)";
    String sql = "WITH acls AS ("
        + "SELECT 'SCHEMA' AS otype, n.nspname AS sch, n.nspname AS oname, " + qn + " AS target,"
        + " NULL::text AS col, n.nspacl AS acl, n.nspowner AS owner FROM pg_catalog.pg_namespace n"
        + " WHERE n.nspacl IS NOT NULL AND " + USER_SCHEMA + " AND "
        + notExtensionMember("pg_namespace", "n.oid")
        + " UNION ALL SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, n.nspname,"
        + " c.relname, " + qn + " || '.' || pg_catalog.quote_ident(c.relname), NULL, c.relacl,"
        + " c.relowner FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
        + " ON n.oid = c.relnamespace WHERE c.relacl IS NOT NULL"
        + " AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND " + USER_SCHEMA + " AND "
        + notExtensionMember("pg_class", "c.oid")
        + " UNION ALL SELECT 'TABLE', n.nspname, c.relname, " + qn
        + " || '.' || pg_catalog.quote_ident(c.relname), a.attname, a.attacl, c.relowner"
        + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE a.attacl IS NOT NULL"
        + " AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND "
        + USER_SCHEMA + " AND " + notExtensionMember("pg_class", "c.oid")
        + " UNION ALL SELECT CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,"
        + " n.nspname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid)"
        + " || ')', " + qn + " || '.' || pg_catalog.quote_ident(p.proname) || '('"
        + " || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', NULL, p.proacl,"
        + " p.proowner FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n"
        + " ON n.oid = p.pronamespace WHERE p.proacl IS NOT NULL AND " + USER_SCHEMA + " AND "
        + notExtensionMember("pg_proc", "p.oid")
        + " UNION ALL SELECT 'TYPE', n.nspname, t.typname, pg_catalog.format_type(t.oid, NULL),"
        + " NULL, t.typacl, t.typowner FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n"
        + " ON n.oid = t.typnamespace WHERE t.typacl IS NOT NULL AND (t.typtype IN ('b', 'd', 'e', 'r')"
        + " OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_catalog.pg_class tc"
        + " WHERE tc.oid = t.typrelid AND tc.relkind = 'c'))) AND " + USER_SCHEMA + " AND "
        + notExtensionMember("pg_type", "t.oid")
        + " UNION ALL SELECT 'LANGUAGE', NULL, l.lanname, pg_catalog.quote_ident(l.lanname), NULL,"
        + " l.lanacl, l.lanowner FROM pg_catalog.pg_language l WHERE l.lanacl IS NOT NULL AND l.oid >= 16384"
        + " AND " + notExtensionMember("pg_language", "l.oid")
        + " UNION ALL SELECT 'FOREIGN DATA WRAPPER', NULL, w.fdwname, pg_catalog.quote_ident(w.fdwname), NULL,"
        + " w.fdwacl, w.fdwowner FROM pg_catalog.pg_foreign_data_wrapper w WHERE w.fdwacl IS NOT NULL"
        + " AND " + notExtensionMember("pg_foreign_data_wrapper", "w.oid")
        + " UNION ALL SELECT 'FOREIGN SERVER', NULL, s.srvname, pg_catalog.quote_ident(s.srvname), NULL,"
        + " s.srvacl, s.srvowner FROM pg_catalog.pg_foreign_server s WHERE s.srvacl IS NOT NULL"
        + " AND " + notExtensionMember("pg_foreign_server", "s.oid")
        + " UNION ALL SELECT 'LARGE OBJECT', NULL, m.oid::text, m.oid::text, NULL, m.lomacl, m.lomowner"
        + " FROM pg_catalog.pg_largeobject_metadata m WHERE m.lomacl IS NOT NULL"
        + ") SELECT a.otype, a.sch, a.oname, a.target, a.col, e.privilege_type,"
        + " CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(e.grantee) END,"
        + " e.is_grantable, e.grantee = a.owner"
        + " FROM acls a CROSS JOIN LATERAL pg_catalog.aclexplode(a.acl) e"
        + " ORDER BY 1, 2, 3, 5 NULLS FIRST, 7, 6";
    List<Grant> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(new Grant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getString(6), rs.getString(7), rs.getBoolean(8),
            rs.getBoolean(9)));
      }
    }
    return out;
  }

  private static String storage(String code) {
    if (code == null) {
      return null;
    }
    return switch (code) {
      case "p" -> "PLAIN";
      case "e" -> "EXTERNAL";
      case "m" -> "MAIN";
      default -> "EXTENDED";
    };
  }

  private static void exec(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
    }
  }

  private static List<Schema> schemas(Statement st) throws SQLException {
    List<Schema> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) "
        + "FROM pg_catalog.pg_namespace n WHERE " + USER_SCHEMA + " AND "
        + notExtensionMember("pg_namespace", "n.oid") + " ORDER BY 1")) {
      while (rs.next()) {
        out.add(new Schema(rs.getString(1), rs.getString(2)));
      }
    }
    return out;
  }

  /**
   * The extensions, each with its configuration tables and sequences (one row per relation, one
   * with NULLs for an extension without): {@code seqState} holds the sequences' values.
   */
  private static List<Extension> extensions(Statement st, Map<Long, long[]> seqState) throws SQLException {
    Map<String, Extension> out = new LinkedHashMap<>();
    Map<String, List<Catalog.ConfigTable>> tables = new HashMap<>();
    Map<String, List<Catalog.ConfigSequence>> sequences = new HashMap<>();
    try (ResultSet rs = st.executeQuery("""
        SELECT x.extname, n.nspname, x.extversion, c.oid, cn.nspname, c.relname, c.relkind, cfg.cond,
          (SELECT pg_catalog.array_agg(a.attname ORDER BY a.attnum) FROM pg_catalog.pg_attribute a
            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '')
        FROM pg_catalog.pg_extension x
        JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace
        LEFT JOIN LATERAL %s ON true
        LEFT JOIN pg_catalog.pg_class c ON c.oid = cfg.oid
        LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
        WHERE x.extname <> 'plpgsql' ORDER BY 1, 5, 6""".formatted(EXTENSION_CONFIG))) {
      while (rs.next()) {
        String name = rs.getString(1);
        out.putIfAbsent(name, new Extension(name, rs.getString(2), rs.getString(3)));
        String kind = rs.getString(7);
        if ("r".equals(kind)) {
          String cond = rs.getString(8);
          java.sql.Array cols = rs.getArray(9);
          tables.computeIfAbsent(name, k -> new ArrayList<>()).add(new Catalog.ConfigTable(rs.getString(5),
              rs.getString(6), cols == null ? List.of() : List.of((String[]) cols.getArray()),
              cond == null || cond.isBlank() ? null : cond));
        } else if ("S".equals(kind)) {
          long[] v = seqState.get(rs.getLong(4));
          if (v != null) {
            sequences.computeIfAbsent(name, k -> new ArrayList<>()).add(new Catalog.ConfigSequence(
                rs.getString(5), rs.getString(6), v[0], v[1] == 1));
          }
        }
      }
    }
    return out.values().stream().map(x -> new Extension(x.name(), x.schema(), x.version(),
        tables.getOrDefault(x.name(), List.of()), sequences.getOrDefault(x.name(), List.of()))).toList();
  }

  private static List<Type> types(Statement st) throws SQLException {
    Map<Long, List<NamedDef>> checks = new HashMap<>();
    try (ResultSet rs = st.executeQuery("SELECT co.contypid, co.conname, pg_catalog.pg_get_constraintdef(co.oid) "
        + "FROM pg_catalog.pg_constraint co WHERE co.contypid <> 0 AND co.contype = 'c' ORDER BY co.contypid, co.conname")) {
      while (rs.next()) {
        checks.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new NamedDef(rs.getString(2), rs.getString(3)));
      }
    }
    Map<Long, List<NamedDef>> attrs = new HashMap<>();
    try (ResultSet rs = st.executeQuery("SELECT t.oid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)"
        + " || CASE WHEN a.attcollation <> at.typcollation AND a.attcollation <> 0 THEN ' COLLATE '"
        + " || pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) ELSE '' END "
        + "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_class cl ON cl.oid = t.typrelid AND cl.relkind = 'c' "
        + "JOIN pg_catalog.pg_attribute a ON a.attrelid = cl.oid AND a.attnum > 0 AND NOT a.attisdropped "
        + "JOIN pg_catalog.pg_type at ON at.oid = a.atttypid "
        + "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
        + "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace ORDER BY t.oid, a.attnum")) {
      while (rs.next()) {
        attrs.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new NamedDef(rs.getString(2), rs.getString(3)));
      }
    }
    List<Type> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("""
        SELECT t.oid, n.nspname, t.typname, t.typtype,
          CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e
               WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END,
          CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod)
               WHEN t.typtype = 'r' THEN pg_catalog.format_type(r.rngsubtype, NULL) END,
          t.typnotnull, pg_catalog.pg_get_expr(t.typdefaultbin, 0),
          CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation AND t.typcollation <> 0
                 THEN pg_catalog.quote_ident(dcn.nspname) || '.' || pg_catalog.quote_ident(dco.collname)
               WHEN t.typtype = 'r' AND r.rngcollation <> 0 AND r.rngcollation <> st.typcollation
                 THEN pg_catalog.quote_ident(rcn.nspname) || '.' || pg_catalog.quote_ident(rco.collname) END,
          CASE WHEN t.typtype = 'r' THEN ARRAY_REMOVE(ARRAY[
            CASE WHEN NOT opc.opcdefault THEN 'subtype_opclass = ' || pg_catalog.quote_ident(opn.nspname) || '.' || pg_catalog.quote_ident(opc.opcname) END,
            CASE WHEN r.rngcanonical <> 0 THEN 'canonical = ' || pg_catalog.quote_ident(cpn.nspname) || '.' || pg_catalog.quote_ident(cp.proname) END,
            CASE WHEN r.rngsubdiff <> 0 THEN 'subtype_diff = ' || pg_catalog.quote_ident(dpn.nspname) || '.' || pg_catalog.quote_ident(dp.proname) END,
            'multirange_type_name = ' || pg_catalog.quote_ident(mn.nspname) || '.' || pg_catalog.quote_ident(mt.typname)
          ], NULL) END
        FROM pg_catalog.pg_type t
        JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        LEFT JOIN pg_catalog.pg_class cl ON cl.oid = t.typrelid
        LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
        LEFT JOIN pg_catalog.pg_collation dco ON dco.oid = t.typcollation
        LEFT JOIN pg_catalog.pg_namespace dcn ON dcn.oid = dco.collnamespace
        LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid
        LEFT JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
        LEFT JOIN pg_catalog.pg_collation rco ON rco.oid = r.rngcollation
        LEFT JOIN pg_catalog.pg_namespace rcn ON rcn.oid = rco.collnamespace
        LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = r.rngsubopc
        LEFT JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace
        LEFT JOIN pg_catalog.pg_proc cp ON cp.oid = r.rngcanonical
        LEFT JOIN pg_catalog.pg_namespace cpn ON cpn.oid = cp.pronamespace
        LEFT JOIN pg_catalog.pg_proc dp ON dp.oid = r.rngsubdiff
        LEFT JOIN pg_catalog.pg_namespace dpn ON dpn.oid = dp.pronamespace
        LEFT JOIN pg_catalog.pg_type mt ON mt.oid = r.rngmultitypid
        LEFT JOIN pg_catalog.pg_namespace mn ON mn.oid = mt.typnamespace
        WHERE (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND cl.relkind = 'c'))
          AND\s""" + USER_SCHEMA + " AND " + notExtensionMember("pg_type", "t.oid") + " ORDER BY 2, 3")) {
      while (rs.next()) {
        long oid = rs.getLong(1);
        String kind = switch (rs.getString(4)) {
          case "e" -> "enum";
          case "d" -> "domain";
          case "r" -> "range";
          default -> "composite";
        };
        out.add(new Type(rs.getString(2), rs.getString(3), kind, strings(rs.getArray(5)), rs.getString(6),
            rs.getBoolean(7), rs.getString(8), rs.getString(9), checks.getOrDefault(oid, List.of()),
            attrs.getOrDefault(oid, List.of()), strings(rs.getArray(10))));
      }
    }
    return out;
  }

  private static List<Function> functions(Statement st) throws SQLException {
    List<Function> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("""
        SELECT n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid), p.prokind,
          CASE WHEN p.prokind <> 'a' THEN pg_catalog.pg_get_functiondef(p.oid) END,
          pg_catalog.pg_get_function_arguments(p.oid),
          (SELECT pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.proname)
             FROM pg_catalog.pg_proc f JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = a.aggtransfn),
          pg_catalog.format_type(a.aggtranstype, NULL),
          (SELECT pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.proname)
             FROM pg_catalog.pg_proc f JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = a.aggfinalfn),
          a.agginitval,
          (SELECT pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.proname)
             FROM pg_catalog.pg_proc f JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = a.aggcombinefn),
          (SELECT 'OPERATOR(' || pg_catalog.quote_ident(on_.nspname) || '.' || o.oprname || ')'
             FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace on_ ON on_.oid = o.oprnamespace WHERE o.oid = a.aggsortop),
          a.aggfinalextra, a.aggkind, p.pronargs,
          NULLIF(a.aggmtransfn, 0)::pg_catalog.regproc::text, NULLIF(a.aggminvtransfn, 0)::pg_catalog.regproc::text,
          CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END, a.aggminitval,
          NULLIF(a.aggmfinalfn, 0)::pg_catalog.regproc::text, a.aggmfinalextra, a.aggfinalmodify, a.aggmfinalmodify,
          p.proparallel, NULLIF(a.aggserialfn, 0)::pg_catalog.regproc::text,
          NULLIF(a.aggdeserialfn, 0)::pg_catalog.regproc::text, a.aggtransspace, a.aggmtransspace
        FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        LEFT JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid
        WHERE\s""" + USER_SCHEMA + " AND " + notExtensionMember("pg_proc", "p.oid")
        // range and multirange constructors belong to their type: CREATE TYPE makes them
        + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
        + " AND i.objid = p.oid AND i.deptype = 'i') ORDER BY 1, 2, 3")) {
      while (rs.next()) {
        String kind = rs.getString(4);
        String def = rs.getString(5);
        if ("a".equals(kind)) {
          // a zero-argument aggregate is agg(*), not agg()
          String args = rs.getInt(15) == 0 ? "*" : rs.getString(6);
          StringBuilder sb = new StringBuilder("CREATE AGGREGATE ")
              .append(SqlIdentifiers.qualified(rs.getString(1), rs.getString(2)))
              .append('(').append(args).append(") (\n    SFUNC = ").append(rs.getString(7))
              .append(",\n    STYPE = ").append(rs.getString(8));
          if (rs.getString(9) != null) {
            sb.append(",\n    FINALFUNC = ").append(rs.getString(9));
            if (rs.getBoolean(13)) {
              sb.append(",\n    FINALFUNC_EXTRA");
            }
          }
          if (rs.getString(10) != null) {
            sb.append(",\n    INITCOND = ").append(SqlIdentifiers.literal(rs.getString(10)));
          }
          if (rs.getString(11) != null) {
            sb.append(",\n    COMBINEFUNC = ").append(rs.getString(11));
          }
          if (rs.getString(12) != null) {
            sb.append(",\n    SORTOP = ").append(rs.getString(12));
          }
          aggregateOptions(rs, sb);
          def = sb.append("\n)").toString();
        } else {
          def = def.strip();
        }
        out.add(new Function(rs.getString(1), rs.getString(2), rs.getString(3), kind, def));
      }
    }
    return out;
  }

  /** The options of CREATE AGGREGATE beyond the plain state function, from {@link #functions}. */
  private static void aggregateOptions(ResultSet rs, StringBuilder sb) throws SQLException {
    boolean orderedSet = !"n".equals(rs.getString(14));
    String modifyDefault = orderedSet ? "w" : "r";
    if (rs.getString(9) != null && !modifyDefault.equals(rs.getString(22))) {
      sb.append(",\n    FINALFUNC_MODIFY = ").append(modify(rs.getString(22)));
    }
    if (rs.getString(25) != null) {
      sb.append(",\n    SERIALFUNC = ").append(rs.getString(25));
    }
    if (rs.getString(26) != null) {
      sb.append(",\n    DESERIALFUNC = ").append(rs.getString(26));
    }
    if (rs.getInt(27) != 0) {
      sb.append(",\n    SSPACE = ").append(rs.getInt(27));
    }
    if (rs.getString(16) != null) {
      sb.append(",\n    MSFUNC = ").append(rs.getString(16))
          .append(",\n    MINVFUNC = ").append(rs.getString(17))
          .append(",\n    MSTYPE = ").append(rs.getString(18));
      if (rs.getInt(28) != 0) {
        sb.append(",\n    MSSPACE = ").append(rs.getInt(28));
      }
      if (rs.getString(20) != null) {
        sb.append(",\n    MFINALFUNC = ").append(rs.getString(20));
        if (rs.getBoolean(21)) {
          sb.append(",\n    MFINALFUNC_EXTRA");
        }
        if (!modifyDefault.equals(rs.getString(23))) {
          sb.append(",\n    MFINALFUNC_MODIFY = ").append(modify(rs.getString(23)));
        }
      }
      if (rs.getString(19) != null) {
        sb.append(",\n    MINITCOND = ").append(SqlIdentifiers.literal(rs.getString(19)));
      }
    }
    switch (rs.getString(24)) {
      case "s" -> sb.append(",\n    PARALLEL = SAFE");
      case "r" -> sb.append(",\n    PARALLEL = RESTRICTED");
      default -> { }
    }
    if ("h".equals(rs.getString(14))) {
      sb.append(",\n    HYPOTHETICAL");
    }
  }

  private static String modify(String code) {
    return switch (code) {
      case "s" -> "SHAREABLE";
      case "w" -> "READ_WRITE";
      default -> "READ_ONLY";
    };
  }

  /** Reads last_value and is_called of every sequence in one UNION ALL query. */
  private static Map<Long, long[]> sequenceState(Connection c) throws SQLException {
    List<String> parts = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c "
            + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND ("
            + USER_SCHEMA + " AND " + notExtensionMember("pg_class", "c.oid")
            // an extension's configuration sequences: their values are the user's
            + " OR c.oid IN (SELECT pg_catalog.unnest(x.extconfig) FROM pg_catalog.pg_extension x))")) {
      while (rs.next()) {
        parts.add("SELECT " + rs.getLong(1) + "::bigint, last_value, is_called FROM "
            + SqlIdentifiers.qualified(rs.getString(2), rs.getString(3)));
      }
    }
    Map<Long, long[]> out = new HashMap<>();
    if (parts.isEmpty()) {
      // Still one statement, so that the number of catalog queries is fixed.
      parts.add("SELECT NULL::bigint, NULL::bigint, NULL::boolean WHERE false");
    }
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(String.join(" UNION ALL ", parts))) {
      while (rs.next()) {
        out.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getBoolean(3) ? 1 : 0});
      }
    }
    return out;
  }

  private static void sequences(Statement st, Map<Long, long[]> state, List<Sequence> plain,
      Map<String, Sequence> identity) throws SQLException {
    try (ResultSet rs = st.executeQuery("""
        SELECT c.oid, n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart,
          s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
          d.deptype, tn.nspname, t.relname, a.attname, c.relpersistence = 'u'
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
        LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND d.objid = c.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
          AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
        LEFT JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
        LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
        LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE c.relkind = 'S' AND\s""" + USER_SCHEMA + " AND " + notExtensionMember("pg_class", "c.oid")
        + " ORDER BY 2, 3")) {
      while (rs.next()) {
        long[] s = state.getOrDefault(rs.getLong(1), new long[] {rs.getLong(5), 0});
        boolean ident = "i".equals(rs.getString(11));
        Sequence seq = new Sequence(rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getBoolean(10), s[0], s[1] == 1,
            rs.getString(12) == null ? null : SqlIdentifiers.qualified(rs.getString(12), rs.getString(13)),
            rs.getString(14), rs.getBoolean(15));
        if (ident) {
          identity.put(rs.getString(12) + "\u0000" + rs.getString(13) + "\u0000" + rs.getString(14), seq);
        } else {
          plain.add(seq);
        }
      }
    }
  }

  private static List<Table> tables(Statement st, Map<String, Sequence> identity)
      throws SQLException {
    // PostgreSQL 18 keeps NOT NULL as named pg_constraint rows (contype 'n'); older servers
    // have no such rows for tables, so the outer join finds nothing there.
    Map<Long, List<Column>> cols = new HashMap<>();
    try (ResultSet rs = st.executeQuery(("""
        SELECT c.oid, n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
          a.attnotnull, CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
          a.attidentity, CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
          CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
               THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END,
          a.attislocal, a.attgenerated, COALESCE(a.attstattarget, -1)::int,
          CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END, nn.conname,
          CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END,
          %s
        FROM pg_catalog.pg_attribute a
        JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
        LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
        LEFT JOIN pg_catalog.pg_constraint nn ON nn.conrelid = a.attrelid AND nn.contype = 'n'
          AND nn.conkey[1] = a.attnum
        WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
          AND\s""".formatted(USER_ATTOPTIONS) + USER_SCHEMA + " AND " + notExtensionMember("pg_class", "c.oid")
        + " ORDER BY c.oid, a.attnum"))) {
      while (rs.next()) {
        String gen = rs.getString(9);
        if (gen != null && "v".equals(rs.getString(12))) {
          gen = gen + "\u0000VIRTUAL";
        }
        Sequence idSeq = identity.get(rs.getString(2) + "\u0000" + rs.getString(3) + "\u0000" + rs.getString(4));
        cols.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Column(rs.getString(4),
            rs.getString(5), rs.getBoolean(6), rs.getString(7), rs.getString(8), idSeq, gen,
            rs.getString(10), rs.getBoolean(11), rs.getInt(13), storage(rs.getString(14)), rs.getString(15),
            rs.getString(16), strings(rs.getArray(17))));
      }
    }
    List<Table> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("""
        SELECT c.oid, n.nspname, c.relname, c.relkind = 'p', c.relpersistence = 'u',
          CASE WHEN c.relispartition THEN (SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(p.relname)
             FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class p ON p.oid = h.inhparent
             JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhrelid = c.oid) END,
          CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END,
          CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,
          CASE WHEN NOT c.relispartition THEN ARRAY(SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(p.relname)
             FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class p ON p.oid = h.inhparent
             JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhrelid = c.oid ORDER BY h.inhseqno) END,
          ARRAY(SELECT o FROM pg_catalog.unnest(c.reloptions) o UNION ALL
            SELECT 'toast.' || o FROM pg_catalog.pg_class tc, pg_catalog.unnest(tc.reloptions) o
            WHERE tc.oid = c.reltoastrelid), c.relrowsecurity, c.relforcerowsecurity, c.reltuples::bigint,
          pg_catalog.pg_relation_size(c.oid),
          CASE c.relreplident WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING'
            WHEN 'i' THEN (SELECT 'USING INDEX ' || pg_catalog.quote_ident(ic.relname)
              FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
              WHERE x.indrelid = c.oid AND x.indisreplident) END,
          (SELECT ic.relname FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ic
            ON ic.oid = x.indexrelid WHERE x.indrelid = c.oid AND x.indisclustered),
          (SELECT am.amname FROM pg_catalog.pg_am am WHERE am.oid = c.relam AND am.amname <> 'heap'),
          CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND\s""" + USER_SCHEMA + " AND " + notExtensionMember("pg_class", "c.oid")
        + " ORDER BY 2, 3")) {
      while (rs.next()) {
        out.add(new Table(rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5),
            rs.getString(6), rs.getString(7), rs.getString(8), strings(rs.getArray(9)),
            strings(rs.getArray(10)), rs.getBoolean(11), rs.getBoolean(12), cols.getOrDefault(rs.getLong(1), List.of()),
            rs.getLong(13), rs.getLong(14), rs.getString(15), rs.getString(16), rs.getString(17),
            rs.getString(18)));
      }
    }
    return out;
  }

  private static List<Constraint> constraints(Statement st) throws SQLException {
    List<Constraint> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("""
        SELECT n.nspname, c.relname, co.conname, co.contype, pg_catalog.pg_get_constraintdef(co.oid),
          co.convalidated, co.conislocal,
          CASE WHEN co.conparentid <> 0 THEN (SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(pi.relname)
             FROM pg_catalog.pg_constraint pc JOIN pg_catalog.pg_class pi ON pi.oid = pc.conindid
             JOIN pg_catalog.pg_namespace pn ON pn.oid = pi.relnamespace WHERE pc.oid = co.conparentid) END,
          ic.relname, co.conparentid <> 0
        FROM pg_catalog.pg_constraint co
        JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_class ic ON ic.oid = co.conindid AND co.contype IN ('p', 'u', 'x')
        WHERE co.contype IN ('p', 'u', 'f', 'c', 'x') AND c.relkind IN ('r', 'p')
          AND\s""" + USER_SCHEMA + " AND " + notExtensionMember("pg_class", "c.oid") + " ORDER BY 1, 2, 3")) {
      while (rs.next()) {
        boolean inheritedFk = "f".equals(rs.getString(4)) && rs.getBoolean(10);
        if (inheritedFk) {
          continue; // a partition's copy of its parent's foreign key: the parent's recreates it
        }
        out.add(new Constraint(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getBoolean(6), rs.getBoolean(7), rs.getString(8), rs.getString(9)));
      }
    }
    return out;
  }

  private static List<Index> indexes(Statement st) throws SQLException {
    List<Index> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("""
        SELECT n.nspname, t.relname, i.relname, pg_catalog.pg_get_indexdef(i.oid),
          (SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(p.relname)
             FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class p ON p.oid = h.inhparent
             JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhrelid = i.oid),
          ARRAY(SELECT a.attnum || '=' || a.attstattarget FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = i.oid AND a.attnum > 0 AND a.attstattarget >= 0 ORDER BY a.attnum)
        FROM pg_catalog.pg_index x
        JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
        JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
        WHERE t.relkind IN ('r', 'p', 'm') AND x.indisvalid
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.conindid = x.indexrelid
                          AND co.conrelid = x.indrelid AND co.contype IN ('p', 'u', 'x'))
          AND\s""" + USER_SCHEMA + " AND " + notExtensionMember("pg_class", "t.oid") + " ORDER BY 1, 2, 3")) {
      while (rs.next()) {
        List<NamedDef> targets = new ArrayList<>();
        for (String t : strings(rs.getArray(6))) {
          int eq = t.indexOf('=');
          targets.add(new NamedDef(t.substring(0, eq), t.substring(eq + 1)));
        }
        out.add(new Index(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
            targets));
      }
    }
    return out;
  }

  private static List<View> views(Statement st) throws SQLException {
    List<View> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname, c.relkind = 'm', c.relispopulated, "
        + "pg_catalog.pg_get_viewdef(c.oid), c.reloptions, ARRAY(SELECT a.attname"
        + " FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid"
        + " AND a.attnum = ad.adnum WHERE ad.adrelid = c.oid ORDER BY ad.adnum),"
        + " ARRAY(SELECT pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) FROM pg_catalog.pg_attrdef ad"
        + " WHERE ad.adrelid = c.oid ORDER BY ad.adnum),"
        + " ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid"
        + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),"
        + " ARRAY(SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation"
        + " <> t.typcollation AND a.attcollation <> 0 THEN ' COLLATE ' || pg_catalog.quote_ident(cn.nspname)"
        + " || '.' || pg_catalog.quote_ident(co.collname) ELSE '' END FROM pg_catalog.pg_attribute a"
        + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
        + " LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation"
        + " LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE a.attrelid = c.oid"
        + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) FROM pg_catalog.pg_class c "
        + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND "
        + USER_SCHEMA + " AND " + notExtensionMember("pg_class", "c.oid") + " ORDER BY 1, 2")) {
      while (rs.next()) {
        String def = rs.getString(5).strip();
        if (def.endsWith(";")) {
          def = def.substring(0, def.length() - 1);
        }
        List<String> names = strings(rs.getArray(7));
        List<String> exprs = strings(rs.getArray(8));
        List<NamedDef> defaults = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
          defaults.add(new NamedDef(names.get(k), exprs.get(k)));
        }
        List<String> colNames = strings(rs.getArray(9));
        List<String> colTypes = strings(rs.getArray(10));
        List<NamedDef> columns = new ArrayList<>();
        for (int k = 0; k < colNames.size(); k++) {
          columns.add(new NamedDef(colNames.get(k), colTypes.get(k)));
        }
        out.add(new View(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), def,
            strings(rs.getArray(6)), defaults, columns));
      }
    }
    return out;
  }

  private static List<Trigger> triggers(Statement st) throws SQLException {
    List<Trigger> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname, t.tgname, CASE WHEN t.tgparentid = 0"
        + " THEN pg_catalog.pg_get_triggerdef(t.oid) END, "
        + "t.tgenabled FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
        + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND (t.tgparentid = 0"
        + " OR t.tgenabled <> (SELECT pt.tgenabled FROM pg_catalog.pg_trigger pt WHERE pt.oid = t.tgparentid)) AND "
        + USER_SCHEMA + " AND " + notExtensionMember("pg_class", "c.oid") + " ORDER BY 1, 2, 3")) {
      while (rs.next()) {
        out.add(new Trigger(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
      }
    }
    return out;
  }

  private static List<Policy> policies(Statement st) throws SQLException {
    List<Policy> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("""
        SELECT n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd,
          ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r)) END
                FROM pg_catalog.unnest(p.polroles) r),
          pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)
        FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE\s""" + USER_SCHEMA + " ORDER BY 1, 2, 3")) {
      while (rs.next()) {
        String cmd = switch (rs.getString(5)) {
          case "r" -> "SELECT";
          case "a" -> "INSERT";
          case "w" -> "UPDATE";
          case "d" -> "DELETE";
          default -> "ALL";
        };
        out.add(new Policy(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), cmd,
            strings(rs.getArray(6)), rs.getString(7), rs.getString(8)));
      }
    }
    return out;
  }

  private static List<Comment> comments(Statement st) throws SQLException {
    List<Comment> out = new ArrayList<>();
    String q = "pg_catalog.quote_ident";
    try (ResultSet rs = st.executeQuery("""
        SELECT 'SCHEMA ' || %1$s(n.nspname), false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_namespace n ON d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.objoid = n.oid
          WHERE %2$s AND NOT (n.nspname = 'public' AND d.description = 'standard public schema')
        UNION ALL
        SELECT CASE WHEN d.objsubid > 0 THEN 'COLUMN ' || %1$s(n.nspname) || '.' || %1$s(c.relname) || '.' || %1$s(a.attname)
                    ELSE CASE c.relkind WHEN 'v' THEN 'VIEW ' WHEN 'm' THEN 'MATERIALIZED VIEW ' WHEN 'S' THEN 'SEQUENCE '
                    WHEN 'i' THEN 'INDEX ' WHEN 'I' THEN 'INDEX ' WHEN 'c' THEN 'TYPE ' WHEN 'f' THEN 'FOREIGN TABLE ' ELSE 'TABLE ' END
                    || %1$s(n.nspname) || '.' || %1$s(c.relname) END,
               c.relkind IN ('i', 'I'), d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_class c ON d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objoid = c.oid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
          WHERE %2$s AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND e.objid = c.oid AND e.deptype = 'e')
        UNION ALL
        SELECT 'TYPE ' || %1$s(n.nspname) || '.' || %1$s(t.typname), false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_type t ON d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objoid = t.oid
          JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
          WHERE %2$s AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND e.objid = t.oid AND e.deptype = 'e')
        UNION ALL
        SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' WHEN 'a' THEN 'AGGREGATE ' ELSE 'FUNCTION ' END
               || %1$s(n.nspname) || '.' || %1$s(p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
               false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_proc p ON d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objoid = p.oid
          JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
          WHERE %2$s AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND e.objid = p.oid AND e.deptype = 'e')
        UNION ALL
        SELECT 'CONSTRAINT ' || %1$s(co.conname) || ' ON ' || CASE WHEN co.contypid <> 0 THEN 'DOMAIN ' ELSE '' END
               || %1$s(n.nspname) || '.' || %1$s(COALESCE(c.relname, t.typname)),
               NOT (co.contype = 'c' AND co.convalidated), d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_constraint co ON d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND d.objoid = co.oid
          LEFT JOIN pg_catalog.pg_class c ON c.oid = co.conrelid LEFT JOIN pg_catalog.pg_type t ON t.oid = co.contypid
          JOIN pg_catalog.pg_namespace n ON n.oid = COALESCE(c.relnamespace, t.typnamespace)
          WHERE %2$s
        UNION ALL
        SELECT 'TRIGGER ' || %1$s(tg.tgname) || ' ON ' || %1$s(n.nspname) || '.' || %1$s(c.relname), true, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_trigger tg ON d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND d.objoid = tg.oid
          JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE %2$s
        UNION ALL
        SELECT 'POLICY ' || %1$s(po.polname) || ' ON ' || %1$s(n.nspname) || '.' || %1$s(c.relname), true, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_policy po ON d.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass AND d.objoid = po.oid
          JOIN pg_catalog.pg_class c ON c.oid = po.polrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE %2$s
        UNION ALL
        SELECT 'RULE ' || %1$s(r.rulename) || ' ON ' || %1$s(n.nspname) || '.' || %1$s(c.relname), true, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_rewrite r ON d.classoid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objoid = r.oid
          JOIN pg_catalog.pg_class c ON c.oid = r.ev_class JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE %2$s AND r.rulename <> '_RETURN'
        UNION ALL
        SELECT 'COLLATION ' || %1$s(n.nspname) || '.' || %1$s(co.collname), false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_collation co ON d.classoid = 'pg_catalog.pg_collation'::pg_catalog.regclass AND d.objoid = co.oid
          JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace WHERE %2$s
        UNION ALL
        SELECT 'CAST (' || pg_catalog.format_type(ca.castsource, NULL) || ' AS ' || pg_catalog.format_type(ca.casttarget, NULL) || ')', false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_cast ca ON d.classoid = 'pg_catalog.pg_cast'::pg_catalog.regclass AND d.objoid = ca.oid
        UNION ALL
        SELECT 'EVENT TRIGGER ' || %1$s(et.evtname), true, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_event_trigger et ON d.classoid = 'pg_catalog.pg_event_trigger'::pg_catalog.regclass AND d.objoid = et.oid
        UNION ALL
        SELECT 'EXTENSION ' || %1$s(x.extname), false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_extension x ON d.classoid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.objoid = x.oid
          WHERE x.extname <> 'plpgsql'
        UNION ALL
        SELECT 'OPERATOR ' || %1$s(n.nspname) || '.' || o.oprname || ' (' || COALESCE(pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL), 'NONE')
               || ', ' || pg_catalog.format_type(o.oprright, NULL) || ')', false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_operator o ON d.classoid = 'pg_catalog.pg_operator'::pg_catalog.regclass AND d.objoid = o.oid
          JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
          WHERE %2$s AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_operator'::pg_catalog.regclass AND e.objid = o.oid AND e.deptype = 'e')
        UNION ALL
        SELECT 'TEXT SEARCH DICTIONARY ' || %1$s(n.nspname) || '.' || %1$s(td.dictname), false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_ts_dict td ON d.classoid = 'pg_catalog.pg_ts_dict'::pg_catalog.regclass AND d.objoid = td.oid
          JOIN pg_catalog.pg_namespace n ON n.oid = td.dictnamespace
          WHERE %2$s AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_ts_dict'::pg_catalog.regclass AND e.objid = td.oid AND e.deptype = 'e')
        UNION ALL
        SELECT 'TEXT SEARCH CONFIGURATION ' || %1$s(n.nspname) || '.' || %1$s(tc.cfgname), false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_ts_config tc ON d.classoid = 'pg_catalog.pg_ts_config'::pg_catalog.regclass AND d.objoid = tc.oid
          JOIN pg_catalog.pg_namespace n ON n.oid = tc.cfgnamespace
          WHERE %2$s AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_ts_config'::pg_catalog.regclass AND e.objid = tc.oid AND e.deptype = 'e')
        UNION ALL
        SELECT 'TEXT SEARCH TEMPLATE ' || %1$s(n.nspname) || '.' || %1$s(tt.tmplname), false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_ts_template tt ON d.classoid = 'pg_catalog.pg_ts_template'::pg_catalog.regclass AND d.objoid = tt.oid
          JOIN pg_catalog.pg_namespace n ON n.oid = tt.tmplnamespace
          WHERE %2$s AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_ts_template'::pg_catalog.regclass AND e.objid = tt.oid AND e.deptype = 'e')
        UNION ALL
        SELECT 'TEXT SEARCH PARSER ' || %1$s(n.nspname) || '.' || %1$s(tp.prsname), false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_ts_parser tp ON d.classoid = 'pg_catalog.pg_ts_parser'::pg_catalog.regclass AND d.objoid = tp.oid
          JOIN pg_catalog.pg_namespace n ON n.oid = tp.prsnamespace
          WHERE %2$s AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_ts_parser'::pg_catalog.regclass AND e.objid = tp.oid AND e.deptype = 'e')
        UNION ALL
        SELECT 'CONVERSION ' || %1$s(n.nspname) || '.' || %1$s(cv.conname), false, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_conversion cv ON d.classoid = 'pg_catalog.pg_conversion'::pg_catalog.regclass AND d.objoid = cv.oid
          JOIN pg_catalog.pg_namespace n ON n.oid = cv.connamespace
          WHERE %2$s AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_conversion'::pg_catalog.regclass AND e.objid = cv.oid AND e.deptype = 'e')
        UNION ALL
        SELECT 'STATISTICS ' || %1$s(n.nspname) || '.' || %1$s(sx.stxname), true, d.description
          FROM pg_catalog.pg_description d JOIN pg_catalog.pg_statistic_ext sx ON d.classoid = 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass AND d.objoid = sx.oid
          JOIN pg_catalog.pg_namespace n ON n.oid = sx.stxnamespace
          WHERE %2$s
        UNION ALL
        -- kinds whose identity is how COMMENT ON names them (but a transform's)
        SELECT CASE WHEN tr.oid IS NULL THEN pg_catalog.upper(pg_catalog.replace(i.type, '-', ' ')) || ' ' || i.identity ELSE 'TRANSFORM FOR '
                 || pg_catalog.format_type(tr.trftype, NULL) || ' LANGUAGE ' || %1$s(l.lanname) END, false, d.description
          FROM pg_catalog.pg_description d CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classoid, d.objoid, 0) i
          LEFT JOIN pg_catalog.pg_transform tr ON d.classoid = 'pg_catalog.pg_transform'::pg_catalog.regclass AND tr.oid = d.objoid
          LEFT JOIN pg_catalog.pg_language l ON l.oid = tr.trflang
          WHERE d.classoid IN (%3$s) AND d.objoid >= 16384
            AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e')
        ORDER BY 1
        """.formatted(q, USER_SCHEMA, IDENTITY_COMMENTS))) {
      while (rs.next()) {
        out.add(new Comment(rs.getString(1), rs.getBoolean(2), rs.getString(3)));
      }
    }
    return out;
  }

  /**
   * Every object the scripter keys, as {@code (classid, objid, kind, schema, name)} with the kind
   * and name the scripter gives it: the dependency graph and the definitions' needs are both
   * read through it from {@code pg_depend}, so that each edge names a scripted object.
   */
  private static final String OBJECT_KEYS = """
          SELECT 'pg_catalog.pg_class'::pg_catalog.regclass AS classid, c.oid AS objid,
                 CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                                WHEN 'c' THEN 'TYPE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind, n.nspname::text AS schema,
                 c.relname::text AS name
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c', 'f') AND %1$s
          UNION ALL
          SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, t.oid,
                 CASE WHEN t.typtype = 'c' AND c.relkind IN ('r', 'p') THEN 'TABLE'
                      WHEN t.typtype = 'c' AND c.relkind = 'v' THEN 'VIEW'
                      WHEN t.typtype = 'c' AND c.relkind = 'm' THEN 'MATERIALIZED VIEW'
                      WHEN t.typtype = 'c' AND c.relkind = 'f' THEN 'FOREIGN TABLE' ELSE 'TYPE' END,
                 n.nspname, COALESCE(c.relname, t.typname)
            FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
            WHERE t.typtype IN ('e', 'd', 'r', 'c') AND %1$s
          UNION ALL
          SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, 'FUNCTION', n.nspname,
                 p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
            FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE %1$s
          UNION ALL
          SELECT 'pg_catalog.pg_rewrite'::pg_catalog.regclass, r.oid,
                 CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, n.nspname, c.relname
            FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND %1$s
          UNION ALL
          SELECT 'pg_catalog.pg_attrdef'::pg_catalog.regclass, ad.oid,
                 CASE WHEN c.relkind IN ('r', 'p') THEN 'DEFAULT' WHEN c.relkind = 'f' THEN 'FOREIGN TABLE' ELSE 'VIEW' END, n.nspname,
                 CASE WHEN c.relkind IN ('r', 'p') THEN pg_catalog.quote_ident(c.relname) || '.' || pg_catalog.quote_ident(a.attname)
                      ELSE c.relname END
            FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_class c ON c.oid = ad.adrelid
            JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE %1$s
          UNION ALL
          SELECT 'pg_catalog.pg_constraint'::pg_catalog.regclass, co.oid,
                 CASE WHEN co.contypid <> 0 THEN 'TYPE' WHEN c.relkind = 'f' THEN 'FOREIGN TABLE' ELSE 'CHECK' END, n.nspname,
                 CASE WHEN c.relkind = 'f' THEN c.relname
                      ELSE COALESCE(pg_catalog.quote_ident(c.relname) || '.' || pg_catalog.quote_ident(co.conname), t.typname) END
            FROM pg_catalog.pg_constraint co LEFT JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
            LEFT JOIN pg_catalog.pg_type t ON t.oid = co.contypid
            JOIN pg_catalog.pg_namespace n ON n.oid = COALESCE(c.relnamespace, t.typnamespace)
            WHERE co.contype = 'c' AND %1$s
          UNION ALL
          SELECT 'pg_catalog.pg_namespace'::pg_catalog.regclass, n.oid, 'SCHEMA', '', n.nspname
            FROM pg_catalog.pg_namespace n WHERE %1$s
          UNION ALL
          SELECT 'pg_catalog.pg_extension'::pg_catalog.regclass, x.oid, 'EXTENSION', '', x.extname
            FROM pg_catalog.pg_extension x
          UNION ALL
          SELECT 'pg_catalog.pg_operator'::pg_catalog.regclass, o.oid, 'OPERATOR', n.nspname,
                 o.oprname || '(' || COALESCE(pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL), 'NONE')
                   || ',' || pg_catalog.format_type(o.oprright, NULL) || ')'
            FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE %1$s
          UNION ALL
          -- kinds whose address is their schema and name
          SELECT o.classid, o.objid, o.kind, n.nspname, a.object_names[2]
            FROM (SELECT 'pg_catalog.pg_ts_config'::pg_catalog.regclass AS classid, oid AS objid, 'TEXT SEARCH CONFIGURATION' AS kind
                FROM pg_catalog.pg_ts_config
              UNION ALL SELECT 'pg_catalog.pg_ts_dict'::pg_catalog.regclass, oid, 'TEXT SEARCH DICTIONARY' FROM pg_catalog.pg_ts_dict
              UNION ALL SELECT 'pg_catalog.pg_ts_parser'::pg_catalog.regclass, oid, 'TEXT SEARCH PARSER' FROM pg_catalog.pg_ts_parser
              UNION ALL SELECT 'pg_catalog.pg_ts_template'::pg_catalog.regclass, oid, 'TEXT SEARCH TEMPLATE' FROM pg_catalog.pg_ts_template
              UNION ALL SELECT 'pg_catalog.pg_conversion'::pg_catalog.regclass, oid, 'CONVERSION' FROM pg_catalog.pg_conversion
              UNION ALL SELECT 'pg_catalog.pg_collation'::pg_catalog.regclass, oid, 'COLLATION' FROM pg_catalog.pg_collation) o
            CROSS JOIN LATERAL pg_catalog.pg_identify_object_as_address(o.classid, o.objid, 0) a
            JOIN pg_catalog.pg_namespace n ON n.nspname = a.object_names[1]
            WHERE o.objid >= 16384 AND %1$s
          UNION ALL
          SELECT 'pg_catalog.pg_opfamily'::pg_catalog.regclass, f.oid, 'OPERATOR FAMILY', n.nspname, f.opfname || ' USING ' || a.amname
            FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace
            JOIN pg_catalog.pg_am a ON a.oid = f.opfmethod WHERE %1$s
          UNION ALL
          SELECT 'pg_catalog.pg_opclass'::pg_catalog.regclass, c.oid, 'OPERATOR CLASS', n.nspname, c.opcname || ' USING ' || a.amname
            FROM pg_catalog.pg_opclass c JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace
            JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod WHERE %1$s
          UNION ALL
          SELECT 'pg_catalog.pg_am'::pg_catalog.regclass, a.oid, 'ACCESS METHOD', '', a.amname FROM pg_catalog.pg_am a
          UNION ALL
          SELECT 'pg_catalog.pg_language'::pg_catalog.regclass, l.oid, 'LANGUAGE', '', l.lanname FROM pg_catalog.pg_language l
          UNION ALL
          SELECT 'pg_catalog.pg_transform'::pg_catalog.regclass, t.oid, 'TRANSFORM', '',
                 'FOR ' || pg_catalog.format_type(t.trftype, NULL) || ' LANGUAGE ' || pg_catalog.quote_ident(l.lanname)
            FROM pg_catalog.pg_transform t JOIN pg_catalog.pg_language l ON l.oid = t.trflang
          UNION ALL
          SELECT 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass, w.oid, 'FOREIGN DATA WRAPPER', '', w.fdwname
            FROM pg_catalog.pg_foreign_data_wrapper w
          UNION ALL
          SELECT 'pg_catalog.pg_foreign_server'::pg_catalog.regclass, s.oid, 'SERVER', '', s.srvname FROM pg_catalog.pg_foreign_server s
          UNION ALL
          -- the view, not pg_user_mapping: that catalog is readable by superusers only
          SELECT 'pg_catalog.pg_user_mapping'::pg_catalog.regclass, u.umid, 'USER MAPPING', '',
                 CASE WHEN u.umuser = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(u.umuser)) END
                   || ' SERVER ' || pg_catalog.quote_ident(u.srvname)
            FROM pg_catalog.pg_user_mappings u
          UNION ALL
          SELECT 'pg_catalog.pg_largeobject'::pg_catalog.regclass, m.oid, 'LARGE OBJECT', '', m.oid::text
            FROM pg_catalog.pg_largeobject_metadata m
        """.formatted(USER_SCHEMA);

  /**
   * Operator families (with their loose members), operator classes (with theirs), access methods,
   * procedural languages and transforms as whole statements, as pg_dump writes them: the CTEs
   * {@code members} and {@code defs} of {@link #definitions}, after {@code keys}
   * ({@link #OBJECT_KEYS}). A member belongs to its class when {@code pg_depend} ties it to the
   * class, else it is a loose member of its family ({@code ALTER OPERATOR FAMILY ... ADD}).
   */
  private static final String MEMBERS_AND_DEFS = """
      members AS (
        SELECT d.refclassid, d.refobjid, 'OPERATOR ' || o.amopstrategy || ' ' || o.amopopr::pg_catalog.regoperator::text
            || CASE WHEN o.amoppurpose = 'o' THEN ' FOR ORDER BY ' || pg_catalog.quote_ident(sn.nspname) || '.'
                 || pg_catalog.quote_ident(sf.opfname) ELSE '' END AS item,
          0 AS k, o.amopstrategy AS num, o.amoplefttype AS l, o.amoprighttype AS r,
          'pg_catalog.pg_amop'::pg_catalog.regclass AS classid, o.oid AS objid
        FROM pg_catalog.pg_amop o
        JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_amop'::pg_catalog.regclass AND d.objid = o.oid
        LEFT JOIN pg_catalog.pg_opfamily sf ON sf.oid = o.amopsortfamily LEFT JOIN pg_catalog.pg_namespace sn ON sn.oid = sf.opfnamespace
        WHERE d.deptype IN ('a', 'i') AND d.refclassid IN ('pg_catalog.pg_opclass'::pg_catalog.regclass, 'pg_catalog.pg_opfamily'::pg_catalog.regclass)
        UNION ALL
        SELECT d.refclassid, d.refobjid, 'FUNCTION ' || p.amprocnum || ' (' || pg_catalog.format_type(p.amproclefttype, NULL) || ', '
            || pg_catalog.format_type(p.amprocrighttype, NULL) || ') ' || p.amproc::pg_catalog.regprocedure::text,
          1, p.amprocnum, p.amproclefttype, p.amprocrighttype, 'pg_catalog.pg_amproc'::pg_catalog.regclass, p.oid
        FROM pg_catalog.pg_amproc p
        JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_amproc'::pg_catalog.regclass AND d.objid = p.oid
        WHERE d.deptype IN ('a', 'i') AND d.refclassid IN ('pg_catalog.pg_opclass'::pg_catalog.regclass, 'pg_catalog.pg_opfamily'::pg_catalog.regclass)
      ), defs AS (
        SELECT k.classid, k.objid, k.kind, k.schema, k.name, CASE k.kind
          WHEN 'OPERATOR FAMILY' THEN 'CREATE OPERATOR FAMILY ' || fam.target || ';' || COALESCE(E'\nALTER OPERATOR FAMILY '
            || fam.target || ' ADD ' || (SELECT pg_catalog.string_agg(m.item, E',\n    ' ORDER BY m.k, m.num, m.l, m.r) FROM members m
                 WHERE m.refclassid = k.classid AND m.refobjid = k.objid) || ';', '')
          WHEN 'OPERATOR CLASS' THEN 'CREATE OPERATOR CLASS ' || pg_catalog.quote_ident(k.schema) || '.' || pg_catalog.quote_ident(c.opcname)
            || CASE WHEN c.opcdefault THEN ' DEFAULT' ELSE '' END || ' FOR TYPE ' || pg_catalog.format_type(c.opcintype, NULL)
            || ' USING ' || pg_catalog.quote_ident(ca.amname) || ' FAMILY ' || pg_catalog.quote_ident(cfn.nspname) || '.'
            || pg_catalog.quote_ident(cf.opfname) || E' AS\n    ' || COALESCE(NULLIF(pg_catalog.concat_ws(E',\n    ',
              CASE WHEN c.opckeytype <> 0 THEN 'STORAGE ' || pg_catalog.format_type(c.opckeytype, NULL) END,
              (SELECT pg_catalog.string_agg(m.item, E',\n    ' ORDER BY m.k, m.num, m.l, m.r) FROM members m
                WHERE m.refclassid = k.classid AND m.refobjid = k.objid)), ''),
              -- a class without members of its own still needs one item
              'STORAGE ' || pg_catalog.format_type(c.opcintype, NULL)) || ';'
          WHEN 'ACCESS METHOD' THEN 'CREATE ACCESS METHOD ' || pg_catalog.quote_ident(am.amname) || ' TYPE '
            || CASE am.amtype WHEN 't' THEN 'TABLE' ELSE 'INDEX' END || ' HANDLER ' || am.amhandler::pg_catalog.regproc::text || ';'
          WHEN 'LANGUAGE' THEN 'CREATE ' || CASE WHEN l.lanpltrusted THEN 'TRUSTED ' ELSE '' END || 'PROCEDURAL LANGUAGE '
            || pg_catalog.quote_ident(l.lanname) || ' HANDLER ' || l.lanplcallfoid::pg_catalog.regproc::text
            || COALESCE(' INLINE ' || NULLIF(l.laninline, 0)::pg_catalog.regproc::text, '')
            || COALESCE(' VALIDATOR ' || NULLIF(l.lanvalidator, 0)::pg_catalog.regproc::text, '') || ';'
          WHEN 'TRANSFORM' THEN 'CREATE TRANSFORM ' || k.name || ' (' || pg_catalog.concat_ws(', ',
            'FROM SQL WITH FUNCTION ' || NULLIF(tr.trffromsql, 0)::pg_catalog.regprocedure::text,
            'TO SQL WITH FUNCTION ' || NULLIF(tr.trftosql, 0)::pg_catalog.regprocedure::text) || ');'
          WHEN 'FOREIGN DATA WRAPPER' THEN 'CREATE FOREIGN DATA WRAPPER ' || pg_catalog.quote_ident(w.fdwname)
            || COALESCE(' HANDLER ' || NULLIF(w.fdwhandler, 0)::pg_catalog.regproc::text, '')
            || COALESCE(' VALIDATOR ' || NULLIF(w.fdwvalidator, 0)::pg_catalog.regproc::text, '')
            || COALESCE(' OPTIONS (' || (SELECT %1$s FROM pg_catalog.pg_options_to_table(w.fdwoptions) o) || ')', '') || ';'
          WHEN 'SERVER' THEN 'CREATE SERVER ' || pg_catalog.quote_ident(sv.srvname)
            || COALESCE(' TYPE ' || pg_catalog.quote_literal(sv.srvtype), '') || COALESCE(' VERSION ' || pg_catalog.quote_literal(sv.srvversion), '')
            || ' FOREIGN DATA WRAPPER ' || pg_catalog.quote_ident(svw.fdwname)
            || COALESCE(' OPTIONS (' || (SELECT %1$s FROM pg_catalog.pg_options_to_table(sv.srvoptions) o) || ')', '') || ';'
          -- its columns (a partition's all, then attached, as pg_dump), CHECKs, server and options
          WHEN 'FOREIGN TABLE' THEN 'CREATE FOREIGN TABLE ' || pg_catalog.quote_ident(k.schema) || '.' || pg_catalog.quote_ident(fc.relname)
            || ' (' || COALESCE(E'\n    ' || (SELECT pg_catalog.string_agg(x.item, E',\n    ' ORDER BY x.ord) FROM (
                SELECT a.attnum::int AS ord, pg_catalog.quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
                  || COALESCE(' OPTIONS (' || (SELECT %1$s FROM pg_catalog.pg_options_to_table(a.attfdwoptions) o) || ')', '')
                  || COALESCE((SELECT ' COLLATE ' || pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
                       FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                       WHERE co.oid = a.attcollation AND a.attcollation <> at.typcollation), '')
                  || COALESCE(CASE a.attgenerated WHEN 's' THEN ' GENERATED ALWAYS AS (' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) || ') STORED'
                       WHEN 'v' THEN ' GENERATED ALWAYS AS (' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) || ') VIRTUAL'
                       ELSE ' DEFAULT ' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END, '')
                  -- PostgreSQL 18 names NOT NULLs: a partition keeps its parent's name
                  || CASE WHEN a.attnotnull THEN COALESCE((SELECT ' CONSTRAINT ' || pg_catalog.quote_ident(nn.conname)
                       FROM pg_catalog.pg_constraint nn WHERE nn.conrelid = a.attrelid AND nn.contype = 'n' AND nn.conkey[1] = a.attnum
                         AND nn.conname <> fc.relname || '_' || a.attname || '_not_null'), '') || ' NOT NULL' ELSE '' END AS item
                FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
                LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                WHERE a.attrelid = fc.oid AND a.attnum > 0 AND NOT a.attisdropped AND (a.attislocal OR fc.relispartition)
                UNION ALL
                SELECT 100000 + pg_catalog.row_number() OVER (ORDER BY co.conname)::int, 'CONSTRAINT ' || pg_catalog.quote_ident(co.conname)
                  || ' ' || pg_catalog.pg_get_constraintdef(co.oid)
                FROM pg_catalog.pg_constraint co WHERE co.conrelid = fc.oid AND co.contype = 'c' AND (co.conislocal OR fc.relispartition)) x)
              || E'\n', '') || ')'
            || COALESCE((SELECT E'\nINHERITS (' || pg_catalog.string_agg(pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(pc.relname),
                 ', ' ORDER BY i.inhseqno) || ')' FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
                 JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = fc.oid AND NOT fc.relispartition), '')
            || E'\nSERVER ' || pg_catalog.quote_ident(fs.srvname)
            || COALESCE(E'\nOPTIONS (' || (SELECT %1$s FROM pg_catalog.pg_options_to_table(ft.ftoptions) o) || ')', '') || ';'
            || COALESCE((SELECT E'\nALTER TABLE ONLY ' || pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(pc.relname)
                 || ' ATTACH PARTITION ' || pg_catalog.quote_ident(k.schema) || '.' || pg_catalog.quote_ident(fc.relname) || ' '
                 || pg_catalog.pg_get_expr(fc.relpartbound, fc.oid) || ';' FROM pg_catalog.pg_inherits i
                 JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
                 WHERE i.inhrelid = fc.oid AND fc.relispartition), '')
          -- its data follows the tables' (the writer reads it in chunks)
          WHEN 'LARGE OBJECT' THEN 'SELECT pg_catalog.lo_create(' || pg_catalog.quote_literal(k.name) || ');'
          -- options as pg_dump keeps them (they may hold a password: see BACKUPS.md)
          WHEN 'USER MAPPING' THEN 'CREATE USER MAPPING FOR ' || k.name
            || COALESCE(' OPTIONS (' || (SELECT %1$s FROM pg_catalog.pg_options_to_table(um.umoptions) o) || ')', '') || ';'
          END AS sql
        FROM keys k
        LEFT JOIN (SELECT f.oid, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(f.opfname) || ' USING '
            || pg_catalog.quote_ident(a.amname) AS target FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace
            JOIN pg_catalog.pg_am a ON a.oid = f.opfmethod) fam ON k.classid = 'pg_catalog.pg_opfamily'::pg_catalog.regclass AND fam.oid = k.objid
        LEFT JOIN pg_catalog.pg_opclass c ON k.classid = 'pg_catalog.pg_opclass'::pg_catalog.regclass AND c.oid = k.objid
        LEFT JOIN pg_catalog.pg_am ca ON ca.oid = c.opcmethod
        LEFT JOIN pg_catalog.pg_opfamily cf ON cf.oid = c.opcfamily LEFT JOIN pg_catalog.pg_namespace cfn ON cfn.oid = cf.opfnamespace
        LEFT JOIN pg_catalog.pg_am am ON k.classid = 'pg_catalog.pg_am'::pg_catalog.regclass AND am.oid = k.objid
        LEFT JOIN pg_catalog.pg_language l ON k.classid = 'pg_catalog.pg_language'::pg_catalog.regclass AND l.oid = k.objid
        LEFT JOIN pg_catalog.pg_transform tr ON k.classid = 'pg_catalog.pg_transform'::pg_catalog.regclass AND tr.oid = k.objid
        LEFT JOIN pg_catalog.pg_foreign_data_wrapper w ON k.classid = 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass AND w.oid = k.objid
        LEFT JOIN pg_catalog.pg_foreign_server sv ON k.classid = 'pg_catalog.pg_foreign_server'::pg_catalog.regclass AND sv.oid = k.objid
        LEFT JOIN pg_catalog.pg_foreign_data_wrapper svw ON svw.oid = sv.srvfdw
        LEFT JOIN pg_catalog.pg_class fc ON k.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND fc.oid = k.objid AND k.kind = 'FOREIGN TABLE'
        LEFT JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = fc.oid
        LEFT JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver
        LEFT JOIN pg_catalog.pg_user_mappings um ON k.classid = 'pg_catalog.pg_user_mapping'::pg_catalog.regclass AND um.umid = k.objid
        WHERE k.kind IN ('OPERATOR FAMILY', 'OPERATOR CLASS', 'ACCESS METHOD', 'LANGUAGE', 'TRANSFORM', 'FOREIGN DATA WRAPPER',
          'SERVER', 'USER MAPPING', 'FOREIGN TABLE', 'LARGE OBJECT')
          -- a foreign table's row type, defaults and checks are keyed as the table: its pg_class row makes it
          AND (k.kind <> 'FOREIGN TABLE' OR k.classid = 'pg_catalog.pg_class'::pg_catalog.regclass)
      )
      """.formatted("pg_catalog.string_agg(pg_catalog.quote_ident(o.option_name) || ' ' || pg_catalog.quote_literal(o.option_value), ', ')");

  private static List<Dependency> dependencies(Statement st) throws SQLException {
    List<Dependency> out = new ArrayList<>();
    String objs = """
        WITH base AS (
        """
        + OBJECT_KEYS + """
        ), ext AS (
          SELECT e.classid, e.objid, 'EXTENSION' AS kind, ''::text AS schema, x.extname::text AS name
            FROM pg_catalog.pg_depend e JOIN pg_catalog.pg_extension x
              ON e.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND e.refobjid = x.oid
            WHERE e.deptype = 'e'
        ), objs AS (
          SELECT b.* FROM base b WHERE NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = b.classid AND ext.objid = b.objid)
          UNION ALL SELECT * FROM ext
        ), withArrays AS (
          SELECT * FROM objs
          UNION ALL
          SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, a.oid, o.kind, o.schema, o.name
            FROM pg_catalog.pg_type a JOIN objs o ON o.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND o.objid = a.typelem
            WHERE a.typcategory = 'A'
        )
        SELECT DISTINCT a.kind, a.schema, a.name, b.kind, b.schema, b.name
        FROM pg_catalog.pg_depend d
        JOIN withArrays a ON a.classid = d.classid AND a.objid = d.objid
        JOIN withArrays b ON b.classid = d.refclassid AND b.objid = d.refobjid
        WHERE d.deptype = 'n' AND (a.kind, a.schema, a.name) IS DISTINCT FROM (b.kind, b.schema, b.name)
          AND a.kind <> 'EXTENSION'
        ORDER BY 1, 2, 3, 4, 5, 6
        """;
    try (ResultSet rs = st.executeQuery(objs)) {
      while (rs.next()) {
        out.add(new Dependency(new ObjectRef(rs.getString(1), rs.getString(2), rs.getString(3)),
            new ObjectRef(rs.getString(4), rs.getString(5), rs.getString(6))));
      }
    }
    return out;
  }

  private static List<String> strings(Array a) throws SQLException {
    if (a == null) {
      return List.of();
    }
    Object[] values = (Object[]) a.getArray();
    List<String> out = new ArrayList<>(values.length);
    Arrays.stream(values).forEach(v -> out.add(v == null ? null : v.toString()));
    return out.stream().filter(java.util.Objects::nonNull).toList();
  }

  /** For tests and diagnostics: the number of queries {@link #read} issues, whatever the size. */
  public static final int QUERY_COUNT = 33;

}
