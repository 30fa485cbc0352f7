/**
 * paperclip-db core: connection settings, pools, the embedded PostgreSQL manager, core schema
 * migrations (Liquibase), the SQL lexer, catalog reading and issue references. Everything under an
 * {@code internal} package is not exported.
 */
module ing.paperclip.db.core {
  // ConfigFile's API hands out Jackson tree nodes (ObjectNode, JsonNode).
  requires transitive com.fasterxml.jackson.databind;
  requires transitive java.sql;
  // ConnectionPools hands out HikariDataSource.
  requires transitive com.zaxxer.hikari;
  requires liquibase.core;
  requires org.apache.commons.compress;
  // Read by commons-compress for .txz archives; commons-compress only requires it statically.
  requires org.tukaani.xz;
  requires org.postgresql.jdbc;
  requires org.slf4j;

  exports ing.paperclip.db.core;
  exports ing.paperclip.db.core.catalog;
  exports ing.paperclip.db.core.embedded;
  exports ing.paperclip.db.core.io;
  exports ing.paperclip.db.core.keys;
  exports ing.paperclip.db.core.migrate;
  exports ing.paperclip.db.core.pool;
  exports ing.paperclip.db.core.references;
  exports ing.paperclip.db.core.settings;
  exports ing.paperclip.db.core.sql;

  // The changelog files, read by Liquibase through the class loader: a resource in a named
  // module's package is found that way only when the package is open to everyone.
  opens ing.paperclip.db.core.migrate.changelog;
}
