package ing.paperclip.db.backup;

import ing.paperclip.db.backup.file.BackupVerifier;
import ing.paperclip.db.backup.file.VerificationReport;
import java.nio.file.Path;

/** Manual benchmark (not run by the build): verifies one file and prints the time. */
public final class VerifyBenchmark {
  private VerifyBenchmark() {}

  /** Verifies {@code args[0]}. */
  public static void main(String[] args) {
    long t = System.nanoTime();
    VerificationReport r = new BackupVerifier().verify(Path.of(args[0]));
    System.out.printf("complete=%s tables=%d bodyBytes=%d verify_ms=%d errors=%s%n", r.complete(),
        r.tables().size(), r.bodyBytes(), (System.nanoTime() - t) / 1_000_000, r.errors());
  }
}
