package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import io.trimtab.spark.plugin.ShardRegistration;
import io.trimtab.spark.train.ShardLostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An executor JVM killed with SIGKILL in the middle of training, on a standalone Master with two
 * Worker JVMs (each executor a further JVM with its shard). Without a checkpoint the fit stops at
 * once with an error naming the lost shard, its executor and Spark's cause; nothing hangs, and no
 * later epoch runs on a model missing a part. With checkpoints it recovers: the standalone master
 * starts a replacement executor, the model of the last checkpoint is restored onto the surviving
 * and the new shard, the epochs since are replayed, and the fit ends at the loss of an undisturbed
 * run, reporting the clocks replayed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExecutorLossIT {
  @RegisterExtension
  static final SparkCluster cluster =
      SparkCluster.standalone(List.of("127.0.0.1", "127.0.0.2"), 1)
          .with("spark.executor.memory", "512m")
          .with("spark.cores.max", "2");

  private static SparkSession spark;

  /**
   * A BSP fit replayed from its checkpoint repeats the undisturbed run's updates (same mini-batches
   * by seed, exact reads): the weights agree to rounding.
   */
  private static final double MAX_WEIGHT_DIFFERENCE = 1e-9;

  @BeforeAll
  static void start() {
    spark = cluster.spark();
  }

  /** Kills -9 the executor JVM of {@code victim} and waits until the process is gone. */
  private static void kill(ShardRegistration victim) {
    ProcessHandle.of(victim.pid())
        .ifPresent(
            h -> {
              h.destroyForcibly();
              h.onExit().join();
            });
  }

  @Test
  @Order(1)
  void withoutACheckpoint_killingAnExecutorStopsTheFitNamingShardExecutorAndCause() {
    ParameterServer ps = Trimtab.parameterServer(spark);
    assertThat(ps.numShards()).isEqualTo(2);
    ShardRegistration victim = ps.registrations().get(1);
    Dataset<Row> data = BuiltinDatasets.heartScale(spark).cache();
    AtomicLong killedAt = new AtomicLong();
    PsLogisticRegression trainer =
        new PsLogisticRegression()
            .setEpochs(1000)
            .setBatchesPerEpoch(5)
            .setNumWorkers(2)
            .setSeed(3)
            .setTuning("off")
            .setEpochListener(
                m -> {
                  if (m.epoch() == 3) {
                    kill(victim); // between epochs 3 and 4: epoch 4's tasks meet the dead shard
                    killedAt.set(System.nanoTime());
                  }
                });

    assertThatThrownBy(() -> trainer.fit(data))
        .isInstanceOf(ShardLostException.class)
        .hasMessageContaining(
            "Trimtab lost shard 1 of 2 (" + victim.host() + ":" + victim.port() + ")")
        .hasMessageContaining(
            "in executor "
                + victim.executorId()
                + " (host "
                + victim.host()
                + ", process "
                + victim.pid()
                + ")")
        .hasMessageContaining("Spark removed the executor:")
        .hasMessageContaining("the fit stopped in epoch 4")
        .hasMessageContaining("No checkpoint was written: set spark.trimtab.checkpoint.dir")
        .satisfies(
            e ->
                System.out.printf(
                    "executor loss without a checkpoint, %.1f s after the kill: %s%n",
                    (System.nanoTime() - killedAt.get()) / 1e9, e.getMessage()));
    assertThat(ProcessHandle.of(victim.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  @Order(2)
  void withCheckpoints_killingAnExecutorMidTraining_recoversToTheLossOfAnUndisturbedRun()
      throws Exception {
    Dataset<Row> data = BuiltinDatasets.heartScale(spark).cache();
    Path checkpoints = Files.createTempDirectory("trimtab-loss-ck");
    PsLogisticRegression trainer =
        new PsLogisticRegression()
            .setEpochs(12)
            .setBatchesPerEpoch(5)
            .setNumWorkers(2)
            .setSeed(3)
            .setTuning("off")
            .setCheckpointDir(checkpoints.toUri().toString());
    PsLogisticRegressionModel undisturbed = trainer.fit(data);
    ParameterServer ps = Trimtab.parameterServer(spark);
    assertThat(ps.numShards()).as("the executor lost in the first test was replaced").isEqualTo(2);
    ShardRegistration victim = ps.registrations().get(1);

    PsLogisticRegressionModel recovered =
        trainer
            .setCheckpointDir(Files.createTempDirectory("trimtab-loss-ck2").toUri().toString())
            .setEpochListener(
                m -> {
                  if (m.epoch() == 3 && ProcessHandle.of(victim.pid()).isPresent()) {
                    kill(victim); // after epoch 3, before its checkpoint: the last one is epoch 2's
                  }
                })
            .fit(data);

    double before = undisturbed.epochs().get(11).trainLoss();
    double after = recovered.epochs().get(recovered.epochs().size() - 1).trainLoss();
    double maxDiff = Math.abs(recovered.intercept() - undisturbed.intercept());
    for (int i = 0; i < recovered.weights().length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(recovered.weights()[i] - undisturbed.weights()[i]));
    }
    System.out.printf(
        "executor loss with checkpoints: final train loss %.6f vs undisturbed %.6f (%.4f%%), largest "
            + "weight difference %.2e, %d clocks replayed; %s%n",
        after,
        before,
        100 * Math.abs(after / before - 1),
        maxDiff,
        recovered.replayedClocks(),
        recovered.recoveries());
    assertThat(recovered.recoveries()).hasSize(1);
    assertThat(recovered.recoveries().get(0))
        .contains("in executor " + victim.executorId())
        .contains("Spark removed the executor:")
        .contains("the model of epoch 2 (clock 10)")
        .contains("replaying 5 clocks (epochs 3-3)");
    assertThat(recovered.replayedClocks()).isEqualTo(5);
    assertThat(recovered.epochs()).hasSize(12);
    assertThat(maxDiff)
        .as("largest weight difference from the undisturbed run (BSP replay from the checkpoint)")
        .isLessThan(MAX_WEIGHT_DIFFERENCE);
    assertThat(after)
        .as("final training loss within 1% of the undisturbed run's")
        .isCloseTo(before, org.assertj.core.data.Percentage.withPercentage(1));
  }
}
