package ing.paperclip.db.testkit;

import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link PaperclipDatabase}: makes a fresh copy of the migrated
 * template before the class (or each method), drops it after, and resolves
 * {@link PaperclipTestDatabase} and {@link DataSource} parameters. Stateless; safe under JUnit's
 * parallel execution.
 */
public final class PaperclipDatabaseExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(PaperclipDatabaseExtension.class);

  /** Created by JUnit through {@link PaperclipDatabase}. */
  public PaperclipDatabaseExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    PaperclipDatabase config = config(context);
    if (config.isolation() == PaperclipDatabase.Isolation.PER_CLASS) {
      create(context, config, context.getRequiredTestClass().getSimpleName());
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    PaperclipDatabase config = config(context);
    if (config.isolation() == PaperclipDatabase.Isolation.PER_METHOD) {
      create(context, config, context.getRequiredTestClass().getSimpleName() + "_"
          + context.getRequiredTestMethod().getName());
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    drop(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    drop(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    Class<?> type = pc.getParameter().getType();
    return type == PaperclipTestDatabase.class || type == DataSource.class;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    PaperclipTestDatabase db = find(ec).orElseThrow(() -> new ParameterResolutionException(
        "no Paperclip test database here: with isolation PER_METHOD the database exists only "
            + "for test methods and @BeforeEach/@AfterEach, not for constructors or @BeforeAll"));
    return pc.getParameter().getType() == DataSource.class ? db.dataSource() : db;
  }

  private static void create(ExtensionContext context, PaperclipDatabase config, String hint) {
    PaperclipTestDatabase db = PaperclipTestServers.newDatabase(hint, config.fixture(),
        java.util.List.of(config.changelogs()));
    context.getStore(NS).put(PaperclipTestDatabase.class, db);
  }

  private static void drop(ExtensionContext context) {
    PaperclipTestDatabase db = context.getStore(NS).remove(PaperclipTestDatabase.class,
        PaperclipTestDatabase.class);
    if (db != null) {
      db.drop();
    }
  }

  private static Optional<PaperclipTestDatabase> find(ExtensionContext start) {
    for (ExtensionContext c = start; c != null; c = c.getParent().orElse(null)) {
      PaperclipTestDatabase db = c.getStore(NS).get(PaperclipTestDatabase.class,
          PaperclipTestDatabase.class);
      if (db != null) {
        return Optional.of(db);
      }
    }
    return Optional.empty();
  }

  private static PaperclipDatabase config(ExtensionContext context) {
    return AnnotationSupport.findAnnotation(context.getRequiredTestClass(), PaperclipDatabase.class)
        .orElseThrow(() -> new IllegalStateException("register this extension through "
            + "@PaperclipDatabase on " + context.getRequiredTestClass().getName()));
  }
}
