package ing.paperclip.db.core.references;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Rebuilds {@code issue_reference_mentions} for existing rows: walks issues oldest first
 * ({@code created_at, id}) in keyset-paginated batches, syncing each batch's titles,
 * descriptions, comments and issue documents set-wise, one transaction per batch. Memory is bounded
 * by the batch; re-running gives the same rows; an interrupted run leaves whole batches behind and
 * the next run completes it.
 */
public final class IssueReferenceBackfill {
  /**
   * Counts of one run.
   *
   * @param issues issues scanned
   * @param comments comments scanned
   * @param documents issue documents scanned
   * @param mentions mentions written
   * @param batches batches committed
   */
  public record Result(long issues, long comments, long documents, long mentions, long batches) {}

  private final DataSource dataSource;
  private final int batchSize;

  /** Creates a backfill with batches of {@code batchSize} issues (e.g. 500). */
  public IssueReferenceBackfill(DataSource dataSource, int batchSize) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    if (batchSize < 1) {
      throw new PaperclipException(ErrorCode.INVALID_INPUT, "batch size " + batchSize + " is too small: use at least 1");
    }
    this.batchSize = batchSize;
  }

  /**
   * Runs the backfill.
   *
   * @param companyId one company, or all when empty
   * @param progress receives the running totals after each batch
   */
  public Result run(Optional<UUID> companyId, Consumer<Result> progress) {
    IssueReferenceSync sync = new IssueReferenceSync(dataSource);
    long issues = 0;
    long comments = 0;
    long documents = 0;
    long mentions = 0;
    long batches = 0;
    Timestamp lastAt = null;
    UUID lastId = null;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      while (true) {
        List<IssueReferenceSync.Source> sources = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, company_id, title, description, created_at "
            + "FROM public.issues WHERE (?::uuid IS NULL OR company_id = ?::uuid) "
            + "AND (?::timestamptz IS NULL OR (created_at, id) > (?::timestamptz, ?::uuid)) "
            + "ORDER BY created_at, id LIMIT ?")) {
          UUID comp = companyId.orElse(null);
          ps.setObject(1, comp);
          ps.setObject(2, comp);
          ps.setTimestamp(3, lastAt);
          ps.setTimestamp(4, lastAt);
          ps.setObject(5, lastId);
          ps.setInt(6, batchSize);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              UUID id = rs.getObject(1, UUID.class);
              UUID company = rs.getObject(2, UUID.class);
              ids.add(id);
              sources.add(new IssueReferenceSync.Source(company, id, "title", null, null, rs.getString(3)));
              sources.add(new IssueReferenceSync.Source(company, id, "description", null, null, rs.getString(4)));
              lastAt = rs.getTimestamp(5);
              lastId = id;
            }
          }
        }
        if (ids.isEmpty()) {
          break;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id, company_id, issue_id, body FROM public.issue_comments "
            + "WHERE issue_id = ANY (?) AND deleted_at IS NULL")) {
          ps.setArray(1, IssueReferenceSync.uuids(c, ids));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              sources.add(new IssueReferenceSync.Source(rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                  "comment", rs.getObject(1, UUID.class), null, rs.getString(4)));
              comments++;
            }
          }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT d.id, idoc.company_id, idoc.issue_id, idoc.key, d.latest_body "
            + "FROM public.issue_documents idoc JOIN public.documents d ON d.id = idoc.document_id WHERE idoc.issue_id = ANY (?)")) {
          ps.setArray(1, IssueReferenceSync.uuids(c, ids));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              sources.add(new IssueReferenceSync.Source(rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                  "document", rs.getObject(1, UUID.class), rs.getString(4), rs.getString(5)));
              documents++;
            }
          }
        }
        mentions += sync.replace(c, sources, true);
        c.commit();
        issues += ids.size();
        batches++;
        progress.accept(new Result(issues, comments, documents, mentions, batches));
      }
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.DATABASE, "issue reference backfill failed after " + issues
          + " issues: " + e.getMessage() + "; run it again to continue", e);
    }
    return new Result(issues, comments, documents, mentions, batches);
  }
}
