package io.trimtab.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.stat.StatUtils;

/**
 * The runs of {@link TunerBenchmark} and their report: one line per run as it ends, then the
 * summary table (medians over the rounds against the grid's best, average and default) and {@code
 * tuner-<workload>.csv}.
 */
final class TunerReport {
  private TunerReport() {}

  /** One run: its time to target (NaN: not reached), final losses, epochs and a note. */
  record Run(
      String name,
      double timeToTarget,
      double finalTrainLoss,
      double testLoss,
      int epochs,
      String note) {}

  static void print(Run r) {
    System.out.printf(
        Locale.ROOT,
        "%-50s %s  epochs %4d  final train loss %.4f  test log-loss %.4f  %s%n",
        r.name(),
        Double.isNaN(r.timeToTarget())
            ? "not reached"
            : String.format(Locale.ROOT, "%7.2f s", r.timeToTarget()),
        r.epochs(),
        r.finalTrainLoss(),
        r.testLoss(),
        r.note());
  }

  static void summarize(String workload, List<Run> runs, double budget, Path out)
      throws IOException {
    List<Run> statics =
        runs.stream()
            .filter(r -> r.name().startsWith("static") || r.name().startsWith("default "))
            .toList();
    Run def =
        statics.stream().filter(r -> r.name().startsWith("default")).findFirst().orElseThrow();
    double[] times =
        statics.stream()
            .mapToDouble(r -> Double.isNaN(r.timeToTarget()) ? budget : r.timeToTarget())
            .toArray();
    double gridBest = StatUtils.min(times);
    double worst = StatUtils.max(times);
    // DoubleStream's compensated sum as before: StatUtils.mean's corrected two-pass mean can differ
    // in the last bit, and so in a printed digit
    double mean = Arrays.stream(times).average().orElseThrow();
    long unreached = statics.stream().filter(r -> Double.isNaN(r.timeToTarget())).count();
    Run bestRun = statics.get(indexOf(times, gridBest));
    double[] defRounds = rounds(runs, "default #");
    double[] bestRounds = rounds(runs, "best #");
    double defMedian = Stats.medianReached(defRounds);
    double best = Stats.medianReached(bestRounds);
    System.out.printf(
        Locale.ROOT,
        "%n## %s: time to target (s); grid: %d static settings, one run each, %d did not "
            + "reach the target within %.0f s (counted as %.0f s); rounds: median of %d (each round's times in brackets)%n",
        workload,
        statics.size(),
        unreached,
        budget,
        budget,
        defRounds.length);
    System.out.printf(
        Locale.ROOT,
        "| run | time to target | vs best static | vs average static | vs default | "
            + "test log-loss |%n|---|---|---|---|---|---|%n");
    row(
        "default " + def.name().substring(8) + " (rounds)",
        defMedian,
        defRounds,
        best,
        mean,
        defMedian,
        medianTestLoss(runs, "default #"));
    row(
        "best static " + bestRun.name().replaceFirst("^(static|default) ", "") + " (rounds)",
        best,
        bestRounds,
        best,
        mean,
        defMedian,
        medianTestLoss(runs, "best #"));
    row(
        "default in the grid (one run)",
        def.timeToTarget(),
        null,
        best,
        mean,
        defMedian,
        def.testLoss());
    row(
        "best static in the grid (one run)",
        gridBest,
        null,
        best,
        mean,
        defMedian,
        bestRun.testLoss());
    row("average static (grid)", mean, null, best, mean, defMedian, Double.NaN);
    row(
        "worst static (grid)" + (unreached > 0 ? " (not reached: >= budget)" : ""),
        worst,
        null,
        best,
        mean,
        defMedian,
        Double.NaN);
    for (String kind : List.of("tuned-cold #", "tuned-warm #")) {
      double[] t = rounds(runs, kind);
      row(
          kind.substring(0, kind.length() - 2)
              + (kind.contains("warm") ? " (daily series)" : "")
              + " (rounds)",
          Stats.medianReached(t),
          t,
          best,
          mean,
          defMedian,
          medianTestLoss(runs, kind));
    }
    Path csv = out.resolve("tuner-" + workload + ".csv");
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
      w.println("workload,run,time_to_target_s,epochs,final_train_loss,test_log_loss,note");
      for (Run r : runs) {
        GridBenchmark.csvRow(
            w,
            workload,
            r.name(),
            r.timeToTarget(),
            r.epochs(),
            r.finalTrainLoss(),
            r.testLoss(),
            "\"" + r.note().replace("\"", "'") + "\"");
      }
    }
    System.out.println("wrote " + csv);
  }

  /** Times to target of the runs named {@code prefix}N..., in round order (NaN: not reached). */
  private static double[] rounds(List<Run> runs, String prefix) {
    return runs.stream()
        .filter(r -> r.name().startsWith(prefix))
        .mapToDouble(Run::timeToTarget)
        .toArray();
  }

  private static double medianTestLoss(List<Run> runs, String prefix) {
    return Stats.medianReached(
        runs.stream()
            .filter(r -> r.name().startsWith(prefix))
            .mapToDouble(Run::testLoss)
            .toArray());
  }

  private static void row(
      String name, double t, double[] each, double best, double mean, double def, double testLoss) {
    String times =
        each == null
            ? ""
            : Arrays.stream(each)
                .mapToObj(x -> Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.2f", x))
                .collect(java.util.stream.Collectors.joining(" ", " [", "]"));
    System.out.printf(
        Locale.ROOT,
        "| %s | %s%s | %s | %s | %s | %s |%n",
        name,
        Double.isNaN(t) ? "not reached" : String.format(Locale.ROOT, "%.2f", t),
        times,
        ratio(t, best),
        ratio(t, mean),
        ratio(t, def),
        Double.isNaN(testLoss) ? "" : String.format(Locale.ROOT, "%.4f", testLoss));
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
  }

  private static int indexOf(double[] xs, double v) {
    for (int i = 0; i < xs.length; i++) {
      if (xs[i] == v) {
        return i;
      }
    }
    return 0;
  }
}
