/**
 * PostgreSQL 17 server binaries for paperclip-db's embedded mode, under
 * {@code META-INF/paperclip-db/} (not a package: found on the module path too). No classes.
 */
module ing.paperclip.db.embedded.pg17 {}
