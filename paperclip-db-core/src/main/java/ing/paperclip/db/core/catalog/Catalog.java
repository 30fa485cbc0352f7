package ing.paperclip.db.core.catalog;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of every non-system schema of one database (everything but
 * {@code pg_catalog}, {@code information_schema}, {@code pg_toast*} and {@code pg_temp*}), read
 * by {@link CatalogReader} in a fixed number of bulk queries. Objects that belong to extensions
 * are left out: {@code CREATE EXTENSION} recreates them. DDL fragments come from the server's own
 * deparsers ({@code pg_get_constraintdef}, {@code pg_get_indexdef}, {@code pg_get_viewdef},
 * {@code pg_get_functiondef}, {@code pg_get_triggerdef}, {@code pg_get_expr}, {@code format_type}).
 *
 * <p>List accessors never return null; look-ups return {@link Optional}. Thread-safe.
 *
 * @param serverVersion {@code server_version_num}, e.g. 150020
 * @param database the database's name
 * @param schemas every non-system schema, in name order
 * @param extensions installed extensions (except plpgsql)
 * @param types enums, domains, composite and range types
 * @param functions functions, procedures and aggregates
 * @param sequences sequences that are not identity sequences
 * @param tables ordinary, partitioned and unlogged tables, with columns
 * @param constraints table constraints (NOT NULL excluded: it is a column property)
 * @param indexes indexes that do not back a constraint
 * @param views views and materialized views
 * @param triggers user triggers (not internal, not cloned onto partitions)
 * @param policies row-level security policies
 * @param comments comments on every kind above
 * @param grants explicit ACL entries of schemas, relations, columns, routines and types
 * @param dependencies "A needs B" edges between the objects above, by {@link ObjectRef}; a
 *     column default's edges come from {@code DEFAULT schema."table"."column"} and a table CHECK's
 *     from {@code CHECK schema."table"."constraint"} (quoted), so that a dump can split them from
 *     their table to break a dependency loop
 * @param rules rewrite rules (not the {@code _RETURN} rules of views)
 * @param statistics extended statistics objects
 * @param collations collations
 * @param casts casts between types
 * @param eventTriggers event triggers
 * @param publications publications
 * @param defaultPrivileges what {@code ALTER DEFAULT PRIVILEGES} changed, per role, schema and
 *     object type, as differences from the built-in defaults
 * @param definitions objects read as their complete {@code CREATE} statements (operators, text
 *     search dictionaries and configurations)
 * @param inventory every object of the database that a faithful dump must keep, whatever its
 *     kind, whether or not the lists above model it: the yardstick of a completeness check
 */
