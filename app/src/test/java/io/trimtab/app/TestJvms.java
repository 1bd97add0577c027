package io.trimtab.app;

import java.util.Arrays;
import java.util.List;

/**
 * JVM options for the processes the integration tests start (executors, standalone Masters and
 * Workers, spark-submit process trees), from the system property {@code trimtab.it.jvmOptions} that
 * the build sets (root pom, {@code test.jvm.options}). The build gives {@code
 * -XX:TieredStopAtLevel=1}: those JVMs live for seconds on small data, and C2 compiling Spark's
 * code costs them more CPU than it saves (docs/design-notes.md, "Test suite time").
 */
public final class TestJvms {
  private TestJvms() {}

  /** The options as one string, empty when none are set. */
  public static String options() {
    return System.getProperty("trimtab.it.jvmOptions", "").strip();
  }

  /** The options one per element, empty when none are set. */
  public static List<String> optionList() {
    String all = options();
    return all.isEmpty() ? List.of() : Arrays.asList(all.split("\\s+"));
  }
}
