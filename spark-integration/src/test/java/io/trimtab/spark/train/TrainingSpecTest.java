package io.trimtab.spark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import org.junit.jupiter.api.Test;

class TrainingSpecTest {
  private static final TrainingSpec.FirstSetting ALL =
      new TrainingSpec.FirstSetting(
          StalenessBound.parse("bsp"), Aggregation.DIRECT, 0, PartitionerKind.HASH, 0);

  @Test
  void firstSetting_zeroShardsAndWorkers_takeTheClusters() {
    Setting s = ALL.resolve(3, 6);
    assertThat(s.shards()).isEqualTo(3);
    assertThat(s.workers()).isEqualTo(6);
    Setting fixed =
        new TrainingSpec.FirstSetting(
                StalenessBound.parse("ssp:2"), Aggregation.DIRECT, 2, PartitionerKind.RANGE, 4)
            .resolve(3, 6);
    assertThat(fixed.toString()).startsWith("ssp:2/direct/range/2sh/4w");
  }

  @Test
  void badEpochs_areRefusedNamingTheValue() {
    assertThatThrownBy(
            () ->
                new TrainingSpec(
                    "label",
                    io.trimtab.spark.objective.FeatureColumns.vector("features"),
                    0,
                    10,
                    42,
                    UpdateRule.sgd(0.1, 0),
                    ALL,
                    null,
                    Double.NaN,
                    null,
                    null,
                    TableLayout.AUTO,
                    ModelPlacement.AUTO))
        .hasMessage("Invalid epochs: 0 (must be >= 1)");
  }
}