public record Catalog(
    int serverVersion, String database, List<Schema> schemas, List<Extension> extensions,
    List<Type> types, List<Function> functions, List<Sequence> sequences, List<Table> tables,
    List<Constraint> constraints, List<Index> indexes, List<View> views, List<Trigger> triggers,
    List<Policy> policies, List<Comment> comments, List<Grant> grants, List<Dependency> dependencies,
    List<Rule> rules, List<Statistics> statistics, List<Collation> collations, List<Cast> casts,
    List<EventTrigger> eventTriggers, List<Publication> publications,
    List<DefaultPrivilege> defaultPrivileges, List<Definition> definitions,
    List<InventoryItem> inventory) {

  /** Creates a catalog without {@link #definitions()}. */
  public Catalog(
      int serverVersion, String database, List<Schema> schemas, List<Extension> extensions,
      List<Type> types, List<Function> functions, List<Sequence> sequences, List<Table> tables,
      List<Constraint> constraints, List<Index> indexes, List<View> views, List<Trigger> triggers,
      List<Policy> policies, List<Comment> comments, List<Grant> grants,
      List<Dependency> dependencies, List<Rule> rules, List<Statistics> statistics,
      List<Collation> collations, List<Cast> casts, List<EventTrigger> eventTriggers,
      List<Publication> publications, List<DefaultPrivilege> defaultPrivileges,
      List<InventoryItem> inventory) {
    this(serverVersion, database, schemas, extensions, types, functions, sequences, tables,
        constraints, indexes, views, triggers, policies, comments, grants, dependencies, rules,
        statistics, collations, casts, eventTriggers, publications, defaultPrivileges, List.of(),
        inventory);
  }

  /** Creates a catalog without default privileges. */
  public Catalog(
      int serverVersion, String database, List<Schema> schemas, List<Extension> extensions,
      List<Type> types, List<Function> functions, List<Sequence> sequences, List<Table> tables,
      List<Constraint> constraints, List<Index> indexes, List<View> views, List<Trigger> triggers,
      List<Policy> policies, List<Comment> comments, List<Grant> grants,
      List<Dependency> dependencies, List<Rule> rules, List<Statistics> statistics,
      List<Collation> collations, List<Cast> casts, List<EventTrigger> eventTriggers,
      List<Publication> publications, List<InventoryItem> inventory) {
    this(serverVersion, database, schemas, extensions, types, functions, sequences, tables,
        constraints, indexes, views, triggers, policies, comments, grants, dependencies, rules,
        statistics, collations, casts, eventTriggers, publications, List.of(), List.of(),
        inventory);
  }

  /**
   * Creates a catalog without an inventory (hand-built catalogs in tests and tools; a
   * completeness check then has nothing to compare against).
   */
  public Catalog(
      int serverVersion, String database, List<Schema> schemas, List<Extension> extensions,
      List<Type> types, List<Function> functions, List<Sequence> sequences, List<Table> tables,
      List<Constraint> constraints, List<Index> indexes, List<View> views, List<Trigger> triggers,
      List<Policy> policies, List<Comment> comments, List<Grant> grants,
      List<Dependency> dependencies, List<Rule> rules, List<Statistics> statistics) {
    this(serverVersion, database, schemas, extensions, types, functions, sequences, tables,
        constraints, indexes, views, triggers, policies, comments, grants, dependencies, rules,
        statistics, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  /** Copies every list. */
  public Catalog {
    Objects.requireNonNull(database, "database");
    schemas = List.copyOf(schemas);
    extensions = List.copyOf(extensions);
    types = List.copyOf(types);
    functions = List.copyOf(functions);
    sequences = List.copyOf(sequences);
    tables = List.copyOf(tables);
    constraints = List.copyOf(constraints);
    indexes = List.copyOf(indexes);
    views = List.copyOf(views);
    triggers = List.copyOf(triggers);
    policies = List.copyOf(policies);
    comments = List.copyOf(comments);
    grants = List.copyOf(grants);
    dependencies = List.copyOf(dependencies);
    rules = List.copyOf(rules);
    statistics = List.copyOf(statistics);
    collations = List.copyOf(collations);
    casts = List.copyOf(casts);
    eventTriggers = List.copyOf(eventTriggers);
    publications = List.copyOf(publications);
    defaultPrivileges = List.copyOf(defaultPrivileges);
    definitions = List.copyOf(definitions);
    inventory = List.copyOf(inventory);
  }

  /** Returns the table with that schema and name, if any. */
  public Optional<Table> table(String schema, String name) {
    return tables.stream().filter(t -> t.schema().equals(schema) && t.name().equals(name)).findFirst();
  }

  /** Returns the names of every schema, in name order. */
  public List<String> schemaNames() {
    return schemas.stream().map(Schema::name).toList();
  }

  /**
   * Identifies one catalog object: its kind and its schema-qualified name (for functions the
   * name includes the argument types; for members such as constraints it is {@code table.member}).
   *
   * @param kind upper-case kind, e.g. {@code TABLE}, {@code TYPE}, {@code FUNCTION}
   * @param schema the schema, or "" for schemas and extensions
   * @param name the name
   */
  public record ObjectRef(String kind, String schema, String name) {
    /** Validates. */
    public ObjectRef {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return kind + " " + schema + "." + name;
    }
  }

  /**
   * A schema.
   *
   * @param name its name
   * @param owner its owner's role name
   */
  public record Schema(String name, String owner) {}

  /**
   * An installed extension.
   *
   * @param name e.g. {@code pg_trgm}
   * @param schema the schema it was created in
   * @param version its version
   * @param configTables its configuration tables ({@code pg_extension_config_dump}): the rows
   *     of these the user's, which a dump carries though the tables are the extension's
   * @param configSequences its configuration sequences, whose values a dump carries
   */
  public record Extension(String name, String schema, String version, List<ConfigTable> configTables,
      List<ConfigSequence> configSequences) {
    /** Copies. */
    public Extension {
      configTables = List.copyOf(configTables);
      configSequences = List.copyOf(configSequences);
    }

    /** An extension without configuration relations. */
    public Extension(String name, String schema, String version) {
      this(name, schema, version, List.of(), List.of());
    }
  }

  /**
   * A table an extension marked as configuration: its rows that {@code filter} selects are the
   * user's (pg_dump dumps them; the extension's script recreates the rest).
   *
   * @param schema its schema
   * @param name its name
   * @param columns the columns a COPY carries, in order (generated ones excluded)
   * @param filter the extension's condition, a {@code WHERE ...} clause, or null for every row
   */
  public record ConfigTable(String schema, String name, List<String> columns, String filter) {
    /** Copies. */
    public ConfigTable {
      columns = List.copyOf(columns);
    }
  }

  /**
   * A sequence an extension marked as configuration, with its value.
   *
   * @param schema its schema
   * @param name its name
   * @param lastValue the current value
   * @param isCalled whether {@code nextval} has been called since the last reset
   */
  public record ConfigSequence(String schema, String name, long lastValue, boolean isCalled) {}

  /**
   * A user-defined type.
   *
   * @param schema its schema
   * @param name its name
   * @param kind {@code enum}, {@code domain}, {@code composite} or {@code range}
   * @param labels enum labels in sort order (empty for other kinds)
   * @param baseType the domain's base type or the range's subtype, as {@code format_type} prints it
   * @param notNull whether the domain is NOT NULL
   * @param defaultExpr the domain's default, or null
   * @param collation the domain's or range's collation ({@code "schema"."name"}), or null
   * @param checks the domain's constraints: name and {@code pg_get_constraintdef}
   * @param attributes the composite type's attributes: name and type (with COLLATE)
   * @param rangeOptions extra range options, e.g. {@code subtype_opclass = ...}
   */
  public record Type(String schema, String name, String kind, List<String> labels, String baseType,
      boolean notNull, String defaultExpr, String collation, List<NamedDef> checks,
      List<NamedDef> attributes, List<String> rangeOptions) {
    /** Copies. */
    public Type {
      labels = List.copyOf(labels);
      checks = List.copyOf(checks);
      attributes = List.copyOf(attributes);
      rangeOptions = List.copyOf(rangeOptions);
    }
  }

  /**
   * A name and a definition.
   *
   * @param name the name
   * @param definition its SQL
   */
  public record NamedDef(String name, String definition) {}

  /**
   * A function, procedure or aggregate.
   *
   * @param schema its schema
   * @param name its name
   * @param identityArgs the argument types, as {@code pg_get_function_identity_arguments} prints them
   * @param kind {@code f} function, {@code p} procedure, {@code a} aggregate, {@code w} window
   * @param definition the complete CREATE statement without the final semicolon
   */
  public record Function(String schema, String name, String identityArgs, String kind, String definition) {
    /** Returns {@code name(args)}, the name used in object references. */
    public String signature() {
      return name + "(" + identityArgs + ")";
    }
  }

  /**
   * A sequence (identity sequences are part of their column instead).
   *
   * @param schema its schema
   * @param name its name
   * @param dataType {@code smallint}, {@code integer} or {@code bigint}
   * @param start start value
   * @param increment increment
   * @param min minimum
   * @param max maximum
   * @param cache cache size
   * @param cycle whether it cycles
   * @param lastValue the current value
   * @param isCalled whether {@code nextval} has been called since the last reset
   * @param ownedByTable the table owning it (OWNED BY), or null
   * @param ownedByColumn the owning column, or null
   * @param unlogged whether it is UNLOGGED
   */
  public record Sequence(String schema, String name, String dataType, long start, long increment,
      long min, long max, long cache, boolean cycle, long lastValue, boolean isCalled,
      String ownedByTable, String ownedByColumn, boolean unlogged) {}

  /**
   * A table.
   *
   * @param schema its schema
   * @param name its name
   * @param partitioned whether it is a partitioned table
   * @param unlogged whether it is UNLOGGED
   * @param partitionOf the parent, when it is a partition ({@code "schema"."name"} quoted), or null
   * @param partitionBound {@code FOR VALUES ...} / {@code DEFAULT}, for partitions
   * @param partitionKey {@code PARTITION BY ...} text of a partitioned table, or null
   * @param inherits quoted parents of an inheritance child (not partitions), in order
   * @param reloptions storage options such as {@code fillfactor=70}, its TOAST table's prefixed
   *     with {@code toast.}
   * @param rowSecurity whether row-level security is enabled
   * @param forceRowSecurity whether it is forced for the owner too
   * @param columns its columns in order, dropped ones excluded
   * @param estimatedRows {@code reltuples} (-1 when never analyzed)
   * @param estimatedBytes the size of its heap
   * @param replicaIdentity {@code FULL}, {@code NOTHING} or {@code USING INDEX "name"}, or null
   *     for the default
   * @param clusterOn the (unquoted) name of the index it is clustered on, or null
   * @param accessMethod its table access method when it is not {@code heap}, else null
   * @param ofType the composite type of a typed table ({@code CREATE TABLE ... OF type}), as
   *     {@code format_type} prints it, else null
   */
  public record Table(String schema, String name, boolean partitioned, boolean unlogged,
      String partitionOf, String partitionBound, String partitionKey, List<String> inherits,
      List<String> reloptions, boolean rowSecurity, boolean forceRowSecurity, List<Column> columns,
      long estimatedRows, long estimatedBytes, String replicaIdentity, String clusterOn,
      String accessMethod, String ofType) {
    /** Creates a table that is not a typed table. */
    public Table(String schema, String name, boolean partitioned, boolean unlogged,
        String partitionOf, String partitionBound, String partitionKey, List<String> inherits,
        List<String> reloptions, boolean rowSecurity, boolean forceRowSecurity,
        List<Column> columns, long estimatedRows, long estimatedBytes, String replicaIdentity,
        String clusterOn, String accessMethod) {
      this(schema, name, partitioned, unlogged, partitionOf, partitionBound, partitionKey,
          inherits, reloptions, rowSecurity, forceRowSecurity, columns, estimatedRows,
          estimatedBytes, replicaIdentity, clusterOn, accessMethod, null);
    }

    /** Copies. */
    public Table {
      inherits = List.copyOf(inherits);
      reloptions = List.copyOf(reloptions);
      columns = List.copyOf(columns);
    }
  }

  /**
   * A column.
   *
   * @param name its name
   * @param type its type with typmod ({@code format_type})
   * @param notNull whether it is NOT NULL
   * @param defaultExpr its default, or null
   * @param identity {@code a} (ALWAYS), {@code d} (BY DEFAULT) or "" (none)
   * @param identitySequence the identity sequence's options, when it is an identity column
   * @param generatedExpr the expression of a STORED generated column, or null
   * @param collation a non-default collation ({@code "schema"."name"}), or null
   * @param local whether it is defined locally (false: only inherited)
   * @param statisticsTarget its {@code SET STATISTICS} target, or -1 for the default
   * @param storage {@code PLAIN}, {@code EXTERNAL}, {@code MAIN} or {@code EXTENDED} when it
   *     differs from its type's default, else null
   * @param notNullName the name of its NOT NULL constraint (PostgreSQL 18+), else null
   * @param compression its {@code COMPRESSION} method ({@code pglz}, {@code lz4}) when set, else
   *     null
   * @param options per-column options such as {@code n_distinct=-0.5}
   */
  public record Column(String name, String type, boolean notNull, String defaultExpr, String identity,
      Sequence identitySequence, String generatedExpr, String collation, boolean local,
      int statisticsTarget, String storage, String notNullName, String compression,
      List<String> options) {
    /** Copies. */
    public Column {
      options = List.copyOf(options);
    }
  }

  /**
   * A rewrite rule other than a view's {@code _RETURN} rule.
   *
   * @param schema the table's schema
   * @param table the table's name
   * @param name the rule's name
   * @param definition {@code pg_get_ruledef}: a complete {@code CREATE RULE} statement
   */
  public record Rule(String schema, String table, String name, String definition) {}

  /**
   * An extended statistics object.
   *
   * @param schema its schema
   * @param name its name
   * @param definition {@code pg_get_statisticsobjdef}: {@code CREATE STATISTICS ...}
   * @param target its {@code SET STATISTICS} target, or -1 for the default
   */
  public record Statistics(String schema, String name, String definition, int target) {}

  /**
   * A table constraint.
   *
   * @param schema the table's schema
   * @param table the table's name
   * @param name the constraint's name
   * @param type {@code p}, {@code u}, {@code f}, {@code c}, {@code x} or {@code t}
   * @param definition {@code pg_get_constraintdef}
   * @param validated whether it is validated (NOT VALID otherwise)
   * @param local whether it is defined locally (false: inherited)
   * @param parentIndex for a partition's constraint attached to the parent's: the parent
   *     constraint's index, quoted; else null
   * @param index the name of the index backing it (p, u, x), or null
   */
  public record Constraint(String schema, String table, String name, String type, String definition,
      boolean validated, boolean local, String parentIndex, String index) {}

  /**
   * An index not backing a constraint.
   *
   * @param schema its schema
   * @param table its table
   * @param name its name
   * @param definition {@code pg_get_indexdef}
   * @param parentIndex the quoted partitioned index it is attached to, or null
   * @param columnTargets {@code SET STATISTICS} targets of its expression columns: name is the
   *     column number, definition the target
   */
  public record Index(String schema, String table, String name, String definition, String parentIndex,
      List<NamedDef> columnTargets) {
    /** Copies. */
    public Index {
      columnTargets = List.copyOf(columnTargets);
    }
  }

  /**
   * A view or materialized view.
   *
   * @param schema its schema
   * @param name its name
   * @param materialized whether it is a materialized view
   * @param populated whether a materialized view holds data
   * @param definition the SELECT ({@code pg_get_viewdef})
   * @param options reloptions such as {@code security_barrier=true}
   * @param columnDefaults defaults of view columns ({@code ALTER VIEW ... SET DEFAULT}): column
   *     name and expression
   * @param columns its columns: name and type ({@code format_type}, with COLLATE when not the
   *     type's default)
   */
  public record View(String schema, String name, boolean materialized, boolean populated,
      String definition, List<String> options, List<NamedDef> columnDefaults,
      List<NamedDef> columns) {
    /** Copies. */
    public View {
      options = List.copyOf(options);
      columnDefaults = List.copyOf(columnDefaults);
      columns = List.copyOf(columns);
    }
  }

  /**
   * A trigger.
   *
   * @param schema the table's schema
   * @param table the table's name
   * @param name the trigger's name
   * @param definition {@code pg_get_triggerdef}, or null for a partition's clone of its parent's
   *     trigger whose enabled state differs from the parent's (only the state is scripted)
   * @param enabled {@code O} (origin), {@code D} (disabled), {@code R} (replica), {@code A} (always)
   */
  public record Trigger(String schema, String table, String name, String definition, String enabled) {}

  /**
   * A row-level security policy.
   *
   * @param schema the table's schema
   * @param table the table's name
   * @param name the policy's name
   * @param permissive whether it is PERMISSIVE
   * @param command {@code ALL}, {@code SELECT}, {@code INSERT}, {@code UPDATE} or {@code DELETE}
   * @param roles role names ({@code PUBLIC} for everyone)
   * @param using the USING expression, or null
   * @param withCheck the WITH CHECK expression, or null
   */
  public record Policy(String schema, String table, String name, boolean permissive, String command,
      List<String> roles, String using, String withCheck) {
    /** Copies. */
    public Policy {
      roles = List.copyOf(roles);
    }
  }

  /**
   * A comment.
   *
   * @param target the SQL naming the object after {@code COMMENT ON}, e.g.
   *     {@code COLUMN "s"."t"."c"}
   * @param post whether the object is created after the data (constraints, indexes, triggers, policies)
   * @param text the comment
   */
  public record Comment(String target, boolean post, String text) {}

  /**
   * One entry of an object's explicit access control list ({@code aclexplode} of
   * {@code nspacl}, {@code relacl}, {@code attacl}, {@code proacl} or {@code typacl}). Objects
   * whose ACL is still the default (NULL) have no entries; an object with an explicit ACL has at
   * least its owner's entry unless the owner revoked its own rights.
   *
   * @param objectType {@code TABLE} (also views and materialized views), {@code SEQUENCE},
   *     {@code SCHEMA}, {@code FUNCTION} (also aggregates), {@code PROCEDURE} or {@code TYPE}
   * @param schema the schema the object lives in (for schemas, the schema itself)
   * @param name the object's name as scripted elsewhere (for functions their signature)
   * @param target the quoted object name, as GRANT takes it, e.g. {@code "s"."f"(integer)}
   * @param column the column for column privileges, or null for the whole object
   * @param privilege e.g. {@code SELECT}
   * @param grantee the role name, or {@code PUBLIC}
   * @param grantable whether WITH GRANT OPTION
   * @param toOwner whether the grantee is the object's owner (implicit after a restore)
   */
  public record Grant(String objectType, String schema, String name, String target, String column,
      String privilege, String grantee, boolean grantable, boolean toOwner) {
    /** Validates. */
    public Grant {
      Objects.requireNonNull(objectType, "objectType");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(privilege, "privilege");
      Objects.requireNonNull(grantee, "grantee");
    }
  }

  /**
   * "from needs to" between two catalog objects.
   *
   * @param from the dependent object
   * @param to the object it needs
   */
  public record Dependency(ObjectRef from, ObjectRef to) {}

  /**
   * One object a dump must keep, as the database names it ({@code pg_identify_object}), or one
   * property of an object that only some dumps can keep (a pseudo-kind such as {@code typed
   * table}).
   *
   * @param kind a lower-case kind, e.g. {@code table}, {@code operator}, {@code cast},
   *     {@code large object}, {@code privileges of an extension member}
   * @param identity the object's schema-qualified, quoted identity, e.g.
   *     {@code s.===(integer,integer)} or {@code (s.e AS integer)}
   * @param owner the owning role's name, or null for a kind that has no owner (casts, triggers,
   *     ...) or a pseudo-kind
   */
  public record InventoryItem(String kind, String identity, String owner) {
    /** Validates. */
    public InventoryItem {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(identity, "identity");
    }

    /** An item without an owner. */
    public InventoryItem(String kind, String identity) {
      this(kind, identity, null);
    }

    @Override
    public String toString() {
      return kind + " " + identity;
    }
  }

  /**
   * A collation.
   *
   * @param schema its schema
   * @param name its name
   * @param options the options of {@code CREATE COLLATION}, e.g. {@code provider = icu, locale = 'de'}
   */
  public record Collation(String schema, String name, String options) {}

  /**
   * A cast.
   *
   * @param source the source type ({@code format_type})
   * @param target the target type
   * @param method {@code WITH FUNCTION f(args)}, {@code WITHOUT FUNCTION} or {@code WITH INOUT}
   * @param context {@code " AS ASSIGNMENT"}, {@code " AS IMPLICIT"} or {@code ""}
   * @param needs the objects it needs (its function, its types), as dependency targets
   */
  public record Cast(String source, String target, String method, String context,
      List<ObjectRef> needs) {
    /** Copies. */
    public Cast {
      needs = List.copyOf(needs);
    }
  }

  /**
   * An event trigger.
   *
   * @param name its name
   * @param event e.g. {@code ddl_command_start}
   * @param tags the {@code WHEN TAG IN} filter, empty for none
   * @param function the function it executes, {@code schema.name()}
   * @param enabled {@code O}, {@code D}, {@code R} or {@code A}, as for triggers
   */
  public record EventTrigger(String name, String event, List<String> tags, String function,
      String enabled) {
    /** Copies. */
    public EventTrigger {
      tags = List.copyOf(tags);
    }
  }

  /**
   * A publication for logical replication.
   *
   * @param name its name
   * @param allTables whether it is {@code FOR ALL TABLES}
   * @param publish the operations it publishes, e.g. {@code insert, update}
   * @param viaRoot {@code publish_via_partition_root}
   * @param members what {@code ALTER PUBLICATION ... ADD} adds, e.g.
   *     {@code TABLE ONLY s.t (a, b) WHERE (a > 0)} or {@code TABLES IN SCHEMA s}
   */
  public record Publication(String name, boolean allTables, String publish, boolean viaRoot,
      List<String> members) {
    /** Copies. */
    public Publication {
      members = List.copyOf(members);
    }
  }

  /**
   * One change {@code ALTER DEFAULT PRIVILEGES} made: a privilege granted beyond, or revoked
   * from, what objects the role creates get by default ({@code acldefault} for database-wide
   * entries, nothing for per-schema entries, which only add).
   *
   * @param role the role whose new objects get these privileges ({@code FOR ROLE})
   * @param schema the schema ({@code IN SCHEMA}), or null for the whole database
   * @param objectType {@code TABLES}, {@code SEQUENCES}, {@code FUNCTIONS}, {@code TYPES},
   *     {@code SCHEMAS} or {@code LARGE OBJECTS}
   * @param revoke whether the privilege is revoked (else granted)
   * @param privilege e.g. {@code SELECT}
   * @param grantee the role name, or {@code PUBLIC}
   * @param grantable whether WITH GRANT OPTION
   */
  public record DefaultPrivilege(String role, String schema, String objectType, boolean revoke,
      String privilege, String grantee, boolean grantable) {
    /** Validates. */
    public DefaultPrivilege {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(objectType, "objectType");
      Objects.requireNonNull(privilege, "privilege");
      Objects.requireNonNull(grantee, "grantee");
    }
  }

  /**
   * An object whose {@code CREATE} statement the catalog reader composes whole from the catalog
   * (no server deparser exists for it).
   *
   * @param kind upper-case kind, e.g. {@code OPERATOR}, {@code TEXT SEARCH DICTIONARY}
   * @param schema its schema
   * @param name its name (operators: {@code name(left,right)})
   * @param sql its complete statements, each ending with {@code ;}, every name qualified
   * @param needs the objects it needs first, as dependency targets
   */
  public record Definition(String kind, String schema, String name, String sql,
      List<ObjectRef> needs) {
    /** Validates and copies. */
    public Definition {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sql, "sql");
      needs = List.copyOf(needs);
    }
  }
}
