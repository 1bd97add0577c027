package io.trimtab.ps.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.ps.KeyPartitioner;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyPartitionerTest {

  @ParameterizedTest
  @CsvSource({
    "RANGE,1,1",
    "RANGE,3,10",
    "RANGE,4,1000",
    "RANGE,7,12345",
    "HASH,1,5",
    "HASH,3,10",
    "HASH,4,1000",
    "HASH,7,12345",
    "HASH,5,3"
  })
  void dense_everyKeyHasExactlyOneShardAndLocalSlot(PartitionerKind kind, int shards, long dim) {
    if (kind == PartitionerKind.RANGE && shards > dim) {
      return;
    }
    KeyPartitioner p = kind.create(TableSpec.dense("t", dim, 1, UpdateRule.add()), shards);
    BitSet[] seen = new BitSet[shards];
    long total = 0;
    for (int s = 0; s < shards; s++) {
      seen[s] = new BitSet();
      total += p.denseShardSize(s, dim);
    }
    assertThat(total).as("shard sizes cover the dimension").isEqualTo(dim);
    for (long k = 0; k < dim; k++) {
      int s = p.shardOf(k);
      assertThat(s).isBetween(0, shards - 1);
      long local = p.denseLocalIndex(k);
      assertThat(local).isBetween(0L, p.denseShardSize(s, dim) - 1);
      assertThat(p.denseKey(s, local)).as("denseKey inverts denseLocalIndex").isEqualTo(k);
      assertThat(seen[s].get((int) local))
          .as("slot %d of shard %d taken twice (key %d)", local, s, k)
          .isFalse();
      seen[s].set((int) local);
    }
    for (int s = 0; s < shards; s++) {
      assertThat((long) seen[s].cardinality()).isEqualTo(p.denseShardSize(s, dim));
    }
  }

  @Test
  void sparse_anyLongKeyMapsIntoRange_andRangeIsMonotone() {
    KeyPartitioner hash =
        PartitionerKind.HASH.create(TableSpec.sparse("t", 1, UpdateRule.add()), 5);
    KeyPartitioner range =
        PartitionerKind.RANGE.create(TableSpec.sparse("t", 1, UpdateRule.add()), 5);
    SplittableRandom rnd = new SplittableRandom(7);
    int[] counts = new int[5];
    for (int i = 0; i < 100_000; i++) {
      long k = rnd.nextLong();
      assertThat(hash.shardOf(k)).isBetween(0, 4);
      counts[range.shardOf(k)]++;
    }
    for (int c : counts) {
      assertThat(c).as("random keys spread evenly over equal ranges").isBetween(18_000, 22_000);
    }
    assertThat(range.shardOf(Long.MIN_VALUE)).isZero();
    assertThat(range.shardOf(Long.MAX_VALUE)).isEqualTo(4);
    long prev = Long.MIN_VALUE;
    int prevShard = 0;
    for (int i = 0; i < 1000; i++) {
      long k = prev + (Long.MAX_VALUE / 600);
      if (k < prev) {
        break;
      }
      assertThat(range.shardOf(k)).isGreaterThanOrEqualTo(prevShard);
      prevShard = range.shardOf(k);
      prev = k;
    }
  }

  @Test
  void badSettings_giveClearErrors() {
    assertThatThrownBy(() -> new HashPartitioner(0))
        .hasMessage("Invalid shard count: 0 (must be >= 1)");
    assertThatThrownBy(() -> RangePartitioner.evenDense(11, 10))
        .hasMessageContaining("Invalid shard count for a dense table of dimension 10: 11");
    assertThatThrownBy(() -> new RangePartitioner(new long[] {5, 5}))
        .hasMessageContaining("must increase strictly");
    assertThatThrownBy(() -> PartitionerKind.parse("modulo"))
        .hasMessage("Unknown partitioner: 'modulo' (expected one of [range, hash])");
  }
}
