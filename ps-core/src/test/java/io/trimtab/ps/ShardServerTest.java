package io.trimtab.ps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.ps.server.ShardServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Several shard servers on loopback in one JVM, real TCP between client and shards. */
class ShardServerTest {
  private final List<ShardServer> servers = new ArrayList<>();
  private PsMaster master;
  private PsClient client;

  @BeforeEach
  void start() {
    for (int i = 0; i < 3; i++) {
      servers.add(ShardServer.start("127.0.0.1", 0, 2));
    }
    master =
        new PsMaster(
            servers.stream().map(ShardServer::address).toList(),
            ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(20)));
    client = master.client();
  }

  @AfterEach
  void stop() {
    master.close();
    servers.forEach(ShardServer::close);
  }

  @ParameterizedTest
  @EnumSource(PartitionerKind.class)
  void dense_pushThenPull_roundTripsAcrossShards(PartitionerKind kind) {
    TableHandle t = master.createTable(TableSpec.dense("w", 1000, 2, UpdateRule.add()), kind);
    long[] keys = {999, 0, 500, 1, 2, 3};
    double[] deltas = new double[keys.length * 2];
    for (int i = 0; i < deltas.length; i++) {
      deltas[i] = i + 0.5;
    }
    client.push(t, Push.unclocked(keys, deltas));
    assertThat(client.pull(t, keys, ReadMode.latest()).values()).containsExactly(deltas);
    assertThat(client.pull(t, new long[] {4}, ReadMode.latest()).values()).containsExactly(0, 0);
    assertThat(master.stats(t).numKeys()).isEqualTo(1000);
  }

  @ParameterizedTest
  @EnumSource(TableKind.class)
  void concurrentPushes_loseNothing(TableKind kind) throws Exception {
    int threads = 8;
    int pushes = 500;
    long[] keys = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    if (kind == TableKind.SPARSE) {
      for (int i = 0; i < keys.length; i++) {
        keys[i] = keys[i] * 0x9E3779B97F4A7C15L;
      }
    }
    TableSpec spec =
        kind == TableKind.DENSE
            ? TableSpec.dense("c", 100, 1, UpdateRule.add())
            : TableSpec.sparse("c", 1, UpdateRule.add());
    TableHandle t = master.createTable(spec, PartitionerKind.HASH);
    double[] ones = new double[keys.length];
    java.util.Arrays.fill(ones, 1.0);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try (PsClient own = new io.trimtab.ps.client.NettyPsClient(ClientOptions.defaults())) {
      for (int th = 0; th < threads; th++) {
        PsClient c = th % 2 == 0 ? client : own;
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  List<CompletableFuture<Void>> inflight = new ArrayList<>();
                  for (int i = 0; i < pushes; i++) {
                    inflight.add(c.pushAsync(t, Push.unclocked(keys, ones)));
                  }
                  CompletableFuture.allOf(inflight.toArray(new CompletableFuture[0]))
                      .get(30, TimeUnit.SECONDS);
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    double[] sums = client.pull(t, keys, ReadMode.latest()).values();
    for (double s : sums) {
      assertThat(s).isEqualTo((double) threads * pushes);
    }
  }

  @Test
  void aPullLargerThanOneAnswer_isSplitPerShard_andComesBackInOrder() {
    // width 4096: an answer holds at most 2^26 bytes, 2,048 keys; 5,000 keys on one shard take
    // three requests, and the pulled keys come in reverse order
    int width = 4096;
    TableHandle t =
        master.createTable(
            TableSpec.sparse("wide", width, UpdateRule.add()), PartitionerKind.HASH, 1);
    ShardServer shard =
        servers.stream().filter(x -> x.address().equals(t.shards().get(0))).findFirst().get();
    int n = 5000;
    long[] keys = new long[n];
    double[] deltas = new double[n * width];
    for (int i = 0; i < n; i++) {
      keys[i] = n - 1 - i;
      for (int j = 0; j < width; j += 1000) {
        deltas[i * width + j] = keys[i] * 10_000.0 + j;
      }
    }
    client.push(t, Push.unclocked(keys, deltas));
    long pullsBefore = shard.metrics().pulls();
    double[] pulled = client.pull(t, keys, ReadMode.latest()).values();
    assertThat(shard.metrics().pulls() - pullsBefore).as("requests of one pull").isEqualTo(3);
    // (compared by index: AssertJ's diff of 20M values would take minutes)
    assertThat(pulled).hasSameSizeAs(deltas);
    int firstDiff = java.util.Arrays.mismatch(pulled, deltas);
    assertThat(firstDiff)
        .as("first differing value (key %d)", firstDiff < 0 ? -1 : keys[firstDiff / width])
        .isEqualTo(-1);
  }

  @Test
  void sparse_unseenKeysReadZero_andGrowOnPush() {
    TableHandle t =
        master.createTable(TableSpec.sparse("emb", 4, UpdateRule.add()), PartitionerKind.HASH);
    long k = -123456789012345L;
    assertThat(client.pull(t, new long[] {k}, ReadMode.latest()).values())
        .containsExactly(0, 0, 0, 0);
    assertThat(master.stats(t).numKeys()).isZero();
    long[] many = new long[10_000];
    for (int i = 0; i < many.length; i++) {
      many[i] = (i + 1) * 0x9E3779B97F4A7C15L;
    }
    client.push(t, Push.unclocked(many, new double[many.length * 4]));
    assertThat(master.stats(t).numKeys()).isEqualTo(10_000);
  }

  @Test
  void sgdAndAdagrad_areAppliedOnTheServer_withAveragedGradient() {
    TableHandle sgd =
        master.createTable(
            TableSpec.dense("sgd", 10, 1, UpdateRule.sgd(0.5, 0.1)), PartitionerKind.RANGE);
    client.push(sgd, Push.unclocked(new long[] {3}, new double[] {2.0}));
    // w = 0 - 0.5 * (2 + 0.1 * 0) = -1
    client.push(sgd, new Push(new long[] {3}, new double[] {4.0}, 2, -1, 0, null));
    // g = 4 / 2 = 2; w = -1 - 0.5 * (2 + 0.1 * -1) = -1.95
    assertThat(client.pull(sgd, new long[] {3}, ReadMode.latest()).values()[0])
        .isCloseTo(-1.95, within(1e-12));

    TableHandle ada =
        master.createTable(
            TableSpec.dense("ada", 10, 1, UpdateRule.adagrad(0.1, 0)), PartitionerKind.HASH);
    client.push(ada, Push.unclocked(new long[] {1}, new double[] {3.0}));
    client.push(ada, Push.unclocked(new long[] {1}, new double[] {4.0}));
    double w1 = -0.1 * 3 / (3 + 1e-8);
    double w2 = w1 - 0.1 * 4 / (5 + 1e-8);
    assertThat(client.pull(ada, new long[] {1}, ReadMode.latest()).values()[0])
        .isCloseTo(w2, within(1e-12));
    // Adagrad keeps one accumulator per value: the same layout, the same bytes
    assertThat(master.stats(ada).stateBytes())
        .isEqualTo(master.stats(ada).parameterBytes())
        .isBetween(80L, 400L);
  }

  @Test
  void clockedPushes_areAppliedTogether_andPullsWaitForTheClock() throws Exception {
    TableHandle t =
        master.createTable(
            TableSpec.dense("bsp", 6, 1, UpdateRule.sgd(1.0, 0)), PartitionerKind.HASH);
    master.setWorkers(t, 2);
    long[] keys = {0, 1, 2, 3, 4, 5};
    client.push(t, Push.atClock(0, 0, 1, new long[] {0, 1}, new double[] {1, 1}));
    CompletableFuture<double[]> waiting =
        client.pullAsync(t, keys, ReadMode.atLeast(1)).thenApply(Pulled::values);
    assertThat(client.pull(t, keys, ReadMode.atLeast(0)).values())
        .as("clock 0 not applied before worker 1 pushed")
        .containsOnly(0.0);
    assertThat(waiting).isNotDone();
    client.push(t, Push.atClock(1, 0, 3, new long[] {1, 5}, new double[] {3, 3}));
    // total count 4: w0 = -1/4, w1 = -(1+3)/4, w5 = -3/4
    assertThat(waiting.get(10, TimeUnit.SECONDS)).containsExactly(-0.25, -1.0, 0, 0, 0, -0.75);
    assertThat(servers)
        .as("answered pulls hold no expiry timer (and so no keys)")
        .allSatisfy(s -> assertThat(s.waitingPulls()).isZero());
    assertThat(master.stats(t).clock()).isEqualTo(1);

    // a repeat of a clock already pushed (a retried or speculative task attempt) is dropped and
    // counted
    client.push(t, Push.atClock(1, 0, 1, new long[] {0}, new double[] {1}));
    assertThat(client.pull(t, keys, ReadMode.atLeast(0)).values())
        .containsExactly(-0.25, -1.0, 0, 0, 0, -0.75);
    assertThat(master.stats(t).duplicatePushes())
        .as("one repeat, sent to each of the 3 shards")
        .isEqualTo(3);
    assertThatThrownBy(
            () -> client.push(t, Push.atClock(0, 2, 1, new long[] {0}, new double[] {1})))
        .hasMessageContaining("Out-of-order push")
        .hasMessageContaining("for clock 2 (expected clock 1");
    client.push(t, Push.atClock(1, 1, 1, new long[] {0}, new double[] {1}));
    // buffered, not yet applied (worker 0 has not pushed clock 1): the repeat is dropped all the
    // same
    client.push(t, Push.atClock(1, 1, 5, new long[] {0}, new double[] {7}));
    client.push(t, Push.atClock(0, 1, 1, new long[] {0}, new double[] {1}));
    assertThat(client.pull(t, keys, ReadMode.atLeast(2)).values())
        .containsExactly(-1.25, -1.0, 0, 0, 0, -0.75);
    assertThat(master.stats(t).duplicatePushes()).isEqualTo(6);
    assertThatThrownBy(
            () -> client.push(t, Push.atClock(2, 1, 1, new long[] {0}, new double[] {1})))
        .hasMessageContaining("from worker 2: the table has 2 workers (expected worker 0 .. 1)");
  }

  @ParameterizedTest
  @EnumSource(TableKind.class)
  void manyClocks_sumEveryWorkersPushExactlyOnce(TableKind kind) throws Exception {
    TableSpec spec =
        kind == TableKind.DENSE
            ? TableSpec.dense("m", 50, 2, UpdateRule.add())
            : TableSpec.sparse("m", 2, UpdateRule.add());
    TableHandle t = master.createTable(spec, PartitionerKind.RANGE);
    int workers = 3;
    master.setWorkers(t, workers);
    long[] keys = {0, 7, 13, 24, 49};
    double[] expected = new double[keys.length * 2];
    for (int clock = 0; clock < 6; clock++) {
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        double[] d = new double[keys.length * 2];
        for (int i = 0; i < d.length; i++) {
          d[i] = (clock + 1) * (w + 1) + i;
          expected[i] += d[i];
        }
        // worker 2 skips keys at even clocks: an empty clocked push still completes the clock
        acks.add(
            w == 2 && clock % 2 == 0
                ? client.pushAsync(t, Push.atClock(w, clock, 0, new long[0], new double[0]))
                : client.pushAsync(t, Push.atClock(w, clock, 0, keys, d)));
        if (w == 2 && clock % 2 == 0) {
          for (int i = 0; i < d.length; i++) {
            expected[i] -= d[i];
          }
        }
      }
      for (CompletableFuture<Void> a : acks) {
        a.get(10, TimeUnit.SECONDS);
      }
      assertThat(client.pull(t, keys, ReadMode.atLeast(clock + 1)).values())
          .containsExactly(expected);
    }
    assertThat(master.stats(t).clock()).isEqualTo(6);
  }

  @Test
  void sparseClocks_withNewAndRepeatedKeysEachClock_sumExactly() throws Exception {
    // each clock's pushes are merged by slot when it is applied: keys pushed at one clock and not
    // the next, keys first seen late, and a push not sorted by key sum exactly
    TableHandle t =
        master.createTable(TableSpec.sparse("grow", 2, UpdateRule.add()), PartitionerKind.HASH);
    int workers = 2;
    master.setWorkers(t, workers);
    java.util.Map<Long, double[]> expected = new java.util.TreeMap<>();
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
    for (int clock = 0; clock < 8; clock++) {
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        long[] keys =
            rnd.longs(200 + 300L * clock, 0, 500 + 2000L * clock).distinct().sorted().toArray();
        double[] d = rnd.doubles(keys.length * 2L, -1, 1).toArray();
        for (int i = 0; i < keys.length; i++) {
          double[] e = expected.computeIfAbsent(keys[i] * 0x9E3779B97F4A7C15L, k -> new double[2]);
          e[0] += d[2 * i];
          e[1] += d[2 * i + 1];
          keys[i] *= 0x9E3779B97F4A7C15L;
        }
        long[] sorted = keys.clone();
        java.util.Arrays.sort(sorted);
        double[] ds = new double[d.length];
        for (int i = 0; i < keys.length; i++) {
          int at = java.util.Arrays.binarySearch(sorted, keys[i]);
          ds[2 * at] = d[2 * i];
          ds[2 * at + 1] = d[2 * i + 1];
        }
        // worker 1 pushes its keys in hash order, as a client of ps-core may: sorted by the shard
        acks.add(
            w == 1
                ? client.pushAsync(t, Push.atClock(w, clock, 0, keys, d))
                : client.pushAsync(t, Push.atClock(w, clock, 0, sorted, ds)));
      }
      for (CompletableFuture<Void> a : acks) {
        a.get(10, TimeUnit.SECONDS);
      }
    }
    long[] keys = expected.keySet().stream().mapToLong(Long::longValue).toArray();
    double[] got = client.pull(t, keys, ReadMode.atLeast(8)).values();
    for (int i = 0; i < keys.length; i++) {
      double[] e = expected.get(keys[i]);
      // the same two deltas summed in the order the workers' pushes were applied
      assertThat(got[2 * i]).isCloseTo(e[0], org.assertj.core.api.Assertions.within(1e-12));
      assertThat(got[2 * i + 1]).isCloseTo(e[1], org.assertj.core.api.Assertions.within(1e-12));
    }
    assertThat(master.stats(t).numKeys()).isEqualTo(keys.length);
  }

  @Test
  void sspPushes_applyOnArrival_andReadsWaitOnlyBeyondTheBound() throws Exception {
    TableHandle t =
        master.createTable(TableSpec.dense("ssp", 4, 1, UpdateRule.add()), PartitionerKind.RANGE);
    master.setWorkers(t, 2, StalenessBound.ssp(1));
    long[] keys = {0, 1, 2, 3};
    // worker 0 runs ahead: its pushes are visible at once (divided by count x workers = 2 x 2)
    client.push(t, Push.atClock(0, 0, 2, keys, new double[] {4, 4, 4, 4}));
    Pulled p1 = client.pull(t, keys, ReadMode.atLeast(StalenessBound.ssp(1).minReadClock(1)));
    assertThat(p1.values()).containsOnly(1.0);
    assertThat(p1.clock()).isZero();
    client.push(t, Push.atClock(0, 1, 2, keys, new double[] {4, 4, 4, 4}));
    // at clock 2 worker 0 may read only once every worker completed clock 0
    CompletableFuture<Pulled> ahead =
        client.pullAsync(t, keys, ReadMode.atLeast(StalenessBound.ssp(1).minReadClock(2)));
    assertThat(ahead).isNotDone();
    client.push(t, Push.atClock(1, 0, 2, keys, new double[] {8, 8, 8, 8}));
    Pulled p2 = ahead.get(10, TimeUnit.SECONDS);
    assertThat(p2.clock()).isEqualTo(1);
    assertThat(p2.values()).containsOnly(4.0);
    assertThat(master.stats(t).clock()).isEqualTo(1);
    assertThatThrownBy(() -> master.setWorkers(t, 2, StalenessBound.bsp()))
        .hasMessageContaining("in the middle of an epoch: slowest worker 1 has completed 1 clocks");
  }

  @Test
  void combinedPushes_countForEveryWorkerTheyCarry() throws Exception {
    TableHandle t =
        master.createTable(
            TableSpec.dense("comb", 4, 1, UpdateRule.sgd(1, 0)), PartitionerKind.HASH);
    master.setWorkers(t, 3);
    long[] keys = {0, 1, 2, 3};
    client.push(t, Push.combined(new int[] {0, 2}, 0, 3, keys, new double[] {3, 3, 3, 3}));
    CompletableFuture<double[]> next =
        client.pullAsync(t, keys, ReadMode.atLeast(1)).thenApply(Pulled::values);
    assertThat(next).isNotDone();
    client.push(t, Push.atClock(1, 0, 1, keys, new double[] {1, 1, 1, 1}));
    // one averaged step over all 4 examples: w = -(3 + 1) / 4
    assertThat(next.get(10, TimeUnit.SECONDS)).containsOnly(-1.0);
    assertThatThrownBy(
            () -> client.push(t, Push.combined(new int[] {1, 2, 1}, 1, 1, keys, new double[4])))
        .hasMessageContaining("names a worker twice: [1, 2, 1]");
    // worker 0 pushed clock 0 (combined with 2), worker 1 did too: a regrouped retry of both is a
    // repeat
    client.push(t, Push.combined(new int[] {1, 0}, 0, 1, keys, new double[] {9, 9, 9, 9}));
    assertThat(client.pull(t, keys, ReadMode.atLeast(1)).values()).containsOnly(-1.0);
    client.push(t, Push.atClock(1, 1, 1, keys, new double[4]));
    // but a combined push of worker 1's repeat with worker 0's new clock 1 cannot be split
    assertThatThrownBy(
            () -> client.push(t, Push.combined(new int[] {0, 1}, 1, 1, keys, new double[4])))
        .hasMessageContaining(
            "for clock 1 combines workers [0, 1] of which 1 already pushed that clock")
        .hasMessageContaining("cannot be applied exactly once");
  }

  @Test
  void pullWaitingTooLong_failsNamingTheSlowestWorker() {
    try (PsClient impatient =
        new io.trimtab.ps.client.NettyPsClient(
            ClientOptions.defaults().withRequestTimeout(Duration.ofMillis(1500)))) {
      TableHandle t =
          master.createTable(TableSpec.dense("slow", 4, 1, UpdateRule.add()), PartitionerKind.HASH);
      master.setWorkers(t, 3, StalenessBound.ssp(0));
      impatient.push(t, Push.atClock(0, 0, 1, new long[] {0}, new double[] {1}));
      impatient.push(t, Push.atClock(2, 0, 1, new long[] {0}, new double[] {1}));
      assertThatThrownBy(() -> impatient.pull(t, new long[] {0, 1}, ReadMode.atLeast(1)).values())
          .isInstanceOf(PsException.class)
          .hasMessageContaining("waited 1350 ms for clock 1 but the table is at clock 0")
          .hasMessageContaining("slowest worker 1 has completed 0 clocks");
    }
  }

  @Test
  void stalenessSettings_parseAndRejectBadBounds() {
    assertThat(StalenessBound.parse("BSP")).isEqualTo(StalenessBound.bsp());
    assertThat(StalenessBound.parse("ssp:3")).isEqualTo(StalenessBound.ssp(3));
    assertThat(StalenessBound.parse("ssp(0)").toString()).isEqualTo("ssp:0");
    assertThat(StalenessBound.parse("asp").bounded()).isFalse();
    assertThat(StalenessBound.asp().minReadClock(1000)).isZero();
    assertThat(StalenessBound.ssp(2).minReadClock(1)).isZero();
    assertThat(StalenessBound.ssp(2).minReadClock(7)).isEqualTo(5);
    assertThatThrownBy(() -> StalenessBound.ssp(-1))
        .hasMessage("Invalid staleness bound: -1 (must be >= 0)");
    assertThatThrownBy(() -> StalenessBound.parse("ssp:-2"))
        .hasMessage("Invalid staleness bound: -2 (must be >= 0)");
    assertThatThrownBy(() -> StalenessBound.parse("sometimes"))
        .hasMessage(
            "Invalid staleness setting: 'sometimes' (expected bsp, asp, or ssp:<bound> with bound >= 0, e.g. ssp:3)");
  }

  @Test
  void badRequests_giveClearErrors() {
    TableHandle t =
        master.createTable(TableSpec.dense("w", 10, 2, UpdateRule.add()), PartitionerKind.RANGE);
    assertThatThrownBy(() -> client.pull(t, new long[] {10}, ReadMode.latest()).values())
        .isInstanceOf(PsException.class)
        .hasMessageContaining("Unknown key 10 for dense table 'w'")
        .hasMessageContaining("(expected 0 .. 9)");
    assertThatThrownBy(() -> client.pull(t, new long[] {-1}, ReadMode.latest()).values())
        .hasMessageContaining("Unknown key -1");
    assertThatThrownBy(() -> client.pull(t, new long[0], ReadMode.latest()).values())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Pull from table 'w' with no keys (expected at least one)");
    assertThatThrownBy(() -> client.push(t, Push.unclocked(new long[0], new double[0])))
        .hasMessage("Push to table 'w' with no keys (expected at least one)");
    assertThatThrownBy(
            () -> client.push(t, Push.unclocked(new long[] {1, 2}, new double[] {1, 2, 3})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Push to table 'w': 3 values for 2 keys of width 2 (expected 4)");
    TableHandle stale =
        new TableHandle(
            t.id(), t.spec(), new io.trimtab.ps.partition.HashPartitioner(3), t.shards());
    assertThatThrownBy(() -> client.pull(stale, new long[] {1}, ReadMode.latest()).values())
        .hasMessageContaining("Key 1 of table 'w' (id " + t.id() + ") shard 1 belongs to shard 0");
    TableHandle unknown = new TableHandle(77, t.spec(), t.partitioner(), t.shards());
    assertThatThrownBy(() -> client.pull(unknown, new long[] {1}, ReadMode.latest()).values())
        .hasMessageContaining("Unknown table id 77");
    assertThatThrownBy(
            () ->
                master.createTable(
                    TableSpec.dense("w", 10, 1, UpdateRule.add()), PartitionerKind.HASH))
        .hasMessage("Table 'w' already exists (drop it first or pick another name)");
    assertThatThrownBy(
            () ->
                master.createTable(
                    TableSpec.dense("x", 10, 1, UpdateRule.add()), PartitionerKind.HASH, 4))
        .hasMessage(
            "Invalid shard count for table 'x': 4 (must be 1 .. 3, the number of live shards)");
    assertThatThrownBy(() -> TableSpec.dense("big", 0, 1, UpdateRule.add()))
        .hasMessageContaining("invalid dense dimension 0");
    assertThatThrownBy(() -> UpdateRule.sgd(-1, 0))
        .hasMessage("Invalid learning rate: -1.0 (must be finite and > 0)");
  }

  @Test
  void droppedTable_failsWaitingPulls_andLaterRequests() throws Exception {
    TableHandle t =
        master.createTable(TableSpec.dense("d", 4, 1, UpdateRule.add()), PartitionerKind.HASH);
    master.setWorkers(t, 1);
    CompletableFuture<double[]> waiting =
        client.pullAsync(t, new long[] {0}, ReadMode.atLeast(5)).thenApply(Pulled::values);
    master.dropTable(t);
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasMessageContaining("was dropped");
    assertThatThrownBy(() -> client.pull(t, new long[] {0}, ReadMode.latest()).values())
        .hasMessageContaining("Unknown table id " + t.id());
  }

  @Test
  void closedServer_givesConnectionErrorNamingTheShard() {
    TableHandle t =
        master.createTable(TableSpec.dense("w", 9, 1, UpdateRule.add()), PartitionerKind.RANGE);
    client.pull(t, new long[] {0, 4, 8}, ReadMode.latest()).values();
    ShardServer second = servers.get(1);
    second.close();
    second.close();
    assertThatThrownBy(() -> client.pull(t, new long[] {4}, ReadMode.latest()).values())
        .isInstanceOf(PsException.class)
        .hasMessageContaining("shard " + second.address());
    assertThat(client.pull(t, new long[] {0}, ReadMode.latest()).values()).containsExactly(0.0);
  }

  @Test
  void shards_reportTheirProcess() {
    List<ShardInfo> info = master.shardInfo();
    assertThat(info).hasSize(3);
    assertThat(info).allSatisfy(i -> assertThat(i.pid()).isEqualTo(ProcessHandle.current().pid()));
  }
}
