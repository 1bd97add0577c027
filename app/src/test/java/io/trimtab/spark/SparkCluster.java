package io.trimtab.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The integration tests' cluster: one multi-process Spark session with Trimtab's plugin per test
 * class, started before its first test (and before its {@code @BeforeAll} methods) and stopped
 * after its last, together with the standalone Master and Workers if it has them. Register it as a
 * static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SparkCluster cluster = SparkCluster.localCluster("local-cluster[2,1,1024]");
 * }</pre>
 *
 * The application is named after the test class. Not thread-safe: one test class uses it.
 */
final class SparkCluster implements BeforeAllCallback, AfterAllCallback {
  private final String master;
  private final List<String> standaloneHosts;
  private final int coresPerWorker;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private StandaloneCluster standalone;
  private SparkSession spark;

  private SparkCluster(String master, List<String> standaloneHosts, int coresPerWorker) {
    this.master = master;
    this.standaloneHosts = standaloneHosts;
    this.coresPerWorker = coresPerWorker;
  }

  /** A session on a local-cluster master, e.g. {@code local-cluster[2,1,1024]}. */
  static SparkCluster localCluster(String master) {
    return new SparkCluster(master, List.of(), 0);
  }

  /**
   * A session on a standalone cluster of separate JVMs: a Master and one Worker with {@code
   * coresPerWorker} cores on each of {@code hosts} (distinct loopback addresses).
   */
  static SparkCluster standalone(List<String> hosts, int coresPerWorker) {
    return new SparkCluster(null, List.copyOf(hosts), coresPerWorker);
  }

  /** Adds a Spark setting to the session. */
  SparkCluster with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  /** Adds Spark settings to the session. */
  SparkCluster with(Map<String, String> more) {
    settings.putAll(more);
    return this;
  }

  /** The running session. */
  SparkSession spark() {
    if (spark == null) {
      throw new IllegalStateException("The cluster is not started (use it from a test)");
    }
    return spark;
  }

  /** The standalone Master's URL; only for a standalone cluster. */
  String masterUrl() {
    if (standalone == null) {
      throw new IllegalStateException("Not a standalone cluster: " + master);
    }
    return standalone.masterUrl();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    String url = master;
    if (!standaloneHosts.isEmpty()) {
      standalone = StandaloneCluster.start(standaloneHosts, coresPerWorker);
      url = standalone.masterUrl();
    }
    spark =
        ClusterSessions.localCluster(
            url, "trimtab-" + context.getRequiredTestClass().getSimpleName(), settings);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      spark = null;
      if (standalone != null) {
        standalone.close();
        standalone = null;
      }
    }
  }
}
