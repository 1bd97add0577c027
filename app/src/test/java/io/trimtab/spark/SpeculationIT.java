package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.ps.ClientOptions;
import io.trimtab.ps.PsClient;
import io.trimtab.ps.Push;
import io.trimtab.ps.ReadMode;
import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.spark.plugin.ExecutorClients;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once pushes under real speculative execution: a standalone Master and two Workers on two
 * loopback hosts (Spark never runs a speculative copy on the host of the original, so one host
 * would never speculate), speculation on, and a worker task whose first attempt stalls after two
 * clocks. Spark launches a copy on the other host; both attempts push the same clocks, and the
 * shards apply each worker's clock once: known increments sum exactly.
 */
class SpeculationIT {
  // spark.cores.max: a standalone master waits for the registered cores only against it
  @RegisterExtension
  static final SparkCluster cluster =
      SparkCluster.standalone(List.of("127.0.0.1", "127.0.0.2"), 2)
          .with("spark.executor.memory", "512m")
          .with("spark.cores.max", "4")
          .with("spark.speculation", "true")
          .with("spark.speculation.interval", "50ms")
          .with("spark.speculation.multiplier", "2")
          .with("spark.speculation.quantile", "0.5")
          .with("spark.speculation.minTaskRuntime", "200ms");

  private static SparkSession spark;
  private static final List<String> speculative = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    spark = cluster.spark();
    Trimtab.parameterServer(spark);
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onTaskStart(SparkListenerTaskStart s) {
                if (s.taskInfo().speculative()) {
                  speculative.add(
                      "task "
                          + s.taskInfo().index()
                          + " attempt "
                          + s.taskInfo().attemptNumber()
                          + " on "
                          + s.taskInfo().host());
                }
              }
            });
  }

  @Test
  void aSpeculativeCopyRacingItsOriginal_appliesEveryClockOnce() throws Exception {
    ParameterServer ps = Trimtab.parameterServer(spark);
    int workers = 3;
    int clocks = 10;
    TableHandle t =
        ps.createTable(
            TableSpec.dense("speculated", 64, 1, UpdateRule.add()), PartitionerKind.HASH, 2);
    ps.master().setWorkers(t, workers, StalenessBound.asp());
    ClientOptions options = ps.conf().clientOptions();
    long[] keys = new long[64];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i;
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> attempts =
        jsc.parallelize(List.of(0, 1, 2), workers)
            .mapPartitionsWithIndex(
                (w, it) -> {
                  TaskContext ctx = TaskContext.get();
                  PsClient client = ExecutorClients.shared(options);
                  for (int c = 0; c < clocks; c++) {
                    if (w == 2 && ctx.attemptNumber() == 0 && c >= 2) {
                      Thread.sleep(1500); // the original stalls after two clocks; its copy runs on
                    }
                    // under ASP a push of count 1 moves the model by delta / (count x workers): 3 x
                    // known increments
                    double[] d = new double[keys.length];
                    java.util.Arrays.fill(d, 3.0 * (w + 1) * (c + 1));
                    client.push(t, Push.atClock(w, c, 1, keys, d));
                  }
                  return List.of(
                          "worker "
                              + w
                              + " attempt "
                              + ctx.attemptNumber()
                              + " on "
                              + ctx.taskAttemptId())
                      .iterator();
                },
                true)
            .collect();
    spark.sparkContext().listenerBus().waitUntilEmpty(30_000);

    assertThat(speculative)
        .as("Spark launched a speculative copy of the stalled task")
        .isNotEmpty();
    double[] values = ps.client().pull(t, keys, ReadMode.atLeast(0)).values();
    // sum over workers 1..3 and clocks 1..10 of (w + 1)(c + 1) = 6 x 55
    assertThat(values).as("each worker's clock applied once").containsOnly(330.0);
    long repeats = ps.master().stats(t).duplicatePushes();
    System.out.printf(
        "speculation: %s; results %s; %d repeated pushes dropped%n",
        speculative, attempts, repeats);
    assertThat(repeats)
        .as("the copy repeated the original's two clocks on both shards")
        .isGreaterThanOrEqualTo(4);
    ps.dropTable(t);
  }
}
