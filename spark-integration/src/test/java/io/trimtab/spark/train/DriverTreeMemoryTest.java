package io.trimtab.spark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import org.junit.jupiter.api.Test;

class DriverTreeMemoryTest {
  private static final long GIB = 1L << 30;

  /** 2^25 keys of 1 value and its AdaGrad state, 4 GiB driver, 1 GiB executors of 1 core. */
  private static final DriverTreeMemory WIDE =
      new DriverTreeMemory(1L << 25, 1, 2, 4 * GIB, GIB, 1);

  private static Setting setting(Aggregation a, int shards) {
    return new Setting(StalenessBound.bsp(), a, shards, PartitionerKind.HASH, 2);
  }

  @Test
  void onlyDriverTree_isHeldToTheDenseGradientRule() {
    for (Aggregation a : new Aggregation[] {Aggregation.DIRECT, Aggregation.EXECUTOR_COMBINE}) {
      assertThat(WIDE.fits(setting(a, 1))).as(a.label()).isTrue();
      assertThatCode(() -> WIDE.require(setting(a, 1))).doesNotThrowAnyException();
    }
    Setting tree = setting(Aggregation.DRIVER_TREE, 2);
    assertThat(WIDE.fits(tree)).isFalse();
    assertThatThrownBy(() -> WIDE.require(tree))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Setting " + tree + ": Aggregation driver-tree does not fit this model")
        // the shard's part: 2^25 keys x 2 doubles over 2 shards
        .hasMessageContaining("its shard's 256.0 MiB: 1.0 GiB of its 1.0 GiB heap less 300 MB");
  }

  @Test
  void aSmallModel_fitsDriverTree() {
    DriverTreeMemory small = new DriverTreeMemory(1L << 18, 1, 2, GIB, GIB, 2);
    assertThat(small.fits(setting(Aggregation.DRIVER_TREE, 1))).isTrue();
  }
}
