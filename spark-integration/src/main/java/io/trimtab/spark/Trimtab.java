package io.trimtab.spark;

import org.apache.spark.sql.SparkSession;

/**
 * Entry point of Trimtab on Spark.
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder()
 *     .config("spark.plugins", "io.trimtab.spark.plugin.TrimtabPlugin")
 *     .getOrCreate();
 * ParameterServer ps = Trimtab.parameterServer(spark);
 * }</pre>
 */
public final class Trimtab {
  private Trimtab() {}

  /**
   * The parameter server of {@code spark}'s application. The first call waits (up to {@code
   * spark.trimtab.registrationTimeout}) until every executor's shard has registered.
   *
   * @throws IllegalStateException naming the setting and the fix if the plugin is not enabled,
   *     dynamic allocation is on, or shards did not register in time
   */
  public static ParameterServer parameterServer(SparkSession spark) {
    return ParameterServer.of(spark);
  }
}
