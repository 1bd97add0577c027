package io.trimtab.tuner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import org.junit.jupiter.api.Test;

class SettingTest {

  @Test
  void defaults_areBspDirectHashOneShardPerExecutorOneWorkerPerCore() {
    Setting d = Setting.defaults(3, 12);
    assertThat(d.toString()).isEqualTo("bsp/direct/hash/3sh/12w");
    assertThat(d.layoutDiffers(d.withWorkers(4))).isFalse();
    assertThat(d.layoutDiffers(d.withPartitioner(PartitionerKind.RANGE))).isTrue();
    assertThat(d.layoutDiffers(d.withShards(1))).isTrue();
  }

  @Test
  void impossibleSettings_areRejectedWithTheReason() {
    Setting d = Setting.defaults(2, 2);
    assertThatThrownBy(() -> d.withShards(0)).hasMessage("Invalid shard count: 0 (must be >= 1)");
    assertThatThrownBy(() -> d.withWorkers(0))
        .hasMessage("Invalid number of workers: 0 (must be >= 1)");
    assertThatThrownBy(
            () -> d.withAggregation(Aggregation.DRIVER_TREE).withStaleness(StalenessBound.asp()))
        .hasMessageStartingWith("Driver-side tree aggregation needs BSP (got staleness asp)");
    assertThatThrownBy(
            () ->
                d.withStaleness(StalenessBound.asp()).withAggregation(Aggregation.EXECUTOR_COMBINE))
        .hasMessageStartingWith(
            "Executor-local combining needs a bounded staleness, bsp or ssp (got asp)");
    assertThat(
            d.withStaleness(StalenessBound.ssp(2))
                .withAggregation(Aggregation.EXECUTOR_COMBINE)
                .toString())
        .isEqualTo("ssp:2/executor-combine/hash/2sh/2w");
  }

  @Test
  void aggregation_parses() {
    assertThat(Aggregation.parse("tree")).isEqualTo(Aggregation.DRIVER_TREE);
    assertThat(Aggregation.parse("Executor_Combine")).isEqualTo(Aggregation.EXECUTOR_COMBINE);
    assertThatThrownBy(() -> Aggregation.parse("gossip"))
        .hasMessage(
            "Unknown aggregation strategy: 'gossip' (expected one of [direct, executor-combine, driver-tree])");
  }
}
