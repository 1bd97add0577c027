package io.trimtab.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trimtab's metrics reach Spark's metrics sinks (here Spark's CSV sink, from the driver and from
 * both executor processes), and its jobs carry descriptions naming the epoch and the setting.
 */
class MetricsIT {

  @Test
  void psAndTunerMetrics_areExportedBySparksSinks_andJobsNameTheirEpochAndSetting(@TempDir Path dir)
      throws Exception {
    Path csv = Files.createDirectories(dir.resolve("metrics"));
    SparkSession spark =
        ClusterSessions.localCluster(
            "local-cluster[2,1,1024]",
            "trimtab-metrics-it",
            Map.of(
                "spark.metrics.conf.*.sink.csv.class", "org.apache.spark.metrics.sink.CsvSink",
                "spark.metrics.conf.*.sink.csv.period", "1",
                "spark.metrics.conf.*.sink.csv.unit", "seconds",
                "spark.metrics.conf.*.sink.csv.directory", csv.toString()));
    List<String> descriptions = new CopyOnWriteArrayList<>();
    PsLogisticRegressionModel model;
    try {
      spark
          .sparkContext()
          .addSparkListener(
              new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart start) {
                  String d =
                      start.properties() == null
                          ? null
                          : start.properties().getProperty("spark.job.description");
                  if (d != null) {
                    descriptions.add(d);
                  }
                }
              });
      model =
          new PsLogisticRegression()
              .setEpochs(6)
              .setNumWorkers(2)
              .setTuning("staleness")
              .fit(BuiltinDatasets.heartScale(spark));
      // a few sink periods while the application still runs
      Thread.sleep(2500);
    } finally {
      spark.stop();
    }

    assertThat(descriptions)
        .contains(
            "Trimtab logreg: epoch 1, " + model.epochs().get(0).setting(),
            "Trimtab logreg: epoch 6, " + model.epochs().get(5).setting());

    // the driver: the latest epoch, its setting and the tuner's own time
    assertThat(
            lastValue(
                csv, "driver.plugin.io.trimtab.spark.plugin.TrimtabPlugin.training.epoch.csv"))
        .isEqualTo("6");
    assertThat(
            lastValue(csv, "driver.plugin.io.trimtab.spark.plugin.TrimtabPlugin.tuner.setting.csv"))
        .isEqualTo(model.epochs().get(5).setting().toString());
    assertThat(
            Double.parseDouble(
                lastValue(
                    csv, "driver.plugin.io.trimtab.spark.plugin.TrimtabPlugin.training.loss.csv")))
        .isEqualTo(model.epochs().get(5).trainLoss());
    // each executor process: its shard served pulls and pushes, and its workers timed their pulls
    for (String executor : new String[] {"0", "1"}) {
      String prefix = "." + executor + ".plugin.io.trimtab.spark.plugin.TrimtabPlugin.";
      assertThat(Long.parseLong(lastValue(csv, prefix + "shard.pushes.csv")))
          .as("executor " + executor)
          .isGreaterThan(0);
      assertThat(Long.parseLong(lastValue(csv, prefix + "shard.bytesIn.csv"))).isGreaterThan(0);
      String pulls = lastLine(csv, prefix + "worker.pull.csv");
      assertThat(Long.parseLong(pulls.split(",")[1]))
          .as("pulls timed by executor " + executor)
          .isGreaterThan(0);
    }
  }

  /** The value column of the last row of the one CSV whose name ends with {@code suffix}. */
  private static String lastValue(Path dir, String suffix) throws IOException {
    return lastLine(dir, suffix).split(",", 2)[1];
  }

  private static String lastLine(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> found = files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
      assertThat(found).as("a CSV ending with " + suffix).hasSize(1);
      List<String> lines = Files.readAllLines(found.get(0));
      assertThat(lines).as(found.get(0) + " has rows").hasSizeGreaterThan(1);
      return lines.get(lines.size() - 1);
    }
  }
}
