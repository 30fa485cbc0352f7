/**
 * Finding a pg_dump that fits a server, for the {@code pg_dump} and {@code auto} backup engines:
 * {@link ing.paperclip.db.backup.pgdump.PgDumpLocator} looks at {@code PAPERCLIP_PG_DUMP_PATH},
 * {@code PATH} and the usual installation directories and asks each candidate its version.
 */
package ing.paperclip.db.backup.pgdump;
