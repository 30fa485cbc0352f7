/**
 * Implementation of backups: the java and pg_dump engines, atomic private files, gzip members and
 * spools, streaming checksums. Not API: may change in any release.
 */
package ing.paperclip.db.backup.internal;
