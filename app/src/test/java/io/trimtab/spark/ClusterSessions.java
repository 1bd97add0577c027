package io.trimtab.spark;

import io.trimtab.app.LocalCluster;
import io.trimtab.app.TestJvms;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The multi-process test session: a local-cluster master with Trimtab's plugin, on loopback. */
final class ClusterSessions {
  private ClusterSessions() {}

  /**
   * A session on {@code master} (e.g. {@code local-cluster[2,1,1024]}) with a shard in every
   * executor.
   */
  static SparkSession localCluster(String master, String appName) {
    return localCluster(master, appName, java.util.Map.of());
  }

  /** As {@link #localCluster(String, String)}, with extra settings. */
  static SparkSession localCluster(
      String master, String appName, java.util.Map<String, String> extra) {
    SparkConf conf =
        new SparkConf()
            .setMaster(master)
            .setAppName(appName)
            .set("spark.plugins", TrimtabConf.PLUGIN_CLASS)
            .set("spark.driver.host", "127.0.0.1")
            // tuned fits write their decision log and report under target/, and start cold; one
            // directory per application name, as test classes run side by side and their
            // local-cluster application ids (app-<second>-0000) may coincide
            .set(TrimtabConf.TUNER_DIR.name(), "target/tuning/" + appName)
            .set(TrimtabConf.TUNER_HISTORY.name(), "none");
    extra.forEach(conf::set);
    // no test reads the web UI; its Jetty server costs every session start CPU time
    conf.setIfMissing("spark.ui.enabled", "false");
    if (!TestJvms.options().isEmpty()) {
      conf.setIfMissing("spark.executor.extraJavaOptions", TestJvms.options());
    }
    LocalCluster.configure(conf, LocalCluster.currentClassPath());
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /**
   * {@code data} in one partition per task slot of its session, as a Spark user sizes MLlib's
   * input: MLlib runs a task per partition in every iteration, and the built-in sets come in 16-60
   * slices. Trimtab cuts its input into its workers' partitions itself.
   */
  static Dataset<Row> onePartitionPerTaskSlot(Dataset<Row> data) {
    return data.coalesce(data.sparkSession().sparkContext().defaultParallelism());
  }
}
