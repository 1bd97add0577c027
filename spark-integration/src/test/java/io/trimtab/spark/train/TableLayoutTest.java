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

  /** {@code layout.sparse} for a logistic regression with AdaGrad (2 doubles a key). */
  private static boolean sparse(
      TableLayout layout, long keys, boolean randomStart, Setting first, long touched) {
    return layout.sparse(keys, randomStart, first, 2, true, () -> touched);
  }

  /** As above, where the data must not be asked about. */
  private static boolean sparse(TableLayout layout, long keys, boolean randomStart, Setting first) {
    return layout.sparse(
        keys,
        randomStart,
        first,
        2,
        true,
        () -> {
          throw new AssertionError("the data were cut to decide " + layout + " for " + keys);
        });
  }

  @Test
  void auto_isSparseAbove2To24Keys_unlessTheModelStartsEverywhereOrTheSettingNeedsDense() {
    long big = TableLayout.AUTO_SPARSE_KEYS + 1;
    assertThat(sparse(TableLayout.AUTO, big, false, HASH, 1000)).isTrue();
    assertThat(sparse(TableLayout.AUTO, TableLayout.AUTO_SPARSE_KEYS, false, HASH)).isFalse();
    assertThat(sparse(TableLayout.AUTO, big, true, HASH)).as("random start").isFalse();
    assertThat(sparse(TableLayout.AUTO, big, false, RANGE)).isFalse();
    assertThat(sparse(TableLayout.AUTO, big, false, TREE)).isFalse();
    assertThat(sparse(TableLayout.DENSE, big, false, HASH)).isFalse();
    assertThat(sparse(TableLayout.SPARSE, 10, true, HASH)).isTrue();
  }

  @Test
  void auto_isDenseWhenTheDataFillTheKeySpace_andTheDenseTableFits() {
    long keys = 1L << 26;
    // 16 bytes of doubles a key: sparse costs 36 a touched key, dense 16 a key, equal at 4/9
    assertThat(sparse(TableLayout.AUTO, keys, false, HASH, keys * 4 / 9 - 1000)).isTrue();
    assertThat(sparse(TableLayout.AUTO, keys, false, HASH, keys * 4 / 9 + 1000)).isFalse();
    assertThat(sparse(TableLayout.AUTO, keys, false, HASH, keys)).isFalse();
    // a dense table the shards cannot hold stays sparse, without cutting the data to find out
    assertThat(
            TableLayout.AUTO.sparse(
                keys,
                false,
                HASH,
                2,
                false,
                () -> {
                  throw new AssertionError("asked the data");
                }))
        .isTrue();
  }

  @Test
  void sparse_withASettingThatNeedsDense_isRefusedNamingWhy() {
    assertThatThrownBy(() -> sparse(TableLayout.SPARSE, 10, false, RANGE))
        .hasMessageStartingWith("Table layout sparse cannot go with " + RANGE)
        .hasMessageContaining("expected partitioner hash");
    assertThatThrownBy(() -> sparse(TableLayout.SPARSE, 10, false, TREE))
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
