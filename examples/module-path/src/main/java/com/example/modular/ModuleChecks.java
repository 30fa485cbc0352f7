package com.example.modular;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** What a named module sees of paperclip-db's modules. */
final class ModuleChecks {
  private ModuleChecks() {}

  static void run() throws IOException {
    check(ModuleChecks.class.getModule().isNamed(), "the example does not run as a named module");
    Module core = module("ing.paperclip.db.core");
    for (String name : List.of("ing.paperclip.db", "ing.paperclip.db.core", "ing.paperclip.db.backup",
        "ing.paperclip.db.secrets", "ing.paperclip.db.plugins", "ing.paperclip.db.embedded")) {
      ModuleDescriptor d = module(name).getDescriptor();
      check(!d.isAutomatic(), name + " is an automatic module: its jar has no module-info");
    }
    check(core.isExported("ing.paperclip.db.core.settings"), "core does not export its settings package");
    check(!core.isExported("ing.paperclip.db.core.embedded.internal"), "core exports its internal package");
    check(!module("ing.paperclip.db.backup").isExported("ing.paperclip.db.backup.internal"),
        "backup exports its internal package");
    check(!module("ing.paperclip.db.secrets").isExported("ing.paperclip.db.secrets.internal"),
        "secrets exports its internal package");
    // Reflection cannot reach into the internal package either.
    try {
      Class<?> pid = Class.forName("ing.paperclip.db.core.embedded.internal.PostmasterPid");
      pid.getMethod("read", Path.class).invoke(null, Path.of("."));
      throw new IllegalStateException("reflection reached core's internal PostmasterPid.read");
    } catch (IllegalAccessException expected) {
      System.out.println("ok: reflection on ing.paperclip.db.core.embedded.internal refused: " + expected.getMessage());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("unexpected reflection failure: " + e, e);
    }
    // Liquibase finds the changelog through the class loader: only possible because core opens the package.
    check(core.getClassLoader().getResource("ing/paperclip/db/core/migrate/changelog/db.changelog-master.xml") != null,
        "core's changelog is not visible through its class loader (the opens is missing)");
    compileProbes();
  }

  /** A module using an exported package compiles; one importing the internal package does not. */
  private static void compileProbes() throws IOException {
    String modulePath = System.getProperty("jdk.module.path");
    check(modulePath != null && !modulePath.isBlank(), "no jdk.module.path: run with --module-path");
    String exported = compile(modulePath, "import ing.paperclip.db.core.settings.ConnectionSpec;",
        "ConnectionSpec.parse(\"postgres://u@h/d\");");
    check(exported.isEmpty(), "a probe using an exported package does not compile: " + exported);
    String internal = compile(modulePath, "import ing.paperclip.db.core.embedded.internal.PostmasterPid;",
        "PostmasterPid.read(java.nio.file.Path.of(\".\"));");
    check(internal.contains("ing.paperclip.db.core.embedded.internal") && internal.contains("is not visible"),
        "a probe importing core's internal package should fail with 'is not visible', got: " + internal);
    System.out.println("ok: javac refuses the internal package: "
        + internal.lines().filter(l -> l.contains("is not visible")).findFirst().orElse("").strip());
  }

  /** Compiles module {@code probe} (requires core) with one class; returns javac's output, empty on success. */
  private static String compile(String modulePath, String importLine, String statement) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    check(javac != null, "no system Java compiler (a JRE without jdk.compiler)");
    Path dir = Files.createTempDirectory("probe-");
    try {
      Path src = Files.createDirectories(dir.resolve("src/probe"));
      Files.writeString(src.resolve("module-info.java"), "module probe { requires ing.paperclip.db.core; }\n");
      Files.writeString(src.resolve("Probe.java"), "package probe;\n" + importLine + "\n"
          + "public final class Probe { public static void run() { " + statement + " } }\n");
      StringWriter out = new StringWriter();
      boolean ok = javac.getTask(out, null, null, List.of("--module-path", modulePath, "-d",
              dir.resolve("out").toString(), "-Xlint:-requires-automatic"), null,
          javac.getStandardFileManager(null, null, null).getJavaFileObjects(
              src.resolve("module-info.java"), src.resolve("Probe.java"))).call();
      return ok ? "" : out.toString().isEmpty() ? "javac failed without a message" : out.toString();
    } finally {
      deleteTree(dir);
    }
  }

  private static Module module(String name) {
    return ModuleLayer.boot().findModule(name)
        .orElseThrow(() -> new IllegalStateException("module " + name + " is not in the boot layer"));
  }

  static void check(boolean condition, String failure) {
    if (!condition) {
      throw new IllegalStateException(failure);
    }
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
