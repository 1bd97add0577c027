package io.trimtab.ps.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.ps.KeyPartitioner;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeySlicesTest {

  @Test
  void slices_holdEachKeyOnItsShard_andRowsScatterBackInOrder() {
    KeyPartitioner p = new HashPartitioner(3);
    long[] keys = new SplittableRandom(2).longs(50).toArray();
    double[] rows = new double[keys.length * 2];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    KeySlices slices = KeySlices.of(p, keys);
    assertThat(slices.shardCount()).isEqualTo(3);
    double[] back = new double[rows.length];
    int total = 0;
    for (int s = 0; s < 3; s++) {
      for (long k : slices.keys(s)) {
        assertThat(p.shardOf(k)).isEqualTo(s);
      }
      total += slices.keys(s).length;
      double[] slice = slices.gather(s, rows, 2);
      assertThat(slice).hasSize(slices.keys(s).length * 2);
      slices.scatter(s, slice, back, 2);
    }
    assertThat(total).isEqualTo(keys.length);
    assertThat(back).containsExactly(rows);
    assertThat(slices.gather(0, new double[0], 0)).isEmpty();
  }

  @Test
  void partitioners_areRebuiltFromNameAndParameters() {
    for (KeyPartitioner p :
        new KeyPartitioner[] {
          new HashPartitioner(4),
          RangePartitioner.evenDense(3, 100),
          RangePartitioner.evenFullRange(2)
        }) {
      assertThat(Partitioners.byName(p.name(), p.params())).isEqualTo(p);
    }
    assertThatThrownBy(() -> Partitioners.byName("modulo", new long[] {2}))
        .hasMessage("Unknown partitioner: 'modulo' (expected one of [hash, range])");
    assertThatThrownBy(() -> Partitioners.byName("hash", new long[] {2, 3}))
        .hasMessage(
            "Invalid hash partitioner parameters: [2, 3] (expected one shard count, 1 .. 2147483647)");
  }
}
