package ing.paperclip.db.backup.restore;

import ing.paperclip.db.backup.file.BackupEvent;
import ing.paperclip.db.backup.file.BackupFormat;
import ing.paperclip.db.backup.file.BackupReader;
import ing.paperclip.db.backup.script.ScriptPolicy;
import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Runs a plan's steps, exactly in their order, on one connection in its transaction (the caller
 * begins and commits it). A step's statements are the plan's; only the rows stream from the file,
 * read once from the start: a COPY block's bytes (found at the line its step names, checked
 * against the step as they load: {@link TableLoader}) and the INSERT statements of an
 * {@link RestoreStep.InsertRows}. Every item read is checked again by the file's allowlist (the
 * file is read a second time). The file is not read at all when the plan loads no rows.
 */
final class OneTransaction implements BackupReader.Handler {
  private final Connection c;
  private final RestorePlan plan;
  private final RestoreListener listener;
  private final ScriptPolicy policy;
  private final List<RestoreStep> steps;
  private final List<RestoreStep.LoadTableData> members;
  private final DataProgress progress;
  private final int tablesTotal;
  /** The COPY each data step runs: its own, or into a scratch table ({@link SchemaReplacement}). */
  private final java.util.function.Function<RestoreStep.LoadTableData, String> copyInto;
  private Statement st;
  private int next;
  private TableLoader loading;
  /** Whether the current data block is one a selective plan leaves out. */
  private boolean skipping;
  private RestoreStep.InsertRows inserting;
  private long insertsLeft;
  private long statements;
  private long tables;
  private long rows;
  private long bytes;
  // the position in the raw file, for the progress
  private long raw;
  private long reportedRaw;
  private int member;
  private long membersDone;

  /**
   * @param policy the allowlist the streamed INSERT statements are checked against again, or
   *     null when the user vouches for the file
   */
  OneTransaction(Connection c, RestorePlan plan, RestoreListener listener, ScriptPolicy policy) {
    this(c, plan, listener, policy, RestoreStep.LoadTableData::copySql);
  }

  /**
   * @param copyInto the COPY statement a data step runs (the file's block is still checked against
   *     the step's own)
   */
  OneTransaction(Connection c, RestorePlan plan, RestoreListener listener, ScriptPolicy policy,
      java.util.function.Function<RestoreStep.LoadTableData, String> copyInto) {
    this.copyInto = copyInto;
    this.c = c;
    this.plan = plan;
    this.listener = listener;
    this.policy = policy;
    this.steps = plan.steps();
    this.members = plan.membersKnown() ? plan.tableData() : null;
    this.progress = new DataProgress(listener, plan.dataBytes());
    this.tablesTotal = plan.tableData().size();
  }

  long statements() {
    return statements;
  }

  long tables() {
    return tables;
  }

  long rows() {
    return rows;
  }

  /** Runs every step. */
  void run() throws SQLException, IOException {
    try (Statement s = c.createStatement()) {
      st = s;
      if (steps.stream().anyMatch(OneTransaction::isData)) {
        try (InputStream in = BackupFormat.openText(new RawBytes(Files.newInputStream(plan.file()), Long.MAX_VALUE,
            this::rawRead))) {
          new BackupReader(in).read(this);
        }
      }
      runUntilData();
      if (next < steps.size()) {
        throw changed("it holds fewer data blocks than when it was verified");
      }
      progress.finish();
    } finally {
      abort();
    }
  }

  private static boolean isData(RestoreStep s) {
    return s instanceof RestoreStep.LoadTableData || s instanceof RestoreStep.InsertRows;
  }

  /** Runs the steps up to the next data step. */
  private void runUntilData() {
    while (next < steps.size() && !isData(steps.get(next))) {
      execute(steps.get(next++));
    }
  }

  private void execute(RestoreStep step) {
    for (String sql : step.sql()) {
      try {
        st.execute(sql);
        statements++;
      } catch (SQLException e) {
        String hint = "42501".equals(e.getSQLState()) && sql.contains("session_replication_role")
            ? " (this backup of the original Paperclip disables triggers and needs a superuser)" : "";
        String what = step instanceof RestoreStep.CreateObject o && !o.name().isEmpty() ? o.kind() + " " + o.name()
            : summary(sql);
        throw new PaperclipException(ErrorCode.RESTORE, "restore failed at line " + step.line() + " ("
            + what + "): " + RestoreService.oneLine(e) + hint, e);
      }
    }
  }

