package io.trimtab.spark;

import io.trimtab.ps.ClientOptions;
import java.time.Duration;
import java.util.List;
import org.apache.spark.SparkConf;

/**
 * Trimtab's Spark settings, all under {@code spark.trimtab.*}: the one place where keys, units and
 * defaults are defined. README.md's configuration table is checked against {@link #KEYS} by a test.
 */
public final class TrimtabConf {

  /** One setting: key, default (as Spark would parse it) and meaning with unit. */
  public record Key(String name, String defaultValue, String doc) {}

  public static final Key SHARD_PORT =
      new Key("spark.trimtab.shard.port", "0", "TCP port of each executor's shard server (0: any free port)");
  public static final Key SHARD_IO_THREADS =
      new Key("spark.trimtab.shard.ioThreads", "2", "Netty I/O threads of each shard server");
  public static final Key CLIENT_IO_THREADS =
      new Key("spark.trimtab.client.ioThreads", "2", "Netty I/O threads of the PS client in each JVM");
  public static final Key CONNECT_TIMEOUT =
      new Key("spark.trimtab.client.connectTimeout", "10s", "time to open a TCP connection to a shard");
  public static final Key REQUEST_TIMEOUT = new Key("spark.trimtab.client.requestTimeout", "120s",
      "time a pull or push waits for its answer, including a pull's wait for the other workers' clock");
  public static final Key REGISTRATION_TIMEOUT = new Key("spark.trimtab.registrationTimeout", "60s",
      "time the driver waits for every executor's shard to register");

  /** Every key, in README order. */
  public static final List<Key> KEYS =
      List.of(SHARD_PORT, SHARD_IO_THREADS, CLIENT_IO_THREADS, CONNECT_TIMEOUT, REQUEST_TIMEOUT, REGISTRATION_TIMEOUT);

  /** Class name to list in {@code spark.plugins}. */
  public static final String PLUGIN_CLASS = "io.trimtab.spark.plugin.TrimtabPlugin";

  private final SparkConf conf;

  public TrimtabConf(SparkConf conf) {
    this.conf = conf;
  }

  public int shardPort() {
    return intValue(SHARD_PORT, 0, 65535);
  }

  public int shardIoThreads() {
    return intValue(SHARD_IO_THREADS, 1, 1024);
  }

  public Duration registrationTimeout() {
    return duration(REGISTRATION_TIMEOUT);
  }

  /** Client options from {@code spark.trimtab.client.*}. */
  public ClientOptions clientOptions() {
    return new ClientOptions(intValue(CLIENT_IO_THREADS, 1, 1024), duration(CONNECT_TIMEOUT), duration(REQUEST_TIMEOUT));
  }

  private int intValue(Key key, int min, int max) {
    String raw = conf.get(key.name(), key.defaultValue()).trim();
    int v;
    try {
      v = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid " + key.name() + ": '" + raw + "' (expected an integer " + min + " .. "
          + max + ")");
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException("Invalid " + key.name() + ": " + v + " (expected " + min + " .. " + max + ")");
    }
    return v;
  }

  private Duration duration(Key key) {
    String raw = conf.get(key.name(), key.defaultValue()).trim();
    long ms;
    try {
      ms = org.apache.spark.network.util.JavaUtils.timeStringAsMs(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid " + key.name() + ": '" + raw + "' (expected a duration such as 30s or 500ms)");
    }
    if (ms <= 0) {
      throw new IllegalArgumentException("Invalid " + key.name() + ": '" + raw + "' (expected a duration > 0)");
    }
    return Duration.ofMillis(ms);
  }
}
