package io.trimtab.spark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import org.junit.jupiter.api.Test;

class TableLayoutTest {
  private static final Setting HASH =
      new Setting(StalenessBound.bsp(), Aggregation.DIRECT, 2, PartitionerKind.HASH, 2);
  private static final Setting RANGE =
      new Setting(StalenessBound.bsp(), Aggregation.DIRECT, 2, PartitionerKind.RANGE, 2);
  private static final Setting TREE =
      new Setting(StalenessBound.bsp(), Aggregation.DRIVER_TREE, 2, PartitionerKind.HASH, 2);

  @Test
  void auto_isSparseAbove2To24Keys_unlessTheModelStartsEverywhereOrTheSettingNeedsDense() {
    long big = TableLayout.AUTO_SPARSE_KEYS + 1;
    assertThat(TableLayout.AUTO.sparse(big, false, HASH)).isTrue();
    assertThat(TableLayout.AUTO.sparse(TableLayout.AUTO_SPARSE_KEYS, false, HASH)).isFalse();
    assertThat(TableLayout.AUTO.sparse(big, true, HASH)).as("random start").isFalse();
    assertThat(TableLayout.AUTO.sparse(big, false, RANGE)).isFalse();
    assertThat(TableLayout.AUTO.sparse(big, false, TREE)).isFalse();
    assertThat(TableLayout.DENSE.sparse(big, false, HASH)).isFalse();
    assertThat(TableLayout.SPARSE.sparse(10, true, HASH)).isTrue();
  }

  @Test
  void sparse_withASettingThatNeedsDense_isRefusedNamingWhy() {
    assertThatThrownBy(() -> TableLayout.SPARSE.sparse(10, false, RANGE))
        .hasMessageStartingWith("Table layout sparse cannot go with " + RANGE)
        .hasMessageContaining("expected partitioner hash");
    assertThatThrownBy(() -> TableLayout.SPARSE.sparse(10, false, TREE))
        .hasMessageContaining("expected aggregation direct or executor-combine");
  }

  @Test
  void parse_acceptsTheThreeNames_andNamesABadOne() {
    assertThat(TableLayout.parse(" Sparse ")).isEqualTo(TableLayout.SPARSE);
    assertThat(TableLayout.parse("auto")).isEqualTo(TableLayout.AUTO);
    assertThatThrownBy(() -> TableLayout.parse("paged"))
        .hasMessage("Unknown table layout: 'paged' (expected auto, dense or sparse)");
  }
}
