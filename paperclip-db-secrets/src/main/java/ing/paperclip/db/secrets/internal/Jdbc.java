package ing.paperclip.db.secrets.internal;

import ing.paperclip.db.secrets.SecretsException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The little JDBC the secrets module needs: statements with every value bound, rows mapped, one
 * transaction per unit of work. Messages name the statement's purpose, never a value.
 */
public final class Jdbc {
  private Jdbc() {}

  /** Work inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    /** Runs on the transaction's connection. */
    T run(Connection tx) throws SQLException;
  }

  /** Maps the current row. */
  @FunctionalInterface
  public interface Row<T> {
    /** Maps the row the result set is on. */
    T map(ResultSet rs) throws SQLException;
  }

  /**
   * Runs work in one transaction: committed when it returns, rolled back when it throws.
   *
   * @throws SecretsException for a database error (the SQLException is the cause)
   */
  public static <T> T inTransaction(DataSource dataSource, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Runs a statement and returns the rows it changed. */
  public static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args)) {
      return ps.executeUpdate();
    }
  }

  /** Runs a query and maps every row. */
  public static <T> List<T> list(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.map(rs));
      }
      return out;
    }
  }

  /** Runs a query and maps its first row, if any. */
  public static <T> Optional<T> first(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
    }
  }

  /** The exception for a database error outside the expected ones. */
  public static SecretsException failed(SQLException e) {
    return new SecretsException("secrets store: database error (SQLSTATE " + e.getSQLState() + "): "
        + e.getMessage(), e);
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps;
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
  }
}
