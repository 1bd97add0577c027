package io.trimtab.ps;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.ps.client.NettyPsClient;
import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.ps.protocol.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A BSP worker whose task dies between its pushes to two shards, and is retried from the start of
 * the epoch, over real TCP to two shards: the retry's repeats are dropped, and it re-reads the
 * clock it died in as it was (one shard is a clock ahead by then), so the model equals the one of
 * an undisturbed run exactly.
 */
class ExactlyOnceTest {
  private static final int DIM = 8;
  private static final long[] KEYS = {0, 1, 2, 3, 4, 5, 6, 7};
  private LoopbackShards shards;
  private PsMaster master;
  private PsClient client;

  @BeforeEach
  void start() {
    shards = new LoopbackShards(2);
    master = shards.master();
    client = master.client();
  }

  @AfterEach
  void stop() {
    shards.close();
  }

  /**
   * The update worker {@code w} computes at clock {@code c} from the values it read: depends on
   * every value.
   */
  private static double[] gradient(int w, long c, double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double[] g = new double[values.length];
    for (int i = 0; i < g.length; i++) {
      g[i] = Math.sin(3 * sum + i + 7 * w + 11 * c) + values[i];
    }
    return g;
  }

  private TableHandle table(String name) {
    TableHandle t =
        master.createTable(
            TableSpec.dense(name, DIM, 1, UpdateRule.sgd(0.5, 0.1)), PartitionerKind.RANGE);
    master.setWorkers(t, 2);
    return t;
  }

  /**
   * Worker {@code w}'s clock {@code c}: an exact (or, for the control, a minimum-clock) read, then
   * its push.
   */
  private void step(TableHandle t, int w, long c, boolean exact) throws Exception {
    double[] v =
        exact
            ? client.pullAsync(t, KEYS, ReadMode.exactly(c)).get(10, TimeUnit.SECONDS).values()
            : client.pull(t, KEYS, ReadMode.atLeast(c)).values();
    client.push(t, Push.atClock(w, c, 1, KEYS, gradient(w, c, v)));
  }

  private double[] undisturbed() throws Exception {
    TableHandle t = table("reference");
    for (long c = 0; c < 4; c++) {
      step(t, 0, c, true);
      step(t, 1, c, true);
    }
    return client.pull(t, KEYS, ReadMode.atLeast(4)).values();
  }

  /**
   * Clock 0 runs normally; at clock 1 worker 1 pushes, and worker 0's push reaches only the shard
   * of keys 0-3 before its task dies. The retry of worker 0 runs the epoch from clock 0 again.
   */
  private double[] retriedAfterAPartialPush(String name, boolean exact) throws Exception {
    TableHandle t = table(name);
    step(t, 0, 0, true);
    step(t, 1, 0, true);
    step(t, 1, 1, true);
    double[] read =
        client.pullAsync(t, KEYS, ReadMode.exactly(1)).get(10, TimeUnit.SECONDS).values();
    double[] g = gradient(0, 1, read);
    ShardAddress first = t.shards().get(t.partitioner().shardOf(0));
    List<Long> keys = new ArrayList<>();
    List<Double> deltas = new ArrayList<>();
    for (int i = 0; i < DIM; i++) {
      if (t.shards().get(t.partitioner().shardOf(KEYS[i])).equals(first)) {
        keys.add(KEYS[i]);
        deltas.add(g[i]);
      }
    }
    assertThat(keys)
        .as("the first shard holds some keys, not all")
        .isNotEmpty()
        .hasSizeLessThan(DIM);
    try (NettyPsClient raw = new NettyPsClient(ClientOptions.defaults())) {
      raw.call(
          first,
          new Request.Push(
              t.id(),
              0,
              1,
              1,
              keys.stream().mapToLong(Long::longValue).toArray(),
              deltas.stream().mapToDouble(Double::doubleValue).toArray(),
              new int[0]),
          "partial push");
    }
    // the retry: clocks 0 and 1 again (repeats, but recomputed), then on with worker 1
    for (long c = 0; c < 4; c++) {
      step(t, 0, c, exact);
      if (c >= 2) {
        step(t, 1, c, true);
      }
    }
    assertThat(master.stats(t).duplicatePushes())
        .as("clock 0 on both shards, clock 1 on the first")
        .isEqualTo(3);
    return client.pull(t, KEYS, ReadMode.atLeast(4)).values();
  }

  @Test
  void aTaskRetriedAfterDyingBetweenShards_leavesTheModelOfAnUndisturbedRun() throws Exception {
    double[] reference = undisturbed();
    assertThat(retriedAfterAPartialPush("retried", true)).containsExactly(reference);
  }

  @Test
  void withoutTheExactRead_theRetryWouldComputeAnotherUpdate() throws Exception {
    // the control: reading the freshest values, the retry sees the first shard's clock 2 for clock
    // 1
    double[] reference = undisturbed();
    assertThat(retriedAfterAPartialPush("fresh", false)).isNotEqualTo(reference);
  }
}
