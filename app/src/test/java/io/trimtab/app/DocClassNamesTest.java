package io.trimtab.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every class the documentation names in backticks ({@code `PsMaster`}, {@code `PsMaster.restore`},
 * {@code `io.trimtab.spark.Trimtab`}) exists, and so does the member it names: in this repository's
 * sources (main, test, examples), or in a library listed in {@link #EXTERNAL} and loaded from the
 * class path. Documentation that names a class that was renamed or removed fails here.
 */
class DocClassNamesTest {
  /** Root of the repository (the module's parent unless {@code trimtab.root} says otherwise). */
  private static final Path ROOT =
      Path.of(System.getProperty("trimtab.root", "..")).toAbsolutePath().normalize();

  /**
   * A backticked class name: optional lower-case package, a capitalised simple name with at least
   * one lower-case letter (so `BSP` or `README` are not taken for classes), an optional member.
   */
  private static final Pattern NAME =
      Pattern.compile(
          "`((?:[a-z][a-z0-9_]*\\.)*)([A-Z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*)"
              + "(?:\\.([A-Za-z_][A-Za-z0-9_]*))?(?:\\(\\))?`");

  /** Library classes the documentation names, by simple name. */
  private static final Map<String, String> EXTERNAL =
      Map.ofEntries(
          Map.entry("LogisticRegression", "org.apache.spark.ml.classification.LogisticRegression"),
          Map.entry(
              "MultilayerPerceptronClassifier",
              "org.apache.spark.ml.classification.MultilayerPerceptronClassifier"),
          Map.entry("FMRegressor", "org.apache.spark.ml.regression.FMRegressor"),
          Map.entry("StandardScaler", "org.apache.spark.ml.feature.StandardScaler"),
          Map.entry("FeatureHasher", "org.apache.spark.ml.feature.FeatureHasher"),
          Map.entry("Pipeline", "org.apache.spark.ml.Pipeline"),
          Map.entry("PipelineModel", "org.apache.spark.ml.PipelineModel"),
          Map.entry("Estimator", "org.apache.spark.ml.Estimator"),
          Map.entry("Model", "org.apache.spark.ml.Model"),
          Map.entry("Params", "org.apache.spark.ml.param.Params"),
          Map.entry("SparkSubmit", "org.apache.spark.deploy.SparkSubmit"),
          Map.entry("SparkListener", "org.apache.spark.scheduler.SparkListener"),
          Map.entry("SecurityManager", "org.apache.spark.SecurityManager"),
          Map.entry("PluginContext", "org.apache.spark.api.plugin.PluginContext"),
          Map.entry("BarrierTaskContext", "org.apache.spark.BarrierTaskContext"),
          Map.entry("Murmur3_x86_32", "org.apache.spark.unsafe.hash.Murmur3_x86_32"));

  /** Java sources of the repository: simple type name to the files that declare it. */
  private static final Map<String, List<Path>> DECLARED = new HashMap<>();

  private static final Pattern DECLARATION =
      Pattern.compile("\\b(?:class|interface|record|enum)\\s+([A-Z][A-Za-z0-9_]*)");

  @BeforeAll
  static void indexSources() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> !ROOT.relativize(p).toString().contains("target/"))
              .toList()) {
        Matcher m = DECLARATION.matcher(Files.readString(f));
        while (m.find()) {
          DECLARED.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(f);
        }
      }
    }
    assertThat(DECLARED).as("types declared under " + ROOT).containsKeys("PsMaster", "TrimtabApp");
  }

  @Test
  void everyClassNamedInTheDocs_exists() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
    }
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (Path doc : docs) {
      Matcher m = NAME.matcher(Files.readString(doc));
      while (m.find()) {
        checked++;
        String problem = problem(m.group(1), m.group(2), m.group(3));
        if (problem != null) {
          missing.add(ROOT.relativize(doc) + ": `" + m.group().replace("`", "") + "` " + problem);
        }
      }
    }
    assertThat(checked).as("class names found in " + docs).isGreaterThan(20);
    assertThat(missing).as("names in the docs that the code does not have").isEmpty();
  }

  /** Why {@code pkg + simple + "." + member} names nothing, or null if it names something. */
  private static String problem(String pkg, String simple, String member) throws IOException {
    if (Stream.of("java", "md", "csv", "zpln", "jar", "txt", "png", "html", "jsonl", "scala")
        .anyMatch(ext -> ext.equals(member))) {
      // a file name: Foo.java must be a source file here
      return !"java".equals(member) || DECLARED.containsKey(simple) ? null : "names no source file";
    }
    if (!pkg.isEmpty() && !pkg.matches("(io|org|com|java|javax|scala)\\..*")) {
      // not a Java package: a metric or configuration name such as plugin.io.trimtab...
      return null;
    }
    String external = EXTERNAL.get(simple);
    if (!pkg.isEmpty() && !pkg.startsWith("io.trimtab.")) {
      external = pkg + simple;
    }
    if (external != null && (pkg.isEmpty() || external.equals(pkg + simple))) {
      try {
        Class<?> c = Class.forName(external, false, DocClassNamesTest.class.getClassLoader());
        return member == null || hasMember(c, member) ? null : "has no member " + member;
      } catch (ClassNotFoundException e) {
        return "is not on the class path as " + external;
      }
    }
    List<Path> files = DECLARED.get(simple);
    if (files == null) {
      return "is declared nowhere in the sources";
    }
    if (!pkg.isEmpty()) {
      String dir = pkg.replace('.', '/');
      if (files.stream()
          .noneMatch(f -> f.getParent().toString().endsWith(dir.substring(0, dir.length() - 1)))) {
        return "is not in package "
            + pkg.substring(0, pkg.length() - 1)
            + " (found in "
            + files
            + ")";
      }
    }
    if (member == null) {
      return null;
    }
    for (Path f : files) {
      Class<?> c = load(f, simple);
      if (c != null && hasMember(c, member)) {
        return null;
      }
    }
    Pattern declared =
        Pattern.compile(
            "\\b"
                + Pattern.quote(member)
                + "\\s*[(;=,)]|\\b(?:class|interface|record|enum)\\s+"
                + Pattern.quote(member)
                + "\\b");
    for (Path f : files) {
      if (declared.matcher(Files.readString(f)).find()) {
        return null;
      }
    }
    return "has no member " + member + " (looked in " + files + ")";
  }

  /** The top-level class {@code simple} declared in {@code file}, or null if not loadable. */
  private static Class<?> load(Path file, String simple) throws IOException {
    Matcher pkg = Pattern.compile("(?m)^package\\s+([\\w.]+);").matcher(Files.readString(file));
    if (!file.getFileName().toString().equals(simple + ".java") || !pkg.find()) {
      return null;
    }
    try {
      return Class.forName(
          pkg.group(1) + "." + simple, false, DocClassNamesTest.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  /** Whether {@code c} or a superclass declares a method, field or nested type {@code name}. */
  private static boolean hasMember(Class<?> c, String name) {
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      boolean found =
          Stream.of(
                  Arrays.stream(k.getDeclaredMethods()).map(Member::getName),
                  Arrays.stream(k.getDeclaredFields()).map(Member::getName),
                  Arrays.stream(k.getDeclaredClasses()).map(Class::getSimpleName))
              .flatMap(s -> s)
              .anyMatch(name::equals);
      if (found) {
        return true;
      }
    }
    return false;
  }
}
