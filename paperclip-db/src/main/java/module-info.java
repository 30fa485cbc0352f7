/** The one-object facade over paperclip-db: {@link ing.paperclip.db.PaperclipDatabase}. */
module ing.paperclip.db {
  requires transitive ing.paperclip.db.core;
  requires transitive ing.paperclip.db.backup;
  requires transitive ing.paperclip.db.secrets;
  requires transitive ing.paperclip.db.plugins;
  // The facade depends on the binaries artifact: requiring it puts it in the module graph, where
  // core's class loader finds its META-INF/paperclip-db/ archive.
  requires ing.paperclip.db.embedded;
  requires org.slf4j;

  exports ing.paperclip.db;
}
