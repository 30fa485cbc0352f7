package ing.paperclip.db.backup.dump;

/** The three sections of a logical dump, in the order they are written and restored. */
public enum Section {
  /** Schemas, extensions, types, functions, sequences, tables, views: what rows need to exist. */
  PRE_DATA,
  /** Table rows, as COPY. */
  DATA,
  /** Constraints, indexes, triggers, policies, sequence values, materialized view data, ACLs. */
  POST_DATA
}
