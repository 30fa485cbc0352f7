/**
 * The JUnit 5 harness of paperclip-db's own tests and of paperclip-db-testkit, with the corpora
 * and vectors under {@code corpora/} and {@code vectors/} (not packages: readable by anyone).
 */
module ing.paperclip.db.core.testing {
  requires transitive ing.paperclip.db.core;
  requires transitive org.junit.jupiter.api;
  requires org.postgresql.jdbc;
  requires org.slf4j;

  exports ing.paperclip.db.core.testing;
}
