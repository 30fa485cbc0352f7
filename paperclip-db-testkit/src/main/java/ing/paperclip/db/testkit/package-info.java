/**
 * A JUnit 5 test kit for services that embed paperclip-db: {@link
 * ing.paperclip.db.testkit.WithPaperclipDatabase} gives a test a real PostgreSQL database with the
 * Paperclip schema migrated, cloned from a per-JVM template so each fresh database costs a
 * {@code CREATE DATABASE ... TEMPLATE}, not a migration. Use it in test scope.
 */
package ing.paperclip.db.testkit;
