package io.trimtab.ps;

import java.io.Serializable;

/**
 * Where a shard server listens.
 *
 * @param host host name or address, non-blank
 * @param port TCP port, 1 .. 65535
 */
public record ShardAddress(String host, int port) implements Serializable {
  public ShardAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("Invalid shard host: '" + host + "' (must be non-blank)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("Invalid shard port: " + port + " (must be 1 .. 65535)");
    }
  }

  /** Parses {@code host:port}. */
  public static ShardAddress parse(String hostPort) {
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "Invalid shard address: '" + hostPort + "' (expected host:port)");
    }
    try {
      return new ShardAddress(
          hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid shard address: '" + hostPort + "' (expected host:port)", e);
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
