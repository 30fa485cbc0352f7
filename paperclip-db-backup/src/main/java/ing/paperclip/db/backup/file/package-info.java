/**
 * Backup files: naming ({@link ing.paperclip.db.backup.file.BackupFile}), the fixed lines of
 * formats 1 and 2 ({@link ing.paperclip.db.backup.file.BackupFormat}), the one writer of those
 * lines ({@link ing.paperclip.db.backup.file.BackupWriter}), the manifest every file carries
 * ({@link ing.paperclip.db.backup.file.BackupManifest}) and the readers: the header
 * ({@link ing.paperclip.db.backup.file.BackupHeader}) and the one-pass, database-free
 * {@link ing.paperclip.db.backup.file.BackupVerifier}.
 *
 * <p>Who writes what: {@link ing.paperclip.db.backup.file.BackupWriter} writes every line of a file
 * (header, settings, {@code BEGIN;}, sections, entries, data blocks, {@code COMMIT;}, manifest, end
 * line) and pg_dump's text as a foreign body. The engines in {@code backup.internal} hand it schema
 * objects and COPY streams; the byte sink under it (gzip members, spools, counting and hashing) is
 * package-private here, so no other code can write around it.
 *
 * <p>A backup file is gzip (one or more members) of UTF-8 plain SQL: a header, session settings,
 * {@code BEGIN;}, the pre-data, data ({@code COPY ... FROM stdin} blocks) and post-data sections,
 * {@code COMMIT;}, then the manifest line and the end line. {@code gunzip -c FILE | psql} restores
 * it without paperclip-db.
 */
package ing.paperclip.db.backup.file;
