/**
 * The {@code paperclipai} command line. A program, not a library: no package is exported. picocli
 * and Jackson reach its commands and JSON results by reflection.
 */
module ing.paperclip.cli {
  requires ing.paperclip.db.core;
  requires ing.paperclip.db.backup;
  requires ing.paperclip.db.secrets;
  requires ing.paperclip.db.plugins;
  // The PostgreSQL binaries of the embedded mode (resources only): in the module graph for core.
  requires ing.paperclip.db.embedded;
  requires com.zaxxer.hikari;
  requires info.picocli;
  requires org.apache.commons.compress;
  requires org.slf4j;

  opens ing.paperclip.cli to info.picocli, com.fasterxml.jackson.databind;
  opens ing.paperclip.cli.db to info.picocli, com.fasterxml.jackson.databind;
  opens ing.paperclip.cli.instance to info.picocli, com.fasterxml.jackson.databind;
  opens ing.paperclip.cli.plugins to info.picocli, com.fasterxml.jackson.databind;
  opens ing.paperclip.cli.references to info.picocli, com.fasterxml.jackson.databind;
  opens ing.paperclip.cli.secrets to info.picocli, com.fasterxml.jackson.databind;
}
