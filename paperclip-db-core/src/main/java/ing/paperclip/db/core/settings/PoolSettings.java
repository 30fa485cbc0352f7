package ing.paperclip.db.core.settings;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.time.Duration;
import java.util.Objects;

/**
 * Connection pool settings, shared by the runtime and migration pools.
 *
 * @param maxSize most connections a pool opens, 1..1000 (default 10)
 * @param idleTimeout how long an idle connection is kept, at least 10 s (default 10 min)
 * @param connectTimeout how long to wait for a connection, 250 ms..10 min (default 10 s)
 * @param preparedStatements whether server-side prepared statements are used (default true;
 *     turn off behind transaction-mode poolers such as PgBouncer or Supavisor on port 6543)
 */
public record PoolSettings(int maxSize, Duration idleTimeout, Duration connectTimeout,
    boolean preparedStatements) {

  /** The defaults: 10 connections, 10 min idle, 10 s connect, prepared statements on. */
  public static final PoolSettings DEFAULTS =
      new PoolSettings(10, Duration.ofMinutes(10), Duration.ofSeconds(10), true);

  /** Validates: messages name the setting, the bad value and the limit. */
  public PoolSettings {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (maxSize < 1 || maxSize > 1000) {
      throw bad("pool max " + maxSize + " is out of range: use 1..1000");
    }
    if (idleTimeout.compareTo(Duration.ofSeconds(10)) < 0) {
      throw bad("pool idle timeout " + idleTimeout.toMillis() + " ms is too short: use at least 10000 ms");
    }
    if (connectTimeout.compareTo(Duration.ofMillis(250)) < 0
        || connectTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw bad("connect timeout " + connectTimeout.toMillis() + " ms is out of range: use 250..600000 ms");
    }
  }

  /** Returns a copy with another maximum size. */
  public PoolSettings withMaxSize(int max) {
    return new PoolSettings(max, idleTimeout, connectTimeout, preparedStatements);
  }

  private static PaperclipException bad(String message) {
    return new PaperclipException(ErrorCode.CONFIGURATION, message);
  }
}
