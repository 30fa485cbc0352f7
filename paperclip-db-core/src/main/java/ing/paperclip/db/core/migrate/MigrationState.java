package ing.paperclip.db.core.migrate;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
   * @param coreSchemaPresent whether the Paperclip core tables seem to exist (then adoption is
   *     possible)
   * @param drizzle the original Paperclip's Drizzle journal, when the database has one: it was made
   *     by the original server and {@code db migrate --adopt} can take it over
   */
  record Unsafe(int tables, boolean coreSchemaPresent, Optional<DrizzleJournal> drizzle) implements MigrationState {
    /** Validates. */
    public Unsafe {
      Objects.requireNonNull(drizzle, "drizzle");
    }

    /** A database without any journal. */
    public Unsafe(int tables, boolean coreSchemaPresent) {
      this(tables, coreSchemaPresent, Optional.empty());
    }
  }

  /**
   * The original Paperclip's migration journal, {@code drizzle.__drizzle_migrations}: one row per
   * applied Drizzle migration, holding the SHA-256 of the migration file and the {@code when} of
   * its entry in the original's {@code meta/_journal.json} (milliseconds). The migration's tag
   * (e.g. {@code 0217_yielding_starbolt}) is not stored in the database.
   *
   * @param migrations how many rows it holds
   * @param newestId the id of its newest row (0 when empty)
   * @param newestHash that row's hash, or "" when empty
   * @param newestWhen that row's {@code created_at} as a time, or null when empty or unset
   */
  record DrizzleJournal(int migrations, long newestId, String newestHash, Instant newestWhen) {
    /** Validates. */
    public DrizzleJournal {
      Objects.requireNonNull(newestHash, "newestHash");
    }

    /** Returns e.g. {@code Paperclip (Drizzle) database, 216 migrations, newest #216 of 2026-08-14T...Z (hash 482f59aee262)}. */
    public String describe() {
      return "Paperclip (Drizzle) database, " + migrations + " migrations, newest " + newest();
    }

    /** Returns the newest migration as far as the journal tells: its row id, date and hash prefix. */
    public String newest() {
      if (migrations == 0) {
        return "none";
      }
      return "#" + newestId + (newestWhen == null ? "" : " of " + newestWhen)
          + " (hash " + newestHash.substring(0, Math.min(12, newestHash.length())) + ")";
    }
  }

  /**
   * What {@code db migrate --adopt} did.
   *
   * @param marked the changesets recorded as applied, without running them
   * @param comparedTables the core tables whose shapes were compared and found equal
   * @param drizzle the original's journal found (left untouched), if any
   */
  record Adoption(List<Changeset> marked, List<String> comparedTables, Optional<DrizzleJournal> drizzle) {
    /** Copies. */
    public Adoption {
      marked = List.copyOf(marked);
      comparedTables = List.copyOf(comparedTables);
      Objects.requireNonNull(drizzle, "drizzle");
    }
  }

  /**
   * One changeset.
   *
   * @param id its id, e.g. {@code 002-companies}
   * @param author its author
   * @param description Liquibase's description of its changes
   */
  record Changeset(String id, String author, String description) {}

  /**
   * Returns a short word for status output: up-to-date, pending, unsafe, or paperclip-drizzle (a
   * database of the original Paperclip, to adopt).
   */
  default String label() {
    if (this instanceof UpToDate) {
      return "up-to-date";
    }
    if (this instanceof Unsafe u && u.drizzle().isPresent()) {
      return "paperclip-drizzle";
    }
    return this instanceof Pending ? "pending" : "unsafe";
  }
}
