package ing.paperclip.db.backup.restore;

/**
 * How to restore.
 *
 * @param clean drop every non-system schema and non-default extension of the target first (in
 *     the restore's transaction); without it a non-empty target is refused
 * @param noOwner skip {@code ALTER ... OWNER TO} statements (pg_dump files name roles that may
 *     not exist on the target); our own files carry no ownership
 */
public record RestoreOptions(boolean clean, boolean noOwner) {
  /** The defaults: refuse non-empty targets, skip ownership. */
  public static final RestoreOptions DEFAULTS = new RestoreOptions(false, true);

  /** Returns a copy with {@code clean} set. */
  public RestoreOptions withClean(boolean value) {
    return new RestoreOptions(value, noOwner);
  }
}
