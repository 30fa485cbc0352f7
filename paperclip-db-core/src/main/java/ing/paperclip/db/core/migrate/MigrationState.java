package ing.paperclip.db.core.migrate;

import java.util.List;

/**
 * Where a database stands with respect to the core schema.
 *
 * <p>A sealed hierarchy of records: switch on it.
 */
public sealed interface MigrationState {
  /** Every changeset is applied. */
  record UpToDate(int applied) implements MigrationState {}

  /**
   * Changesets wait to be applied.
   *
   * @param applied how many are applied already (0 on an empty database)
   * @param pending the pending changesets, in order
   */
  record Pending(int applied, List<Changeset> pending) implements MigrationState {
    /** Copies. */
    public Pending {
      pending = List.copyOf(pending);
    }
  }

  /**
   * The database holds tables but no migration journal: applying the changelog could collide
   * with or damage what is there, so it is refused.
   *
   * @param tables how many tables exist outside system schemas
   * @param coreSchemaPresent whether the Paperclip core tables seem to exist (then a baseline is
   *     possible)
   */
  record Unsafe(int tables, boolean coreSchemaPresent) implements MigrationState {}

  /**
   * One changeset.
   *
   * @param id its id, e.g. {@code 002-companies}
   * @param author its author
   * @param description Liquibase's description of its changes
   */
  record Changeset(String id, String author, String description) {}

  /** Returns a short word for status output: up-to-date, pending or unsafe. */
  default String label() {
    if (this instanceof UpToDate) {
      return "up-to-date";
    }
    return this instanceof Pending ? "pending" : "unsafe";
  }
}
