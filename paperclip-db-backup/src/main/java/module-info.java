/**
 * paperclip-db backups: logical backups of every non-system schema, their verification, retention,
 * scheduling and restore. {@code ing.paperclip.db.backup.internal} is not exported.
 */
module ing.paperclip.db.backup {
  requires transitive ing.paperclip.db.core;
  requires org.postgresql.jdbc;
  requires org.slf4j;

  exports ing.paperclip.db.backup;
  exports ing.paperclip.db.backup.dump;
  exports ing.paperclip.db.backup.file;
  exports ing.paperclip.db.backup.pgdump;
  exports ing.paperclip.db.backup.restore;
  exports ing.paperclip.db.backup.retention;
  exports ing.paperclip.db.backup.schedule;
  exports ing.paperclip.db.backup.script;
  exports ing.paperclip.db.backup.settings;

  // Jackson binds the manifest (BackupManifest, VerificationLog) by reflection.
  opens ing.paperclip.db.backup.file to com.fasterxml.jackson.databind;
  // internal/tool.properties, read with Class.getResourceAsStream from this module: no opens needed.
}
