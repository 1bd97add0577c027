package io.trimtab.spark.plugin;

import io.trimtab.ps.ClientOptions;
import io.trimtab.ps.PsClient;
import io.trimtab.ps.client.NettyPsClient;

/**
 * The one PS client of a JVM, shared by every task that runs in it, so that connections to shards
 * are opened once per executor rather than per task. Thread-safe.
 */
public final class ExecutorClients {
  private static NettyPsClient shared;

  private ExecutorClients() {}

  /** The JVM's client, created with {@code options} on first use. */
  public static synchronized PsClient shared(ClientOptions options) {
    if (shared == null) {
      shared = new NettyPsClient(options, PsSecret.local());
    }
    return shared;
  }

  /** Closes the JVM's client (executor shutdown). */
  static synchronized void closeShared() {
    if (shared != null) {
      shared.close();
      shared = null;
    }
  }
}
