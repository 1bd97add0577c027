package io.trimtab.app;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;

/**
 * Settings that make Spark's {@code local-cluster[n,cores,mem]} master (a Master and n Workers in
 * the driver JVM, each executor its own JVM) work without a Spark distribution: executors get the
 * driver's class path, and the first job waits for every executor.
 */
public final class LocalCluster {
  private LocalCluster() {}

  /** Whether {@code master} is a local-cluster master. */
  public static boolean isLocalCluster(String master) {
    return master != null && master.startsWith("local-cluster");
  }

  /**
   * Completes {@code conf} for a local-cluster master.
   *
   * @param classPath the class path executors should use (the driver's)
   * @throws IllegalStateException naming the variable if SPARK_HOME or SPARK_SCALA_VERSION is
   *     unusable
   */
  public static SparkConf configure(SparkConf conf, String classPath) {
    String home = System.getenv("SPARK_HOME");
    if (home == null || home.isBlank()) {
      throw new IllegalStateException(
          "A local-cluster master launches executor JVMs through SPARK_HOME, which is "
              + "unset: set SPARK_HOME to any directory with a jars/ folder (it may be empty) and SPARK_SCALA_VERSION=2.12 "
              + "(bin/trimtab-demo does this)");
    }
    Path jars = Path.of(home, "jars");
    try {
      Files.createDirectories(jars);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "Cannot create " + jars + " (SPARK_HOME/jars, needed by local-cluster): " + e, e);
    }
    if (System.getenv("SPARK_SCALA_VERSION") == null) {
      throw new IllegalStateException(
          "A local-cluster master needs SPARK_SCALA_VERSION=2.12 in the environment "
              + "(without it executors fail with 'Cannot find any build directories')");
    }
    if (!conf.contains("spark.executor.extraClassPath")) {
      conf.set("spark.executor.extraClassPath", classPath);
    }
    conf.setIfMissing("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    conf.setIfMissing("spark.scheduler.maxRegisteredResourcesWaitingTime", "60s");
    conf.setIfMissing("spark.ui.enabled", "false");
    return conf;
  }

  /** The running JVM's class path (what executors of a local cluster need). */
  public static String currentClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path", "");
  }
}
