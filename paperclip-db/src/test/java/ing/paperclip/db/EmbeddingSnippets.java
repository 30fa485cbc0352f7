package ing.paperclip.db;

import ing.paperclip.db.backup.BackupResult;
import ing.paperclip.db.secrets.store.NewSecret;
import java.nio.file.Path;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The code of docs/EMBEDDING.md: each block between {@code // snippet:NAME} and
 * {@code // end:NAME} appears verbatim (dedented) in the doc under {@code <!-- snippet:NAME -->};
 * {@link EmbeddingDocTest} checks they match and {@link EmbeddingSnippetsIT} runs them.
 */
final class EmbeddingSnippets {
  private EmbeddingSnippets() {}

  static void hello(Path home, UUID companyId, String token, java.util.function.Consumer<DataSource> app) {
    // snippet:hello
    try (PaperclipDatabase db = PaperclipDatabase.builder().instance(home, "default").start()) {
      app.accept(db.dataSource());                      // your queries: the runtime role's pool
      BackupResult backup = db.backups().backup();      // a verified .sql.gz in the instance's backups/
      db.backups().restore(backup.file());              // back into the same database
      db.secrets().create(NewSecret.forCompany(companyId).key("github_token").value(token));
    }
    // end:hello
  }
}