  /** The data step the file's next rows belong to, after running the steps before it. */
  private RestoreStep nextData(long line) {
    runUntilData();
    if (next >= steps.size() || steps.get(next).line() != line) {
      throw changed("it holds a data block at line " + line + " that was not planned");
    }
    return steps.get(next);
  }

  @Override
  public void event(BackupEvent event) {
    if (policy != null) {
      // the file is read a second time: what it holds now is checked again, whatever streams from it
      policy.check(event);
    }
    if (event instanceof BackupEvent.DataEnd) {
      dataEnd();
      return;
    }
    if (!(event instanceof BackupEvent.Item item)) {
      return; // markers: the plan has what they said
    }
    if (inserting != null) {
      insert(item);
      return;
    }
    if (item instanceof BackupEvent.DataStart cs) {
      if (plan.selective() && unplanned(cs.line())) {
        skipping = true;
        return;
      }
      if (!(nextData(cs.line()) instanceof RestoreStep.LoadTableData d) || !d.copySql().equals(cs.copySql())) {
        throw changed("its data block at line " + cs.line() + " is not the one planned");
      }
      loading = new TableLoader(c, d, copyInto.apply(d), plan.file());
      return;
    }
    if (item instanceof BackupEvent.Sql s && next < steps.size()) {
      int i = next;
      while (i < steps.size() && !isData(steps.get(i))) {
        i++;
      }
      if (i < steps.size() && steps.get(i) instanceof RestoreStep.InsertRows r && r.line() == s.line()) {
        nextData(s.line());
        inserting = r;
        insertsLeft = r.statements();
        insert(item);
      }
    }
    // every other statement of the file is run as its step says, not as read again
  }

  private void insert(BackupEvent.Item item) {
    if (!(item instanceof BackupEvent.Sql s) || !RestorePlanner.insertsInto(s.sql(), inserting.table())) {
      throw changed("the INSERT statements into " + inserting.table() + " from line " + inserting.line()
          + " are not the ones planned");
    }
    try {
      st.execute(s.sql());
      statements++;
    } catch (SQLException e) {
      throw new PaperclipException(ErrorCode.RESTORE, "restore failed at line " + s.line() + " (INSERT INTO "
          + inserting.table() + "): " + RestoreService.oneLine(e), e);
    }
    if (--insertsLeft == 0) {
      inserting = null;
      next++;
    }
  }

  /** Whether the data block at this line comes before the next planned one (a selective plan leaves it out). */
  private boolean unplanned(long line) {
    for (int i = next; i < steps.size(); i++) {
      if (isData(steps.get(i))) {
        return line < steps.get(i).line();
      }
    }
    return true;
  }

  @Override
  public void data(byte[] b, int off, int len, int newlines) {
    if (skipping) {
      return;
    }
    loading.write(b, off, len, newlines);
    reportRaw();
  }

  private void dataEnd() {
    if (skipping) {
      skipping = false;
      return;
    }
    RestoreStep.LoadTableData d = (RestoreStep.LoadTableData) steps.get(next);
    long n = loading.end();
    bytes += loading.bytes();
    loading = null;
    next++;
    tables++;
    rows += n;
    listener.tableDone(d.qualifiedName(), n, (int) tables, tablesTotal, bytes);
  }

  private void rawRead(long n) {
    raw += n;
  }

  /**
   * Moves the progress to the file position read so far: all of it for a file read in one pass,
   * only the tables' members' bytes when the plan counts those.
   */
  private void reportRaw() {
    long done;
    if (members == null) {
      done = raw;
    } else {
      while (member < members.size()
          && raw >= members.get(member).memberOffset() + members.get(member).memberLength()) {
        membersDone += members.get(member++).memberLength();
      }
      done = membersDone + (member < members.size()
          ? Math.max(0, Math.min(raw - members.get(member).memberOffset(), members.get(member).memberLength())) : 0);
    }
    progress.add(done - reportedRaw);
    reportedRaw = Math.max(reportedRaw, done);
  }

  /** Cancels a COPY still open. */
  void abort() {
    if (loading != null) {
      loading.abort();
      loading = null;
    }
  }

  private PaperclipException changed(String what) {
    return new PaperclipException(ErrorCode.CORRUPT_FILE, plan.file() + " changed after its verification: " + what
        + "; take it from a safe place and restore again");
  }

  private static String summary(String sql) {
    String one = sql.replaceAll("\\s+", " ").strip();
    return one.length() > 60 ? one.substring(0, 57) + "..." : one;
  }
}
