package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkChecksTest {

  @Test
  void pluginMissing_namesTheSettingAndTheFix() {
    assertThatThrownBy(() -> SparkChecks.requirePlugin(new SparkConf(false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Trimtab's plugin is not enabled: set spark.plugins=io.trimtab.spark.plugin.TrimtabPlugin when "
            + "creating the session or in spark-submit --conf (spark.plugins is unset)");
    assertThatThrownBy(() -> SparkChecks.requirePlugin(new SparkConf(false).set("spark.plugins", "com.acme.Other")))
        .hasMessageEndingWith("(spark.plugins is 'com.acme.Other')");
    assertThatCode(() -> SparkChecks.requirePlugin(new SparkConf(false)
        .set("spark.plugins", "com.acme.Other, " + TrimtabConf.PLUGIN_CLASS))).doesNotThrowAnyException();
  }

  @Test
  void dynamicAllocation_isRejected() {
    assertThatThrownBy(() -> SparkChecks.requireStaticExecutors(new SparkConf(false)
        .set("spark.dynamicAllocation.enabled", "true")))
        .hasMessageContaining("set spark.dynamicAllocation.enabled=false (it is true)");
    assertThatCode(() -> SparkChecks.requireStaticExecutors(new SparkConf(false))).doesNotThrowAnyException();
  }

  @Test
  void slots_mustCoverWorkers() {
    SparkConf conf = new SparkConf(false).set("spark.task.cpus", "2");
    assertThatThrownBy(() -> SparkChecks.requireSlots(5, 4, conf))
        .hasMessage("Trimtab needs 5 worker tasks running at once (one per data partition, as staleness bsp "
            + "requires) but the cluster has 4 task slots (executor cores / spark.task.cpus=2): set the number of "
            + "workers to at most 4, add executors or cores, or use staleness asp");
    assertThatThrownBy(() -> SparkChecks.requireSlots(0, 4, conf)).hasMessage("Invalid number of workers: 0 (must be >= 1)");
    assertThatCode(() -> SparkChecks.requireSlots(4, 4, conf)).doesNotThrowAnyException();
  }

  @Test
  void expectedExecutors_followsTheMaster() {
    assertThat(SparkChecks.expectedExecutors(new SparkConf(false).set("spark.master", "local-cluster[3, 1, 1024]")))
        .isEqualTo(3);
    assertThat(SparkChecks.expectedExecutors(new SparkConf(false).set("spark.master", "local[4]"))).isEqualTo(1);
    assertThat(SparkChecks.expectedExecutors(new SparkConf(false).set("spark.master", "spark://h:7077")
        .set("spark.executor.instances", "5"))).isEqualTo(5);
  }
}
