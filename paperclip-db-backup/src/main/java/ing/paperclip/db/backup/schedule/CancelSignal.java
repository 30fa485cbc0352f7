package ing.paperclip.db.backup.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets a running job learn that it must stop and register how to stop it (for example
 * {@code Connection.abort}, which unblocks a JDBC call that interruption cannot). Thread-safe.
 */
public final class CancelSignal {
  private final List<Runnable> actions = new ArrayList<>();
  private boolean cancelled;
  private String reason = "";

  /** Creates a signal that is not cancelled. */
  public CancelSignal() {}

  /** Registers an action run once on cancellation (at once if already cancelled). */
  public void onCancel(Runnable action) {
    boolean runNow;
    synchronized (this) {
      runNow = cancelled;
      if (!runNow) {
        actions.add(action);
      }
    }
    if (runNow) {
      action.run();
    }
  }

  /** Cancels: runs every registered action once. Later calls do nothing. */
  public void cancel(String why) {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      reason = why;
      toRun = new ArrayList<>(actions);
      actions.clear();
    }
    for (Runnable r : toRun) {
      try {
        r.run();
      } catch (RuntimeException ignored) {
        // cancelling is best effort; the job still sees isCancelled()
      }
    }
  }

  /** Returns whether {@link #cancel} was called. */
  public synchronized boolean isCancelled() {
    return cancelled;
  }

  /** Returns why it was cancelled, or "" if it was not. */
  public synchronized String reason() {
    return reason;
  }
}
