package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.ps.ShardInfo;
import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The knobs on {@code local-cluster[2,2,1024]}: two executor JVMs with two task slots each, so that
 * executor-local combining really merges two workers' updates per executor.
 */
class KnobsIT {
  @RegisterExtension
  static final SparkCluster cluster = SparkCluster.localCluster("local-cluster[2,2,1024]");

  private static SparkSession spark;
  private static Dataset<Row> heart;

  @BeforeAll
  static void startCluster() {
    spark = cluster.spark();
    heart = BuiltinDatasets.heartScale(spark).cache();
  }

  /**
   * BSP, one mini-batch per worker per epoch, plain SGD: every aggregation strategy is full-batch
   * GD.
   */
  @ParameterizedTest
  @ValueSource(strings = {"direct", "executor-combine", "driver-tree"})
  void bspExactness_holdsForEveryAggregationStrategy(String aggregation) {
    double lr = 0.5;
    int epochs = 10;
    long pushesBefore = pushesReceived();
    PsLogisticRegressionModel model =
        new PsLogisticRegression()
            .setEpochs(epochs)
            .setBatchesPerEpoch(1)
            .setUpdater("sgd")
            .setStepSize(lr)
            .setRegParam(0)
            .setNumWorkers(4)
            .setSeed(0)
            .setAggregation(aggregation)
            .setTuning("off")
            .fit(heart);
    double[] ref = GradientDescentReference.train(heart.collectAsList(), 13, lr, epochs);
    assertThat(GradientDescentReference.relativeError(model.weights(), model.intercept(), ref))
        .as("relative error vs single-threaded full-batch GD with %s", aggregation)
        .isLessThan(1e-6);
    assertThat(model.epochs())
        .allSatisfy(m -> assertThat(m.setting().toString()).contains("/" + aggregation + "/"));
    // per clock, each shard hears from every worker (direct), from each executor once, its two
    // workers' updates combined (executor-combine), or from the driver alone (driver-tree)
    int pushersPerClock =
        switch (aggregation) {
          case "direct" -> 4;
          case "executor-combine" -> 2;
          default -> 1;
        };
    assertThat(pushesReceived() - pushesBefore)
        .as("pushes the 2 shards received over %d clocks with %s", epochs, aggregation)
        .isEqualTo(2L * epochs * pushersPerClock);
  }

  private static long pushesReceived() {
    return Trimtab.parameterServer(spark).shardInfo().stream()
        .mapToLong(ShardInfo::pushesReceived)
        .sum();
  }

  /**
   * Every knob switched between epochs, one after another: each switch leaves the model table bit
   * for bit as it was (values, Adagrad state, clock), its cost is measured, and training carries
   * on.
   */
  @Test
  void switchingAnyKnobBetweenEpochs_keepsTheModelBitForBit() {
    Setting start = Setting.defaults(2, 4);
    Map<Integer, Setting> plan =
        Map.of(
            2, start.withStaleness(StalenessBound.ssp(1)),
            3,
                start
                    .withStaleness(StalenessBound.ssp(1))
                    .withAggregation(Aggregation.EXECUTOR_COMBINE),
            4,
                start
                    .withAggregation(Aggregation.EXECUTOR_COMBINE)
                    .withPartitioner(PartitionerKind.RANGE),
            5, start.withPartitioner(PartitionerKind.RANGE).withShards(1),
            6, start.withPartitioner(PartitionerKind.RANGE).withShards(1).withWorkers(2),
            7, start.withWorkers(3).withAggregation(Aggregation.DRIVER_TREE),
            8, start.withStaleness(StalenessBound.asp()),
            9, start);
    List<String> switches = new ArrayList<>();
    List<EpochMetrics> seen = new ArrayList<>();
    new PsLogisticRegression()
        .setEpochs(9)
        .setBatchesPerEpoch(4)
        .setUpdater("adagrad")
        .setStepSize(0.2)
        .setRegParam(1e-3)
        .setNumWorkers(4)
        .setSchedule((epoch, current, history) -> plan.getOrDefault(epoch, current))
        .setSwitchListener(
            (epoch, from, to, before, after, seconds) -> {
              assertThat(after).as("model after switching %s -> %s", from, to).isEqualTo(before);
              assertThat(before.state()).as("Adagrad state travels with the model").isNotEmpty();
              switches.add(epoch + ":" + from + "->" + to);
            })
        .setEpochListener(seen::add)
        .fit(heart);
    seen.forEach(m -> System.out.println(m.format(9)));
    assertThat(switches).hasSize(8);
    assertThat(seen).hasSize(9);
    for (EpochMetrics m : seen) {
      assertThat(m.setting().toString())
          .isEqualTo(m.epoch() == 1 ? start.toString() : plan.get(m.epoch()).toString());
      assertThat(m.clock()).isEqualTo(4L * m.epoch());
    }
    assertThat(seen.get(0).switchSeconds()).isZero();
    assertThat(seen.subList(1, 9)).allSatisfy(m -> assertThat(m.switchSeconds()).isPositive());
    assertThat(seen.get(8).trainLoss()).isLessThan(seen.get(0).trainLoss());
  }

  @Test
  void impossibleSettings_failBeforeTraining() {
    assertThatThrownBy(
            () ->
                new PsLogisticRegression()
                    .setAggregation("driver-tree")
                    .setStaleness("asp")
                    .fit(heart))
        .hasMessageStartingWith("Driver-side tree aggregation needs BSP (got staleness asp)");
    assertThatThrownBy(() -> new PsLogisticRegression().setNumShards(3).fit(heart))
        .hasMessage("Invalid shard count: 3 (at most 2, the number of executors with a shard)");
    assertThatThrownBy(
            () ->
                new PsLogisticRegression()
                    .setEpochs(2)
                    .setNumWorkers(2)
                    .setSchedule((e, current, history) -> e == 2 ? current.withShards(0) : current)
                    .fit(heart))
        .hasMessage("Invalid shard count: 0 (must be >= 1)");
    assertThatThrownBy(
            () ->
                new PsLogisticRegression()
                    .setEpochs(2)
                    .setNumWorkers(2)
                    .setSchedule((e, current, history) -> e == 2 ? current.withWorkers(5) : current)
                    .fit(heart))
        .hasMessageContaining("Trimtab needs 5 worker tasks running at once")
        .hasMessageContaining("the cluster has 4 task slots");
  }
}
