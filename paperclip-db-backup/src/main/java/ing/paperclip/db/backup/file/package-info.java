/**
 * Backup files: naming ({@link ing.paperclip.db.backup.file.BackupFile}), the fixed lines of
 * formats 1 and 2 ({@link ing.paperclip.db.backup.file.BackupFormat}), the manifest every file carries
 * ({@link ing.paperclip.db.backup.file.BackupManifest}) and the one-pass, database-free
 * {@link ing.paperclip.db.backup.file.BackupVerifier}.
 *
 * <p>A backup file is gzip (one or more members) of UTF-8 plain SQL: a header, session settings,
 * {@code BEGIN;}, the pre-data, data ({@code COPY ... FROM stdin} blocks) and post-data sections,
 * {@code COMMIT;}, then the manifest line and the end line. {@code gunzip -c FILE | psql} restores
 * it without paperclip-db.
 */
package ing.paperclip.db.backup.file;
