package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import io.trimtab.spark.tune.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Staleness bounds (BSP, SSP, ASP) on local-cluster[2,1,1024], with a deliberately slowed worker.
 */
class ConsistencyIT {
  private static final int BATCHES = 8;
  private static final long SLOW_MS = 120;

  @RegisterExtension
  static final SparkCluster cluster = SparkCluster.localCluster("local-cluster[2,1,1024]");

  private static SparkSession spark;
  private static Dataset<Row> heart;

  @BeforeAll
  static void startCluster() {
    spark = cluster.spark();
    heart = BuiltinDatasets.heartScale(spark).cache();
  }

  private static List<EpochMetrics> train(String staleness, int workers, long slowMs) {
    List<EpochMetrics> seen = new ArrayList<>();
    // test-only fault injection, read by the engine from the session's settings
    spark.conf().set("spark.trimtab.test.slowWorker", "1:" + slowMs);
    PsLogisticRegressionModel model;
    try {
      model =
          new PsLogisticRegression()
              .setEpochs(2)
              .setBatchesPerEpoch(BATCHES)
              .setNumWorkers(workers)
              .setStaleness(staleness)
              .setUpdater("sgd")
              .setStepSize(0.5)
              .setTuning("off")
              .setEpochListener(seen::add)
              .fit(heart);
    } finally {
      spark.conf().unset("spark.trimtab.test.slowWorker");
    }
    assertThat(model.epochs()).hasSize(2);
    assertThat(seen).allSatisfy(m -> assertThat(m.trainLoss()).isFinite());
    return seen;
  }

  /**
   * Every read of every worker is checked: the task measures, for each pull, its clock minus the
   * table clock the shards read at, and the epoch reports the maximum. With worker 1 slowed, worker
   * 0 runs ahead until the bound stops it, so the maximum is exactly the bound.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void ssp_withASlowedWorker_readsAreNeverMoreThanTheBoundStale(int bound) {
    List<EpochMetrics> epochs = train("ssp:" + bound, 2, SLOW_MS);
    for (EpochMetrics m : epochs) {
      assertThat(m.setting().toString()).startsWith("ssp:" + bound + "/");
      assertThat(m.maxStaleness())
          .as("largest staleness of any read in epoch %d", m.epoch())
          .isEqualTo(bound);
      assertThat(m.clock()).isEqualTo(m.epoch() * (long) BATCHES);
    }
  }

  @Test
  void bsp_readsAreNeverStale() {
    List<EpochMetrics> epochs = train("bsp", 2, SLOW_MS / 2);
    assertThat(epochs).allSatisfy(m -> assertThat(m.maxStaleness()).isZero());
  }

  /**
   * ASP: the fast worker never waits for the stalled one. Under SSP(1) the same fast worker is held
   * back to the slow worker's pace.
   */
  @Test
  void asp_keepsMakingProgressWithOneWorkerStalled() {
    long stall = 250;
    List<EpochMetrics> asp = train("asp", 2, stall);
    List<EpochMetrics> ssp = train("ssp:1", 2, stall);
    double slowTask = BATCHES * stall / 1000.0;
    for (EpochMetrics m : asp) {
      assertThat(m.taskSeconds()[1]).isGreaterThanOrEqualTo(slowTask);
      assertThat(m.taskSeconds()[0])
          .as("fast worker under ASP, epoch %d", m.epoch())
          .isLessThan(slowTask / 2);
    }
    // Under SSP(1) the fast worker's read at its last clock (7) needs the slow worker's 6th push,
    // at
    // about 6 stalls after the slow task started; the tasks start a few ms apart, so allow one
    // stall.
    for (EpochMetrics m : ssp) {
      assertThat(m.taskSeconds()[0])
          .as("fast worker under SSP(1), epoch %d", m.epoch())
          .isGreaterThan((BATCHES - 3) * stall / 1000.0);
    }
  }

  @Test
  void asp_mayUseMoreWorkersThanTaskSlots_boundedStalenessMayNot() {
    List<EpochMetrics> asp = train("asp", 3, 0);
    assertThat(asp.get(1).taskSeconds()).hasSize(3);
    assertThatThrownBy(() -> train("ssp:2", 3, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "Trimtab needs 3 worker tasks running at once (one per data partition, as staleness "
                + "ssp:2 requires) but the cluster has 2 task slots");
  }

  @Test
  void badStalenessSettings_areRejectedBeforeAnyJob() {
    assertThatThrownBy(() -> new PsLogisticRegression().setStaleness("ssp:-1"))
        .hasMessage("Invalid staleness bound: -1 (must be >= 0)");
    assertThatThrownBy(() -> new PsLogisticRegression().setStaleness("eventually"))
        .hasMessageStartingWith("Invalid staleness setting: 'eventually'");
  }
}
