/** paperclip-db plugins: a schema, a login role and migrations per plugin. */
module ing.paperclip.db.plugins {
  requires transitive ing.paperclip.db.core;
  requires org.postgresql.jdbc;
  requires org.slf4j;

  exports ing.paperclip.db.plugins;
  exports ing.paperclip.db.plugins.sql;
}
