package com.example.clips;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** A downstream service's data access over Paperclip's core tables, in plain JDBC. */
public final class CompanyDirectory {
  private final DataSource dataSource;

  public CompanyDirectory(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Creates a company and returns its id. */
  public UUID create(String name, String issuePrefix) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO public.companies (name, issue_prefix) VALUES (?, ?) RETURNING id")) {
      ps.setString(1, name);
      ps.setString(2, issuePrefix);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getObject(1, UUID.class);
      }
    }
  }

  /** Files an issue for a company, numbering it from the company's counter (ACM-1, ACM-2, ...). */
  public String fileIssue(UUID companyId, String title) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement next = c.prepareStatement("UPDATE public.companies SET issue_counter = "
              + "issue_counter + 1 WHERE id = ? RETURNING issue_prefix || '-' || issue_counter");
          PreparedStatement insert = c.prepareStatement(
              "INSERT INTO public.issues (company_id, title, identifier) VALUES (?, ?, ?)")) {
        next.setObject(1, companyId);
        String identifier;
        try (ResultSet rs = next.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalArgumentException("no company " + companyId);
          }
          identifier = rs.getString(1);
        }
        insert.setObject(1, companyId);
        insert.setString(2, title);
        insert.setString(3, identifier);
        insert.executeUpdate();
        c.commit();
        return identifier;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Returns the company with this issue prefix. */
  public Optional<UUID> findByPrefix(String issuePrefix) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT id FROM public.companies WHERE issue_prefix = ?")) {
      ps.setString(1, issuePrefix);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
      }
    }
  }

  /** Counts a company's issues. */
  public long issueCount(UUID companyId) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM public.issues WHERE company_id = ?")) {
      ps.setObject(1, companyId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
