package io.trimtab.ps;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.ps.server.ShardServer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Load: 8 concurrent writers (as 8 tasks in executors would), each with its own client and TCP
 * connections, push 100k known increments each (800k pushes in all, about 9 s on two cores, the
 * longest test of ps-core; {@code -Dtrimtab.load.pushes=N} for a longer run), pipelined, to a table
 * over 2 shard servers. Every key must hold exactly the sum of what was pushed to it: no push lost,
 * none applied twice. The increments are small integers, so the sums are exact in floating point
 * whatever the order.
 */
class ConcurrentPushLoadTest {
  private static final int WRITERS = 8;
  private static final int PUSHES = Integer.getInteger("trimtab.load.pushes", 100_000);
  private static final int KEYS_PER_PUSH = 2;
  private static final int DIM = 4096;
  private static final int WINDOW = 512;

  @Test
  void eightWriters_pipelinedPushes_sumExactly() throws Exception {
    List<ShardServer> servers =
        List.of(ShardServer.start("127.0.0.1", 0, 2), ShardServer.start("127.0.0.1", 0, 2));
    try (PsMaster master =
        new PsMaster(
            servers.stream().map(ShardServer::address).toList(), ClientOptions.defaults())) {
      TableHandle t =
          master.createTable(
              TableSpec.dense("load", DIM, 1, UpdateRule.add()), PartitionerKind.HASH);
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      long start = System.nanoTime();
      List<Future<long[]>> expected = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        expected.add(pool.submit(() -> push(t, writer)));
      }
      long[] sums = new long[DIM];
      for (Future<long[]> f : expected) {
        long[] e = f.get();
        for (int k = 0; k < DIM; k++) {
          sums[k] += e[k];
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      long[] all = new long[DIM];
      for (int k = 0; k < DIM; k++) {
        all[k] = k;
      }
      double[] got = master.client().pull(t, all, ReadMode.latest()).values();
      long mismatches = 0;
      for (int k = 0; k < DIM; k++) {
        if (got[k] != sums[k]) {
          mismatches++;
        }
      }
      System.out.printf(
          "load: %d writers x %d pushes (%d keys each) in %.1f s: %.0f pushes/s; %d keys, %d mismatches%n",
          WRITERS,
          PUSHES,
          KEYS_PER_PUSH,
          seconds,
          WRITERS * (double) PUSHES / seconds,
          DIM,
          mismatches);
      assertThat(java.util.stream.LongStream.of(sums).sum())
          .as("increments pushed")
          .isEqualTo(expectedTotal());
      assertThat(got)
          .containsExactly(java.util.stream.LongStream.of(sums).asDoubleStream().toArray());
    } finally {
      servers.forEach(ShardServer::close);
    }
  }

  /**
   * Sum of every increment: writer w pushes increments 1 .. 4, seeded, so the total is recomputed
   * here.
   */
  private static long expectedTotal() {
    long total = 0;
    for (int w = 0; w < WRITERS; w++) {
      SplittableRandom rnd = new SplittableRandom(w);
      for (int i = 0; i < PUSHES; i++) {
        for (int j = 0; j < KEYS_PER_PUSH; j++) {
          rnd.nextInt(DIM);
          total += 1 + rnd.nextInt(4);
        }
      }
    }
    return total;
  }

  /**
   * One writer's pushes, at most {@value #WINDOW} in flight; returns what it pushed to each key.
   */
  private static long[] push(TableHandle t, int writer) {
    long[] sent = new long[DIM];
    SplittableRandom rnd = new SplittableRandom(writer);
    try (io.trimtab.ps.client.NettyPsClient client =
        new io.trimtab.ps.client.NettyPsClient(ClientOptions.defaults())) {
      ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
      for (int i = 0; i < PUSHES; i++) {
        long[] keys = new long[KEYS_PER_PUSH];
        double[] values = new double[KEYS_PER_PUSH];
        for (int j = 0; j < KEYS_PER_PUSH; j++) {
          // distinct keys within a push (the next one up when drawn twice)
          keys[j] = rnd.nextInt(DIM);
          if (j > 0 && keys[j] == keys[j - 1]) {
            keys[j] = (keys[j] + 1) % DIM;
          }
          int inc = 1 + rnd.nextInt(4);
          values[j] = inc;
          sent[(int) keys[j]] += inc;
        }
        inFlight.add(client.pushAsync(t, Push.unclocked(keys, values)));
        if (inFlight.size() >= WINDOW) {
          inFlight.poll().join();
        }
      }
      inFlight.forEach(CompletableFuture::join);
    }
    return sent;
  }
}
