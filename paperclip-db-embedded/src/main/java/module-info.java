/**
 * PostgreSQL server binaries for paperclip-db's embedded mode. The archive and its descriptor sit
 * under {@code META-INF/paperclip-db/} (not a package, so core finds them on the module path too).
 * The only class, the build-time repacker, is not exported; its libraries are build-time only.
 */
module ing.paperclip.db.embedded {
  requires static org.apache.commons.compress;
  requires static org.tukaani.xz;
}
