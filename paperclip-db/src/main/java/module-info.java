/** The one-object facade over paperclip-db: {@link ing.paperclip.db.PaperclipDatabase}. */
module ing.paperclip.db {
  requires transitive ing.paperclip.db.core;
  requires transitive ing.paperclip.db.backup;
  requires transitive ing.paperclip.db.secrets;
  requires transitive ing.paperclip.db.plugins;
  requires org.slf4j;

  exports ing.paperclip.db;
}
