package io.trimtab.spark.plugin;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.PluginContext;

/**
 * The driver side: receives every executor's shard registration into the {@link ShardRegistry} of
 * this SparkContext, and closes the registry's master when the context stops.
 */
final class TrimtabDriverPlugin implements DriverPlugin {
  private ShardRegistry registry;

  @Override
  public Map<String, String> init(SparkContext sc, PluginContext ctx) {
    registry = ShardRegistry.open(sc);
    return Map.of();
  }

  @Override
  public void registerMetrics(String appId, PluginContext ctx) {
    TrimtabMetrics.registerDriver(ctx.metricRegistry());
  }

  @Override
  public Object receive(Object message) {
    if (message instanceof ShardRegistration reg) {
      registry.register(reg);
      return Boolean.TRUE;
    }
    throw new IllegalArgumentException("Trimtab driver plugin got an unknown message: " + message);
  }

  @Override
  public void shutdown() {
    if (registry != null) {
      registry.close();
    }
    // the driver's shared client (models served from the shards pull through it) ends with the app
    ExecutorClients.closeShared();
  }
}
