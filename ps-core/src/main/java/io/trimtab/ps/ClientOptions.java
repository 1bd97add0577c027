package io.trimtab.ps;

import java.io.Serializable;
import java.time.Duration;

/**
 * Client settings.
 *
 * @param ioThreads Netty I/O threads of the client, >= 1 (default 2)
 * @param connectTimeout how long to wait for a TCP connection to a shard (default 10 s)
 * @param requestTimeout how long a blocking call waits for its answer, including a pull's wait for
 *     a clock (default 120 s)
 */
public record ClientOptions(int ioThreads, Duration connectTimeout, Duration requestTimeout)
    implements Serializable {
  public ClientOptions {
    if (ioThreads < 1) {
      throw new IllegalArgumentException(
          "Invalid client I/O threads: " + ioThreads + " (must be >= 1)");
    }
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException(
          "Invalid connect timeout: " + connectTimeout + " (must be > 0)");
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(
          "Invalid request timeout: " + requestTimeout + " (must be > 0)");
    }
  }

  public static ClientOptions defaults() {
    return new ClientOptions(2, Duration.ofSeconds(10), Duration.ofSeconds(120));
  }

  public ClientOptions withRequestTimeout(Duration timeout) {
    return new ClientOptions(ioThreads, connectTimeout, timeout);
  }
}
