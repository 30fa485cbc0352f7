package ing.paperclip.db.testkit;

import java.util.List;
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
 * The JUnit 5 extension behind {@link WithPaperclipDatabase} (and its deprecated former name): makes a fresh copy of the migrated
 * template before the class (or each method), drops it after, and resolves
 * {@link PaperclipTestDatabase} and {@link DataSource} parameters. Stateless; safe under JUnit's
 * parallel execution.
 */
public final class PaperclipDatabaseExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(PaperclipDatabaseExtension.class);

  /** Created by JUnit through {@link WithPaperclipDatabase}. */
  public PaperclipDatabaseExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    Config config = config(context);
    if (config.isolation() == WithPaperclipDatabase.Isolation.PER_CLASS) {
      create(context, config, context.getRequiredTestClass().getSimpleName());
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Config config = config(context);
    if (config.isolation() == WithPaperclipDatabase.Isolation.PER_METHOD) {
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

  private static void create(ExtensionContext context, Config config, String hint) {
    PaperclipTestDatabase db = PaperclipTestServers.newDatabase(hint, config.fixture(), config.changelogs());
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

  /** The annotation's attributes, from {@link WithPaperclipDatabase} or else its deprecated former name. */
  @SuppressWarnings("deprecation")
  private static Config config(ExtensionContext context) {
    Class<?> test = context.getRequiredTestClass();
    Optional<WithPaperclipDatabase> with = AnnotationSupport.findAnnotation(test, WithPaperclipDatabase.class);
    if (with.isPresent()) {
      WithPaperclipDatabase a = with.get();
      return new Config(a.isolation(), a.fixture(), List.of(a.changelogs()));
    }
    PaperclipDatabase old = AnnotationSupport.findAnnotation(test, PaperclipDatabase.class)
        .orElseThrow(() -> new IllegalStateException("register this extension through "
            + "@WithPaperclipDatabase on " + test.getName()));
    return new Config(WithPaperclipDatabase.Isolation.valueOf(old.isolation().name()), old.fixture(),
        List.of(old.changelogs()));
  }

  private record Config(WithPaperclipDatabase.Isolation isolation, String fixture, List<String> changelogs) {}
}
