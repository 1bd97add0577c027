package io.trimtab.spark.plugin;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Enable with {@code spark.plugins=io.trimtab.spark.plugin.TrimtabPlugin}. Every executor JVM then
 * runs one parameter-server shard for its whole life, and the driver keeps the registry of shards
 * (the PS master). See {@link io.trimtab.spark.Trimtab#parameterServer}.
 */
public final class TrimtabPlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return new TrimtabDriverPlugin();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new TrimtabExecutorPlugin();
  }
}
