package io.trimtab.spark.plugin;

import org.apache.spark.SparkConf;

/**
 * What an executor's shard server starts with: {@code spark.trimtab.shard.port} and {@code
 * spark.trimtab.shard.ioThreads}, documented (and listed in the README) with the other keys in
 * {@code io.trimtab.spark.TrimtabConf}. Read here rather than through {@code TrimtabConf} so that
 * the plugin does not depend on the package that uses it; a test checks that both agree.
 *
 * @param port TCP port of the shard server (0: any free port)
 * @param ioThreads Netty I/O threads of the shard server
 */
record ShardSettings(int port, int ioThreads) {
  static final String PORT = "spark.trimtab.shard.port";
  static final String IO_THREADS = "spark.trimtab.shard.ioThreads";
  static final int DEFAULT_PORT = 0;
  static final int DEFAULT_IO_THREADS = 2;

  ShardSettings {
    check(PORT, port, 0, 65535);
    check(IO_THREADS, ioThreads, 1, 1024);
  }

  /** The settings in {@code conf}, defaults for those unset. */
  static ShardSettings of(SparkConf conf) {
    return new ShardSettings(
        intValue(conf, PORT, DEFAULT_PORT, 0, 65535),
        intValue(conf, IO_THREADS, DEFAULT_IO_THREADS, 1, 1024));
  }

  private static int intValue(SparkConf conf, String key, int defaultValue, int min, int max) {
    String raw = conf.get(key, Integer.toString(defaultValue)).trim();
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid " + key + ": '" + raw + "' (expected an integer " + min + " .. " + max + ")");
    }
  }

  private static void check(String key, int v, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          "Invalid " + key + ": " + v + " (expected " + min + " .. " + max + ")");
    }
  }
}
