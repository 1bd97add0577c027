package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.spark.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.ShardLostException;
import io.trimtab.spark.plugin.ShardRegistration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An executor JVM killed with SIGKILL in the middle of training, on a standalone Master with two
 * Worker JVMs (each executor a further JVM with its shard): the fit stops at once (the epoch's
 * checkpoint, the next thing to touch the shard, fails), with an error
 * that names the lost shard, its executor and Spark's cause, and the checkpoint to resume from;
 * nothing hangs, and no later epoch runs on a model missing a part. (Recovering onto the surviving
 * and replacement executors is the next step of the Reliability issue.)
 */
class ExecutorLossIT {
  private static StandaloneCluster cluster;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    cluster = StandaloneCluster.start(List.of("127.0.0.1", "127.0.0.2"), 1);
    spark = ClusterSessions.localCluster(cluster.masterUrl(), "trimtab-executor-loss-it", Map.of(
        "spark.executor.memory", "512m", "spark.cores.max", "2"));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void killingAnExecutorMidTraining_stopsTheFitNamingShardExecutorCauseAndCheckpoint() throws Exception {
    ParameterServer ps = Trimtab.parameterServer(spark);
    assertThat(ps.numShards()).isEqualTo(2);
    ShardRegistration victim = ps.registrations().get(1);
    Dataset<Row> data = BuiltinDatasets.heartScale(spark).cache();
    Path checkpoints = Files.createTempDirectory("trimtab-loss-ck");
    AtomicLong killedAt = new AtomicLong();
    long start = System.nanoTime();
    PsLogisticRegression trainer = new PsLogisticRegression()
        .setEpochs(1000).setBatchesPerEpoch(5).setNumWorkers(2).setSeed(3).setTuning("off")
        .setCheckpointDir(checkpoints.toUri().toString())
        .setEpochListener(m -> {
          if (m.epoch() == 3) {
            // kill -9 the executor JVM that holds shard 1, after epoch 3, before its checkpoint
            ProcessHandle.of(victim.pid()).ifPresent(h -> {
              h.destroyForcibly();
              h.onExit().join();
            });
            killedAt.set(System.nanoTime());
          }
        });

    assertThatThrownBy(() -> trainer.fit(data))
        .isInstanceOf(ShardLostException.class)
        .hasMessageContaining("Trimtab lost shard 1 of 2 (" + victim.host() + ":" + victim.port() + ")")
        .hasMessageContaining("in executor " + victim.executorId() + " (host " + victim.host() + ", process "
            + victim.pid() + ")")
        .hasMessageContaining("Spark removed the executor:")
        .hasMessageContaining("the fit stopped in epoch 3")
        .hasMessageContaining("Resume from the last checkpoint, ")
        .hasMessageContaining("(epoch 2), with setResumeFrom or --resume-from")
        .satisfies(e -> System.out.printf("executor loss after %.1f s (%.1f s after the kill): %s%n",
            (System.nanoTime() - start) / 1e9, (System.nanoTime() - killedAt.get()) / 1e9, e.getMessage()));
    assertThat(killedAt.get()).as("the executor was killed").isPositive();
    assertThat(ProcessHandle.of(victim.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }
}
