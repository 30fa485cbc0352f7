package ing.paperclip.db.core.settings;

/** How an instance reaches PostgreSQL. */
public enum DatabaseMode {
  /** The bundled PostgreSQL, run by paperclip-db on the instance's data directory. */
  EMBEDDED,
  /** A server named by a connection URL: local or hosted. */
  EXTERNAL
}
