package io.trimtab.ps;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.ps.server.ShardMetrics;
import io.trimtab.ps.server.ShardServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A shard's counters against the requests one client sent it over TCP. */
class ShardMetricsTest {
  private final ShardServer server = ShardServer.start("127.0.0.1", 0, 1);
  private final PsMaster master =
      new PsMaster(
          java.util.List.of(server.address()),
          ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(20)));

  @AfterEach
  void stop() {
    master.close();
    server.close();
  }

  @Test
  void countsPullsPushesKeysBytes_andThePullsThatWaitedForAClock() throws Exception {
    TableHandle t =
        master.createTable(TableSpec.dense("m", 100, 2, UpdateRule.add()), PartitionerKind.HASH);
    master.setWorkers(t, 2);
    PsClient client = master.client();
    ShardMetrics m = server.metrics();
    long bytesInBefore = m.bytesIn();
    long bytesOutBefore = m.bytesOut();

    client.push(t, Push.atClock(0, 0, 1, new long[] {1, 2, 3}, new double[6]));
    assertThat(client.pull(t, new long[] {1, 2}, ReadMode.atLeast(0)).values()).hasSize(4);
    assertThat(m.waitedPulls()).isZero();
    // clock 1 needs worker 1's push of clock 0: this pull waits on the shard until it comes
    CompletableFuture<double[]> waiting =
        client.pullAsync(t, new long[] {5}, ReadMode.atLeast(1)).thenApply(Pulled::values);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.waitingPulls() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(server.waitingPulls()).as("the pull is parked on the shard").isEqualTo(1);
    client.push(t, Push.atClock(1, 0, 1, new long[] {5}, new double[] {1, 1}));
    // the clock's mean over its 2 counted examples
    assertThat(waiting.get()).containsExactly(0.5, 0.5);

    assertThat(m.pushes()).isEqualTo(2);
    assertThat(m.keysPushed()).isEqualTo(4);
    assertThat(m.pulls()).isEqualTo(2);
    assertThat(m.keysPulled()).isEqualTo(3);
    assertThat(m.waitedPulls()).isEqualTo(1);
    assertThat(m.waitSeconds()).isGreaterThan(0);
    // request frames carry the keys and deltas (8 bytes each); responses the pulled values
    assertThat(m.bytesIn() - bytesInBefore).isGreaterThan(8L * (3 + 6 + 1 + 2 + 2 + 1));
    assertThat(m.bytesOut() - bytesOutBefore).isGreaterThan(8L * (4 + 2));
  }
}
