package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkChecksTest {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  @Test
  void driverTree_fitsUntilADenseCopyPerSideOverflowsTheHeapLessSparksReserve() {
    // 2^20 keys: 8 MiB a copy; 24 MiB on the driver, 5 copies and the shard on a 2-core executor
    assertThat(SparkChecks.driverTreeProblem(1 << 20, 1, 8 * MIB, GIB, GIB, 2)).isNull();
    // the executor side at its limit: 724 MiB = (1 + 2 x 1) x 200 MiB + 124 MiB
    long keys = 200 * MIB / 8;
    assertThat(SparkChecks.driverTreeProblem(keys, 1, 124 * MIB, 4 * GIB, GIB, 1)).isNull();
    assertThat(SparkChecks.driverTreeProblem(keys, 1, 124 * MIB + 1, 4 * GIB, GIB, 1))
        .startsWith(
            "Aggregation driver-tree does not fit this model: it sums dense gradients of all "
                + keys
                + " keys x 1 values (200.0 MiB a copy)")
        .contains("an executor needs 1 + 2 x 1 cores copies")
        .contains("its shard's 124.0 MiB: 724.0 MiB of its 1.0 GiB heap less 300 MB")
        .endsWith(
            "Use aggregation direct or executor-combine, which send only the keys a mini-batch touches");
    // the driver side: 3 x 128 MiB against 512 MiB less 300 MB; the width counts
    assertThat(SparkChecks.driverTreeProblem(1 << 24, 1, 0, 512 * MIB, 64 * GIB, 1))
        .contains("The driver needs 3 copies")
        .contains("384.0 MiB of its 512.0 MiB heap");
    assertThat(SparkChecks.driverTreeProblem(1 << 20, 8, 0, 512 * MIB, 64 * GIB, 1)).isNull();
    assertThat(SparkChecks.driverTreeProblem(1 << 21, 8, 0, 512 * MIB, 64 * GIB, 1))
        .contains("2097152 keys x 8 values (128.0 MiB a copy)");
  }

  @Test
  void pluginMissing_namesTheSettingAndTheFix() {
    assertThatThrownBy(() -> SparkChecks.requirePlugin(new SparkConf(false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Trimtab's plugin is not enabled: set spark.plugins=io.trimtab.spark.plugin.TrimtabPlugin when "
                + "creating the session or in spark-submit --conf (spark.plugins is unset)");
    assertThatThrownBy(
            () ->
                SparkChecks.requirePlugin(
                    new SparkConf(false).set("spark.plugins", "com.acme.Other")))
        .hasMessageEndingWith("(spark.plugins is 'com.acme.Other')");
    assertThatCode(
            () ->
                SparkChecks.requirePlugin(
                    new SparkConf(false)
                        .set("spark.plugins", "com.acme.Other, " + TrimtabConf.PLUGIN_CLASS)))
        .doesNotThrowAnyException();
  }

  @Test
  void modelTooLargeForExecutors_isRefusedUpFront_namingTheSizesAndTheFixes() {
    long gib = 1L << 30;
    // 2^28 keys x 2 doubles (weights + AdaGrad state) = 4 GiB; 2 GiB per shard over 2 shards
    assertThatThrownBy(() -> SparkChecks.requireShardsFit(1L << 28, 2, 2, gib))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "The model does not fit in executor memory: 268435456 keys x 2 doubles (weights and optimizer "
                + "state) need 4.0 GiB, 2.0 GiB per shard over 2 shards, but an executor has 1.0 GiB of heap "
                + "(spark.executor.memory) less Spark's reserved 300 MB. Expected at most 724.0 MiB per shard: raise "
                + "spark.executor.memory, spread the model over more executors (shards), or hash the features into "
                + "fewer dimensions");
    assertThatCode(() -> SparkChecks.requireShardsFit(1L << 20, 2, 1, gib))
        .doesNotThrowAnyException();
    // a trained model gathered into the driver: its weights 4 times (optimizer state stays on the
    // shards); 2^26 weights are 512 MiB, 2 GiB for 4 copies
    assertThat(SparkChecks.driverModelProblem(1L << 26, 1, 2 * gib))
        .isEqualTo(
            "The trained model does not fit in driver memory: 67108864 keys x 1 values take 512.0 MiB, and the"
                + " driver holds 4 copies (the weights, the model's, a broadcast's two) in 2.0 GiB, but has 2.0 GiB"
                + " of heap less Spark's reserved 300 MB: raise spark.driver.memory or hash the features into"
                + " fewer dimensions");
    assertThat(SparkChecks.driverModelProblem(1L << 26, 1, 3 * gib)).isNull();
    // the tuner's fewest shards: 4 GiB over executors of 2 GiB heap (1.7 GiB usable) needs 3
    assertThat(SparkChecks.minShards(1L << 28, 2, 2 * gib, 4)).isEqualTo(3);
    assertThat(SparkChecks.minShards(1L << 28, 2, 2 * gib, 2)).isZero();
    assertThat(SparkChecks.minShards(1000, 2, gib, 4)).isEqualTo(1);
  }

  @Test
  void executorHeap_isSparkExecutorMemory_orTheDriversHeapInLocalMode() {
    assertThat(
            SparkChecks.executorHeapBytes(
                new SparkConf(false).set("spark.master", "local-cluster[2,1,1024]")))
        .isEqualTo(1L << 30);
    assertThat(
            SparkChecks.executorHeapBytes(
                new SparkConf(false)
                    .set("spark.master", "spark://h:7077")
                    .set("spark.executor.memory", "3g")))
        .isEqualTo(3L << 30);
    assertThat(SparkChecks.executorHeapBytes(new SparkConf(false).set("spark.master", "local[2]")))
        .isEqualTo(Runtime.getRuntime().maxMemory());
  }

  @Test
  void dynamicAllocation_isRejected() {
    assertThatThrownBy(
            () ->
                SparkChecks.requireStaticExecutors(
                    new SparkConf(false).set("spark.dynamicAllocation.enabled", "true")))
        .hasMessageContaining("set spark.dynamicAllocation.enabled=false (it is true)");
    assertThatCode(() -> SparkChecks.requireStaticExecutors(new SparkConf(false)))
        .doesNotThrowAnyException();
  }

  @Test
  void slots_mustCoverWorkers() {
    SparkConf conf = new SparkConf(false).set("spark.task.cpus", "2");
    assertThatThrownBy(() -> SparkChecks.requireSlots(5, 4, conf))
        .hasMessage(
            "Trimtab needs 5 worker tasks running at once (one per data partition, as staleness bsp "
                + "requires) but the cluster has 4 task slots (executor cores / spark.task.cpus=2): set the number of "
                + "workers to at most 4, add executors or cores, or use staleness asp");
    assertThatThrownBy(() -> SparkChecks.requireSlots(0, 4, conf))
        .hasMessage("Invalid number of workers: 0 (must be >= 1)");
    assertThatCode(() -> SparkChecks.requireSlots(4, 4, conf)).doesNotThrowAnyException();
  }

  @Test
  void expectedExecutors_followsTheMaster() {
    assertThat(
            SparkChecks.expectedExecutors(
                new SparkConf(false).set("spark.master", "local-cluster[3, 1, 1024]")))
        .isEqualTo(3);
    assertThat(SparkChecks.expectedExecutors(new SparkConf(false).set("spark.master", "local[4]")))
        .isEqualTo(1);
    assertThat(
            SparkChecks.expectedExecutors(
                new SparkConf(false)
                    .set("spark.master", "spark://h:7077")
                    .set("spark.executor.instances", "5")))
        .isEqualTo(5);
  }
}
