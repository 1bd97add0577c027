package io.trimtab.spark.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.spark.TrimtabConf;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class ShardSettingsTest {

  @Test
  void keysAndDefaults_areTrimtabConfs() {
    assertThat(ShardSettings.PORT).isEqualTo(TrimtabConf.SHARD_PORT.name());
    assertThat(ShardSettings.IO_THREADS).isEqualTo(TrimtabConf.SHARD_IO_THREADS.name());
    ShardSettings defaults = ShardSettings.of(new SparkConf(false));
    TrimtabConf conf = new TrimtabConf(new SparkConf(false));
    assertThat(defaults.port()).isEqualTo(conf.shardPort());
    assertThat(defaults.ioThreads()).isEqualTo(conf.shardIoThreads());
  }

  @Test
  void setValues_areReadAsTrimtabConfReadsThem() {
    SparkConf spark =
        new SparkConf(false).set(ShardSettings.PORT, "7077").set(ShardSettings.IO_THREADS, "4");
    TrimtabConf conf = new TrimtabConf(spark);
    assertThat(ShardSettings.of(spark)).isEqualTo(new ShardSettings(7077, 4));
    assertThat(conf.shardPort()).isEqualTo(7077);
    assertThat(conf.shardIoThreads()).isEqualTo(4);
  }

  @Test
  void badValues_failNamingTheKeyAndTheRange() {
    assertThatThrownBy(
            () -> ShardSettings.of(new SparkConf(false).set(ShardSettings.IO_THREADS, "0")))
        .hasMessage("Invalid spark.trimtab.shard.ioThreads: 0 (expected 1 .. 1024)");
    assertThatThrownBy(() -> ShardSettings.of(new SparkConf(false).set(ShardSettings.PORT, "x")))
        .hasMessage("Invalid spark.trimtab.shard.port: 'x' (expected an integer 0 .. 65535)");
  }
}
