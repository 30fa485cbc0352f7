package ing.paperclip.db.core.references;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Keeps {@code issue_reference_mentions} in step with one source: an issue's title and
 * description, a comment, or an issue document. References resolve within the source issue's
 * company only; self references are dropped; the source's rows are replaced in one transaction.
 *
 * <p>Stateless apart from the data source; thread-safe.
 */
public final class IssueReferenceSync {
  private final DataSource dataSource;
  private final IssueReferenceParser parser = new IssueReferenceParser();

  /** Creates a sync over the runtime data source. */
  public IssueReferenceSync(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * One text source.
   *
   * @param companyId the company
   * @param issueId the issue the text belongs to
   * @param kind {@code title}, {@code description}, {@code comment} or {@code document}
   * @param recordId the comment or document id, null for title and description
   * @param documentKey the issue document's key, for documents
   * @param text the text
   */
  public record Source(UUID companyId, UUID issueId, String kind, UUID recordId, String documentKey, String text) {}

  /** Syncs an issue's title and description; returns the mentions written. */
  public int syncIssue(UUID issueId) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      List<Source> sources = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT company_id, title, description FROM public.issues WHERE id = ?")) {
        ps.setObject(1, issueId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new PaperclipException(ErrorCode.INVALID_INPUT, "no issue " + issueId);
          }
          UUID company = rs.getObject(1, UUID.class);
          sources.add(new Source(company, issueId, "title", null, null, rs.getString(2)));
          sources.add(new Source(company, issueId, "description", null, null, rs.getString(3)));
        }
      }
      int n = replace(c, sources, false);
      c.commit();
      return n;
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.DATABASE, "cannot sync references of issue " + issueId + ": " + e.getMessage(), e);
    }
  }

  /** Syncs one comment; returns the mentions written. */
  public int syncComment(UUID commentId) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      List<Source> sources = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT company_id, issue_id, body FROM public.issue_comments WHERE id = ?")) {
        ps.setObject(1, commentId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new PaperclipException(ErrorCode.INVALID_INPUT, "no comment " + commentId);
          }
          sources.add(new Source(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), "comment", commentId, null, rs.getString(3)));
        }
      }
      int n = replace(c, sources, false);
      c.commit();
      return n;
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.DATABASE, "cannot sync references of comment " + commentId + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the mentions of the given sources in the caller's transaction.
   *
   * @param wholeIssues when true, every mention whose source is one of the sources' issues is
   *     replaced (backfill); otherwise only each source's own rows
   * @return mentions written
   */
  int replace(Connection c, List<Source> sources, boolean wholeIssues) throws SQLException {
    if (sources.isEmpty()) {
      return 0;
    }
    Map<UUID, Set<String>> wanted = new HashMap<>();
    Map<Source, List<IssueReference>> refs = new HashMap<>();
    for (Source s : sources) {
      List<IssueReference> r = parser.parse(s.text());
      refs.put(s, r);
      r.forEach(x -> wanted.computeIfAbsent(s.companyId(), k -> new LinkedHashSet<>()).add(x.identifier()));
    }
    Map<String, UUID> resolved = resolve(c, wanted);
    if (wholeIssues) {
      try (PreparedStatement del = c.prepareStatement(
          "DELETE FROM public.issue_reference_mentions WHERE source_issue_id = ANY (?)")) {
        del.setArray(1, uuids(c, sources.stream().map(Source::issueId).distinct().toList()));
        del.executeUpdate();
      }
    } else {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM public.issue_reference_mentions "
          + "WHERE source_issue_id = ? AND source_kind = ? AND source_record_id IS NOT DISTINCT FROM ?")) {
        for (Source s : sources) {
          del.setObject(1, s.issueId());
          del.setString(2, s.kind());
          del.setObject(3, s.recordId());
          del.addBatch();
        }
        del.executeBatch();
      }
    }
    int written = 0;
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO public.issue_reference_mentions "
        + "(company_id, source_issue_id, target_issue_id, source_kind, source_record_id, document_key, matched_text) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (Source s : sources) {
        for (IssueReference r : refs.get(s)) {
          UUID target = resolved.get(s.companyId() + "/" + r.identifier());
          if (target == null || target.equals(s.issueId())) {
            continue;
          }
          ins.setObject(1, s.companyId());
          ins.setObject(2, s.issueId());
          ins.setObject(3, target);
          ins.setString(4, s.kind());
          ins.setObject(5, s.recordId());
          ins.setString(6, s.documentKey());
          ins.setString(7, r.matchedText());
          ins.addBatch();
          written++;
        }
      }
      if (written > 0) {
        ins.executeBatch();
      }
    }
    return written;
  }

  private static Map<String, UUID> resolve(Connection c, Map<UUID, Set<String>> wanted) throws SQLException {
    Map<String, UUID> out = new HashMap<>();
    if (wanted.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT id, upper(identifier) FROM public.issues "
        + "WHERE company_id = ? AND upper(identifier) = ANY (?)")) {
      for (Map.Entry<UUID, Set<String>> e : wanted.entrySet()) {
        ps.setObject(1, e.getKey());
        ps.setArray(2, c.createArrayOf("text", e.getValue().toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(e.getKey() + "/" + rs.getString(2), rs.getObject(1, UUID.class));
          }
        }
      }
    }
    return out;
  }

  static Array uuids(Connection c, Collection<UUID> ids) throws SQLException {
    return c.createArrayOf("uuid", ids.toArray());
  }
}
