package io.trimtab.ps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.partition.PartitionerKind;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Moving a table between shard layouts keeps it bit-for-bit, optimizer state and clock included.
 */
class RepartitionTest {
  private LoopbackShards shards;
  private PsMaster master;

  @BeforeEach
  void start() {
    shards = new LoopbackShards(3);
    master = shards.master();
  }

  @AfterEach
  void stop() {
    shards.close();
  }

  private static void clock(PsClient c, TableHandle t, long clock, long[] keys, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int w = 0; w < 2; w++) {
      double[] d = new double[keys.length * t.spec().width()];
      for (int i = 0; i < d.length; i++) {
        d[i] = rnd.nextDouble() * 2 - 1;
      }
      c.push(t, Push.atClock(w, clock, 3, keys, d));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "DENSE,HASH,3,RANGE,2",
    "DENSE,RANGE,2,HASH,3",
    "DENSE,HASH,3,HASH,1",
    "SPARSE,HASH,3,RANGE,2",
    "SPARSE,RANGE,1,HASH,3"
  })
  void move_isBitForBit_andTrainingContinuesAsIfNothingMoved(
      TableKind kind, PartitionerKind from, int fromShards, PartitionerKind to, int toShards) {
    UpdateRule rule = UpdateRule.adagrad(0.1, 0.01);
    TableSpec a =
        kind == TableKind.DENSE
            ? TableSpec.dense("moved", 1000, 2, rule)
            : TableSpec.sparse("moved", 2, rule);
    TableSpec b =
        kind == TableKind.DENSE
            ? TableSpec.dense("kept", 1000, 2, rule)
            : TableSpec.sparse("kept", 2, rule);
    TableHandle moved = master.createTable(a, from, fromShards);
    TableHandle kept = master.createTable(b, from, fromShards);
    master.setWorkers(moved, 2);
    master.setWorkers(kept, 2);
    long[] keys = new SplittableRandom(1).longs(300, 0, 1000).distinct().toArray();
    for (int c = 0; c < 3; c++) {
      clock(master.client(), moved, c, keys, c);
      clock(master.client(), kept, c, keys, c);
    }
    TableSnapshot before = master.snapshot(moved);
    assertThat(before.clock()).isEqualTo(3);
    assertThat(before.state()).as("Adagrad accumulators are part of the table").isNotEmpty();

    TableHandle after = master.repartition(moved, to, toShards, 2, StalenessBound.bsp());
    assertThat(after.partitioner()).isEqualTo(to.create(a, toShards));
    assertThat(after.shards()).hasSize(toShards);
    assertThat(master.snapshot(after)).isEqualTo(before);
    assertThat(master.table("moved")).contains(after);
    assertThatThrownBy(
            () -> master.client().pull(moved, new long[] {keys[0]}, ReadMode.latest()).values())
        .hasMessageContaining("Unknown table id");

    for (int c = 3; c < 6; c++) {
      clock(master.client(), after, c, keys, c);
      clock(master.client(), kept, c, keys, c);
    }
    TableSnapshot movedEnd = master.snapshot(after);
    TableSnapshot keptEnd = master.snapshot(kept);
    assertThat(movedEnd.values()).containsExactly(keptEnd.values());
    assertThat(movedEnd.state()).containsExactly(keptEnd.state());
    assertThat(movedEnd.clock()).isEqualTo(6);
  }

  @Test
  void aMoveOfManyChunks_isBitForBit() {
    // 200k keys of width 2 with AdaGrad state: 4 doubles a key, 16k keys an import, many imports
    UpdateRule rule = UpdateRule.adagrad(0.1, 0.01);
    TableHandle t = master.createTable(TableSpec.sparse("big", 2, rule), PartitionerKind.HASH, 3);
    long[] keys = new SplittableRandom(7).longs(200_000).distinct().toArray();
    double[] d = new SplittableRandom(8).doubles(keys.length * 2L, -1, 1).toArray();
    master.client().push(t, Push.unclocked(keys, d));
    TableSnapshot before = master.snapshot(t);
    assertThat(before.keys()).hasSize(keys.length);
    TableHandle after = master.repartition(t, PartitionerKind.HASH, 2, 0, StalenessBound.bsp());
    assertThat(master.snapshot(after)).isEqualTo(before);
    assertThat(master.stats(after).numKeys()).isEqualTo(keys.length);
  }

  @Test
  void badMoves_leaveTheTableAsItWas() {
    TableHandle t =
        master.createTable(TableSpec.dense("t", 10, 1, UpdateRule.add()), PartitionerKind.HASH);
    master.client().push(t, Push.unclocked(new long[] {1, 2}, new double[] {5, 6}));
    assertThatThrownBy(
            () -> master.repartition(t, PartitionerKind.RANGE, 0, 1, StalenessBound.bsp()))
        .hasMessage(
            "Invalid shard count for table 't': 0 (must be 1 .. 3, the number of live shards)");
    assertThatThrownBy(
            () -> master.repartition(t, PartitionerKind.RANGE, 4, 1, StalenessBound.bsp()))
        .hasMessageContaining("must be 1 .. 3");
    assertThat(master.client().pull(t, new long[] {1, 2}, ReadMode.latest()).values())
        .containsExactly(5, 6);
  }
}
