package io.trimtab.bench;

import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.tuner.Setting;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes the grid's CSVs and charts, and prints its figures. */
final class GridReport {
  private GridReport() {}

  /** Writes the CSVs into {@code curvesDir} and the charts into {@code dir}. */
  static void write(
      Path curvesDir,
      Path dir,
      String workload,
      Map<Setting, List<EpochMetrics>> curves,
      Setting defaults,
      double target,
      double budget,
      String describe)
      throws IOException {
    Path csv = curvesDir.resolve("grid-" + workload + ".csv");
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
      w.println("# " + describe);
      GridBenchmark.csvRow(
          w,
          "workload",
          "setting",
          "staleness",
          "aggregation",
          "partitioner",
          "shards",
          "workers",
          "epoch",
          "epoch_seconds",
          "elapsed_seconds",
          "train_loss",
          "examples_per_s");
      for (Map.Entry<Setting, List<EpochMetrics>> e : curves.entrySet()) {
        Setting s = e.getKey();
        double elapsed = 0;
        for (EpochMetrics m : e.getValue()) {
          elapsed += m.seconds();
          GridBenchmark.csvRow(
              w,
              workload,
              s,
              s.staleness(),
              s.aggregation().label(),
              s.partitioner().name().toLowerCase(Locale.ROOT),
              s.shards(),
              s.workers(),
              m.epoch(),
              m.seconds(),
              elapsed,
              m.trainLoss(),
              m.examplesPerSecond());
        }
      }
    }
    record Row(Setting setting, double timeToTarget, double finalLoss, int epochs) {}
    List<Row> rows = new ArrayList<>();
    curves.forEach(
        (s, c) ->
            rows.add(
                new Row(
                    s,
                    GridBenchmark.timeToTarget(c, target),
                    c.get(c.size() - 1).trainLoss(),
                    c.size())));
    Path summary = curvesDir.resolve("grid-" + workload + "-summary.csv");
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(summary))) {
      GridBenchmark.csvRow(
          w, "setting", "time_to_target_s", "target_loss", "final_loss", "epochs", "budget_s");
      for (Row r : rows) {
        GridBenchmark.csvRow(w, r.setting, r.timeToTarget, target, r.finalLoss, r.epochs, budget);
      }
    }
    List<Row> reached =
        rows.stream()
            .filter(r -> !Double.isNaN(r.timeToTarget))
            .sorted(Comparator.comparingDouble(Row::timeToTarget))
            .toList();
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "## %s: %d of %d settings reached train loss %.3f within %.0f s%n",
        workload,
        reached.size(),
        rows.size(),
        target,
        budget);
    if (!reached.isEmpty()) {
      Row fast = reached.get(0);
      Row slow = reached.get(reached.size() - 1);
      System.out.printf(Locale.ROOT, "fastest: %s in %.2f s%n", fast.setting, fast.timeToTarget);
      System.out.printf(
          Locale.ROOT,
          "slowest that reached it: %s in %.2f s (ratio %.2fx)%n",
          slow.setting,
          slow.timeToTarget,
          slow.timeToTarget / fast.timeToTarget);
      Row def = rows.stream().filter(r -> r.setting.equals(defaults)).findFirst().orElseThrow();
      int rank = reached.indexOf(def) + 1;
      System.out.printf(
          Locale.ROOT,
          "default %s: %s%n",
          defaults,
          Double.isNaN(def.timeToTarget)
              ? "did not reach the target"
              : String.format(
                  Locale.ROOT,
                  "%.2f s, rank %d of %d, %.2fx the fastest",
                  def.timeToTarget,
                  rank,
                  reached.size(),
                  def.timeToTarget / fast.timeToTarget));
    }
    rows.stream()
        .filter(r -> Double.isNaN(r.timeToTarget))
        .forEach(
            r ->
                System.out.printf(
                    Locale.ROOT,
                    "not reached: %s (final loss %.4f after %d epochs)%n",
                    r.setting,
                    r.finalLoss,
                    r.epochs));
    charts(
        dir,
        workload,
        curves,
        rows.stream().map(r -> new double[] {r.timeToTarget}).toList(),
        target,
        budget);
    System.out.println("wrote " + csv + ", " + summary + " and charts");
  }

  private static void charts(
      Path dir,
      String workload,
      Map<Setting, List<EpochMetrics>> curves,
      List<double[]> ttt,
      double target,
      double budget)
      throws IOException {
    XYChart lines =
        new XYChartBuilder()
            .width(1500)
            .height(900)
            .title(workload + ": training loss vs time per setting")
            .xAxisTitle("seconds of training")
            .yAxisTitle("train log-loss")
            .build();
    lines.getStyler().setLegendVisible(true);
    lines.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    lines.getStyler().setYAxisLogarithmic(true);
    for (Map.Entry<Setting, List<EpochMetrics>> e : curves.entrySet()) {
      double[] x = new double[e.getValue().size()];
      double[] y = new double[x.length];
      double t = 0;
      for (int i = 0; i < x.length; i++) {
        t += e.getValue().get(i).seconds();
        x[i] = t;
        y[i] = e.getValue().get(i).trainLoss();
      }
      lines.addSeries(e.getKey().toString(), x, y).setMarker(SeriesMarkers.NONE);
    }
    BitmapEncoder.saveBitmap(
        lines,
        dir.resolve("grid-" + workload + "-loss-vs-time").toString(),
        BitmapEncoder.BitmapFormat.PNG);

    // Response surface: staleness (x) against the other knobs (y), colour = time to target
    List<String> xs = new ArrayList<>();
    List<String> ys = new ArrayList<>();
    for (Setting s : curves.keySet()) {
      String x = s.staleness().toString();
      String y =
          s.aggregation().label()
              + "/"
              + s.partitioner().name().toLowerCase(Locale.ROOT)
              + "/"
              + s.shards()
              + "sh/"
              + s.workers()
              + "w";
      if (!xs.contains(x)) {
        xs.add(x);
      }
      if (!ys.contains(y)) {
        ys.add(y);
      }
    }
    List<Number[]> cells = new ArrayList<>();
    int i = 0;
    for (Setting s : curves.keySet()) {
      double v = ttt.get(i++)[0];
      String y =
          s.aggregation().label()
              + "/"
              + s.partitioner().name().toLowerCase(Locale.ROOT)
              + "/"
              + s.shards()
              + "sh/"
              + s.workers()
              + "w";
      double shown = Double.isNaN(v) ? budget * 1.5 : v;
      cells.add(
          new Number[] {
            xs.indexOf(s.staleness().toString()), ys.indexOf(y), Math.round(shown * 100) / 100.0
          });
    }
    HeatMapChart heat =
        new HeatMapChartBuilder()
            .width(900)
            .height(120 + 40 * ys.size())
            .title(
                workload
                    + ": seconds to train loss "
                    + target
                    + " (unreached = "
                    + budget * 1.5
                    + ")")
            .build();
    heat.getStyler().setShowValue(true);
    heat.getStyler().setMin(0);
    heat.addSeries("time to target", xs, ys, cells);
    BitmapEncoder.saveBitmap(
        heat,
        dir.resolve("grid-" + workload + "-surface").toString(),
        BitmapEncoder.BitmapFormat.PNG);
  }
}
