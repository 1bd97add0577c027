package io.trimtab.spark;

import io.trimtab.spark.app.LocalCluster;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The multi-process test session: a local-cluster master with Trimtab's plugin, on loopback. */
final class ClusterSessions {
  private ClusterSessions() {}

  /** A session on {@code master} (e.g. {@code local-cluster[2,1,1024]}) with a shard in every executor. */
  static SparkSession localCluster(String master, String appName) {
    SparkConf conf = new SparkConf()
        .setMaster(master)
        .setAppName(appName)
        .set("spark.plugins", TrimtabConf.PLUGIN_CLASS)
        .set("spark.driver.host", "127.0.0.1");
    LocalCluster.configure(conf, LocalCluster.currentClassPath());
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
