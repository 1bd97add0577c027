package io.trimtab.spark.plugin;

import io.trimtab.ps.server.ShardServer;
import io.trimtab.spark.checkpoint.HadoopPartFiles;
import java.util.Map;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts this executor's shard server when the executor starts, bound to the executor's host
 * address, and registers it with the driver; closes it when the executor shuts down. A failure to
 * start the shard fails the executor's start (Spark then reports it and retries elsewhere).
 */
final class TrimtabExecutorPlugin implements ExecutorPlugin {
  private static final Logger LOG = LoggerFactory.getLogger(TrimtabExecutorPlugin.class);
  private ShardServer server;

  @Override
  public void init(PluginContext ctx, Map<String, String> extraConf) {
    ShardSettings settings = ShardSettings.of(ctx.conf());
    String host = hostname(ctx);
    io.trimtab.ps.PsSecurity security = PsSecret.local();
    // the shard writes and reads its own checkpoint and model parts, never through the driver
    server =
        ShardServer.start(
            host, settings.port(), settings.ioThreads(), security, HadoopPartFiles.of(ctx.conf()));
    TrimtabMetrics.registerExecutor(ctx.metricRegistry(), server.metrics());
    ShardRegistration reg =
        new ShardRegistration(
            ctx.executorID(), host, server.address().port(), ProcessHandle.current().pid());
    try {
      ctx.ask(reg);
    } catch (Exception e) {
      server.close();
      throw new IllegalStateException(
          "Trimtab shard of executor "
              + ctx.executorID()
              + " at "
              + server.address()
              + " could not register with the driver: "
              + e.getMessage(),
          e);
    }
    LOG.info(
        "Trimtab shard of executor {} listening on {}{}",
        ctx.executorID(),
        server.address(),
        security == null
            ? ""
            : security.encrypt()
                ? " (connections authenticated and encrypted)"
                : " (connections authenticated with the application's secret)");
  }

  /**
   * The address Spark uses for this executor. {@code PluginContext.hostname()} needs a listening
   * RPC environment, which executors lack (it throws there), so fall back to Spark's own choice of
   * local host name (SPARK_LOCAL_HOSTNAME, SPARK_LOCAL_IP, else the host's address): never all
   * interfaces.
   */
  private static String hostname(PluginContext ctx) {
    try {
      return ctx.hostname();
    } catch (RuntimeException e) {
      return org.apache.spark.util.Utils.localHostName();
    }
  }

  @Override
  public void shutdown() {
    ExecutorClients.closeShared();
    if (server != null) {
      server.close();
    }
  }
}
