package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once updates under task retry on a real multi-process cluster ({@code
 * local-cluster[2,1,1024]}, two executor JVMs, a shard in each): a worker task made to fail once
 * mid-training, after its push was acknowledged, fails its barrier stage; the stage runs again
 * (Spark aborts a failed barrier result stage, Trimtab's epoch loop re-runs it), every worker's
 * task repeats the epoch's clocks from the start, the shards drop the repeated pushes, and the BSP
 * model is the one of an undisturbed run. (Speculation is SpeculationIT's: Spark never speculates
 * barrier stages, nor on the host of the original, and a local cluster has one host.)
 */
class RetryIT {
  @RegisterExtension
  static final SparkCluster cluster = SparkCluster.localCluster("local-cluster[2,1,1024]");

  private static SparkSession spark;
  private static final List<String> failedTasks = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startCluster() {
    spark = cluster.spark();
    Trimtab.parameterServer(spark);
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) {
                  failedTasks.add(
                      "stage "
                          + end.stageId()
                          + "."
                          + end.stageAttemptId()
                          + " task "
                          + end.taskInfo().index()
                          + ": "
                          + end.reason());
                }
              }
            });
  }

  @BeforeEach
  void clear() {
    failedTasks.clear();
  }

  /** The failures the listener saw, once the bus has delivered them. */
  private static List<String> failures() {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(30_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain within 30 s", e);
    }
    return failedTasks;
  }

  @Test
  void fullBatchSgd_withAWorkerFailingOnce_stillMatchesSingleThreadedGradientDescent() {
    Dataset<Row> data = BuiltinDatasets.heartScale(spark);
    double lr = 0.5;
    int epochs = 10;
    // one clock per epoch: worker 1 dies after its push of clock 4 (epoch 5) reached both shards
    PsLogisticRegression trainer =
        new PsLogisticRegression()
            .setEpochs(epochs)
            .setBatchesPerEpoch(1)
            .setUpdater("sgd")
            .setStepSize(lr)
            .setRegParam(0)
            .setNumWorkers(2)
            .setSeed(0)
            .setTuning("off");
    // test-only fault injection, read by the engine from the session's settings
    PsLogisticRegressionModel model = withFailingWorker("1:4", trainer::fit, data);

    assertThat(failures())
        .as("the injected failure")
        .anyMatch(f -> f.contains("Injected failure of worker 1"));
    assertThat(model.repeatedPushes()).as("the retried stage repeated clock 4").isPositive();
    double[] ref = GradientDescentReference.train(data.collectAsList(), 13, lr, epochs);
    double err = GradientDescentReference.relativeError(model.weights(), model.intercept(), ref);
    System.out.printf(
        "retried full-batch SGD: %d repeated pushes dropped, relative L2 error vs gradient descent %.2e%n",
        model.repeatedPushes(), err);
    assertThat(err).as("relative L2 error vs single-threaded full-batch GD").isLessThan(1e-6);
    assertThat(model.epochs()).hasSize(epochs);
    assertThat(model.epochs().get(epochs - 1).clock()).isEqualTo(epochs);
  }

  @Test
  void miniBatchAdagrad_withAWorkerFailingMidEpoch_equalsAnUndisturbedRun() {
    Dataset<Row> data = BuiltinDatasets.heartScale(spark);
    PsLogisticRegression trainer =
        new PsLogisticRegression()
            .setEpochs(4)
            .setBatchesPerEpoch(5)
            .setUpdater("adagrad")
            .setStepSize(0.2)
            .setRegParam(0.01)
            .setNumWorkers(2)
            .setSeed(7)
            .setTuning("off");
    PsLogisticRegressionModel undisturbed = trainer.fit(data);
    assertThat(failures()).isEmpty();
    // clock 7 is the third of epoch 2's five: the retry repeats clocks 5-7 (worker 0) and 5-8 at
    // most (worker 1)
    PsLogisticRegressionModel retried = withFailingWorker("0:7", trainer::fit, data);

    assertThat(failures())
        .as("the injected failure")
        .anyMatch(f -> f.contains("Injected failure of worker 0"));
    assertThat(undisturbed.repeatedPushes()).isZero();
    assertThat(retried.repeatedPushes())
        .as("repeats of clocks 5-7 at least, on 2 shards")
        .isGreaterThanOrEqualTo(6);
    double maxDiff = Math.abs(retried.intercept() - undisturbed.intercept());
    double[] a = retried.weights();
    double[] b = undisturbed.weights();
    for (int i = 0; i < a.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    }
    System.out.printf(
        "retried mini-batch Adagrad: %d repeated pushes dropped, largest weight difference vs the "
            + "undisturbed run %.2e%n",
        retried.repeatedPushes(), maxDiff);
    assertThat(maxDiff).as("weights vs the undisturbed run").isLessThanOrEqualTo(1e-12);
    assertThat(retried.epochs().get(3).trainLoss())
        .isCloseTo(
            undisturbed.epochs().get(3).trainLoss(), org.assertj.core.data.Offset.offset(1e-12));
  }

  /** Fits with {@code spark.trimtab.test.failingWorker} (test-only: worker:clock) set. */
  private static PsLogisticRegressionModel withFailingWorker(
      String workerAndClock,
      java.util.function.Function<Dataset<Row>, PsLogisticRegressionModel> fit,
      Dataset<Row> data) {
    spark.conf().set("spark.trimtab.test.failingWorker", workerAndClock);
    try {
      return fit.apply(data);
    } finally {
      spark.conf().unset("spark.trimtab.test.failingWorker");
    }
  }
}
