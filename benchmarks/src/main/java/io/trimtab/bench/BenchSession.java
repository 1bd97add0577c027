package io.trimtab.bench;

import io.trimtab.app.LocalCluster;
import io.trimtab.spark.TrimtabConf;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmarks' Spark session: Trimtab's plugin, local-cluster support, Spark logging at WARN.
 */
final class BenchSession {
  private BenchSession() {}

  static SparkSession start(String master, String appName) {
    return start(master, appName, java.util.Map.of());
  }

  /** As {@link #start(String, String)}, with extra settings (e.g. the tuner's directories). */
  static SparkSession start(String master, String appName, java.util.Map<String, String> extra) {
    SparkConf conf =
        new SparkConf()
            .setMaster(master)
            .setAppName(appName)
            .set("spark.plugins", TrimtabConf.PLUGIN_CLASS);
    extra.forEach(conf::set);
    if (LocalCluster.isLocalCluster(master)) {
      LocalCluster.configure(conf, LocalCluster.currentClassPath());
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
