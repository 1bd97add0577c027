package io.trimtab.ps.server;

import io.trimtab.ps.PartFiles;
import io.trimtab.ps.ShardAddress;
import io.trimtab.ps.transport.TransportServer;

/**
 * A parameter-server shard: a TCP server holding its part of every table. In Spark, one runs in
 * each executor JVM (started by the Trimtab plugin) and lives until the executor ends; in tests
 * several run in one JVM on loopback.
 *
 * <p>Thread-safe. {@link #close()} is idempotent; clients of a closed shard get "connection closed"
 * errors naming its address.
 */
public final class ShardServer implements AutoCloseable {
  private final ShardMetrics metrics = new ShardMetrics();
  private final Shard shard;
  private final TransportServer transport;
  private final ShardAddress address;

  private ShardServer(
      String host, int port, int ioThreads, io.trimtab.ps.PsSecurity security, PartFiles files) {
    this.shard = new Shard(metrics, files, security);
    try {
      this.transport =
          new TransportServer(
              host, port, ioThreads, shard, security, metrics::received, metrics::sent);
    } catch (RuntimeException e) {
      shard.close();
      throw e;
    }
    this.address = new ShardAddress(host, transport.port());
  }

  /**
   * Starts a shard listening on {@code host:port} (port 0: any free port).
   *
   * @param ioThreads Netty I/O threads, >= 1
   * @throws io.trimtab.ps.PsException if the port cannot be bound
   */
  public static ShardServer start(String host, int port, int ioThreads) {
    return new ShardServer(host, port, ioThreads, null, PartFiles.local());
  }

  /**
   * As {@link #start(String, int, int)}; every connection must first prove the secret of {@code
   * security} (null: no authentication), else it is closed before any request is read, and is
   * encrypted if {@code security} says so.
   */
  public static ShardServer start(
      String host, int port, int ioThreads, io.trimtab.ps.PsSecurity security) {
    return new ShardServer(host, port, ioThreads, security, PartFiles.local());
  }

  /**
   * As {@link #start(String, int, int, io.trimtab.ps.PsSecurity)}, writing and reading checkpoint
   * and model parts through {@code files} (in Spark: the executor's Hadoop file systems); its moves
   * to other shards authenticate with {@code security} too.
   */
  public static ShardServer start(
      String host, int port, int ioThreads, io.trimtab.ps.PsSecurity security, PartFiles files) {
    return new ShardServer(host, port, ioThreads, security, files);
  }

  /** Where clients reach this shard. */
  public ShardAddress address() {
    return address;
  }

  /** What this shard has served so far (live counters). */
  public ShardMetrics metrics() {
    return metrics;
  }

  /** Pulls parked on this shard waiting for a clock (their expiry timers), for tests. */
  public int waitingPulls() {
    return shard.pendingExpiries();
  }

  /** Number of table parts held. */
  public int tableCount() {
    return shard.tableCount();
  }

  @Override
  public void close() {
    transport.close();
    shard.close();
  }

  @Override
  public String toString() {
    return "ShardServer[" + address + "]";
  }
}
