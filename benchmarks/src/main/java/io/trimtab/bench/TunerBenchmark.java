package io.trimtab.bench;

import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.TrimtabConf;
import io.trimtab.spark.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.spark.tune.TuningResult;
import io.trimtab.tuner.Setting;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Tuner issue's benchmark: time to a target training loss for (a) the default setting, (b)
 * every static setting of a grid (best, average, worst), (c) the self-tuned job, cold (no history)
 * and warm (a daily series started from a cold run's history), side by side in one run on one local
 * multi-executor cluster, with each run's final test log-loss next to its time. After the grid (one
 * run per setting), {@code rounds} rounds run the default, the grid's best setting, a cold and a
 * warm tuned job in a rotated order; the summary compares their medians. Writes {@code
 * tuner-<workload>.csv} (one row per run) and prints the summary table.
 *
 * <p>Time to target: summed epoch wall times (and, for tuned runs, switch times and the tuner's own
 * decision and logging time) until the first epoch whose training loss is at most the target.
 * Static settings that do not reach the target within the budget count as the budget (a lower bound
 * on their true time) in the average and are listed as not reached.
 *
 * <p>Usage: {@code benchmarks/run-tuner <click|spam|fashion> [key=value ...]}, keys: rows, budget
 * (s), target, batches, step, reg (L2), master, out, warmup (s), rounds, and the grid keys of
 * {@link GridBenchmark#grid}.
 */
public final class TunerBenchmark {

  private record Run(
      String name,
      double timeToTarget,
      double finalTrainLoss,
      double testLoss,
      int epochs,
      String note) {}

  public static void main(String[] args) throws IOException {
    List<String> workloads = List.of("click", "spam", "fashion");
    if (args.length == 0 || !workloads.contains(args[0])) {
      throw new IllegalArgumentException(
          "Usage: TunerBenchmark <click|spam|fashion> [key=value ...] (got "
              + Arrays.toString(args)
              + ")");
    }
    String workload = args[0];
    Map<String, String> opt = GridBenchmark.options(args);
    long rows = Long.parseLong(opt.getOrDefault("rows", "1000000"));
    double budget = Double.parseDouble(opt.getOrDefault("budget", "40"));
    double target =
        Double.parseDouble(
            opt.getOrDefault(
                "target",
                switch (workload) {
                  case "click" -> "0.26";
                  case "spam" -> "0.01";
                  default -> "0.12";
                }));
    int batches = Integer.parseInt(opt.getOrDefault("batches", "10"));
    double step = Double.parseDouble(opt.getOrDefault("step", "0.1"));
    double reg = Double.parseDouble(opt.getOrDefault("reg", "0"));
    Path out = Path.of(opt.getOrDefault("out", "benchmarks/results"));
    Files.createDirectories(out);
    Path history = Files.createTempDirectory("trimtab-bench-history");

    SparkSession spark =
        BenchSession.start(
            opt.getOrDefault("master", "local-cluster[2,2,2048]"),
            "trimtab-tuner-" + workload,
            Map.of(
                TrimtabConf.TUNER_HISTORY.name(),
                history.toString(),
                TrimtabConf.TUNER_DIR.name(),
                out.resolve("tuning").toString()));
    try {
      ParameterServer ps = Trimtab.parameterServer(spark);
      Setting defaults = Setting.defaults(ps.numShards(), ps.taskSlots());
      List<Setting> grid = GridBenchmark.grid(opt, defaults);
      Dataset<Row>[] split = data(spark, workload, rows, ps.taskSlots());
      Dataset<Row> train = split[0].cache();
      Dataset<Row> test = split[1].cache();
      long n = train.count();
      System.out.printf(
          Locale.ROOT,
          "# tuner benchmark %s: %d training rows, %d test rows, target train loss %.4f, "
              + "%d static settings x %.0f s budget, %d batches/epoch, adagrad %.3f, on %s%n",
          workload,
          n,
          test.count(),
          target,
          grid.size(),
          budget,
          batches,
          step,
          spark.sparkContext().master());

      // warm-up (discarded) for a fixed time: JIT, connections and Spark's first stages would count
      // against whoever runs first (measured: a warm-up that stopped at the target after 9 epochs
      // left
      // the first setting 3x slower than the same setting later)
      double warmup = Double.parseDouble(opt.getOrDefault("warmup", "15"));
      new PsLogisticRegression()
          .setEpochs(10_000)
          .setBatchesPerEpoch(batches)
          .setUpdater("adagrad")
          .setStepSize(step)
          .setNumWorkers(defaults.workers())
          .setTuning("off")
          .setStopWhen(h -> h.stream().mapToDouble(EpochMetrics::seconds).sum() >= warmup)
          .fit(train);

      List<Run> runs = new ArrayList<>();
      for (Setting s : grid) {
        List<EpochMetrics> seen = new ArrayList<>();
        PsLogisticRegressionModel m =
            trainer(batches, step, reg, budget, target)
                .setStaleness(s.staleness().toString())
                .setAggregation(s.aggregation().label())
                .setNumShards(s.shards())
                .setPartitioner(s.partitioner().name())
                .setNumWorkers(s.workers())
                .setTuning("off")
                .setEpochListener(seen::add)
                .fit(train);
        runs.add(
            run((s.equals(defaults) ? "default " : "static ") + s, seen, target, 0, m, test, ""));
        print(runs.get(runs.size() - 1));
      }
      // Rounds after the grid, each running the default, the grid's best static setting, a cold
      // tuned
      // job (empty history) and a warm one, in an order rotated per round so that no run always
      // goes first (the position in the JVM's life is worth up to 2x on jobs this short); the
      // summary compares medians over rounds. Warm jobs are a daily series: each starts from the
      // history of the first cold job and every warm job before it.
      int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
      Run bestGrid =
          runs.stream()
              .filter(r -> !Double.isNaN(r.timeToTarget()))
              .min(java.util.Comparator.comparingDouble(Run::timeToTarget))
              .orElse(runs.get(0));
      Setting best = grid.get(runs.indexOf(bestGrid));
      Path series = Files.createTempDirectory("trimtab-bench-series");
      List<String> kinds = List.of("default", "best", "tuned-cold", "tuned-warm");
      for (int round = 1; round <= rounds; round++) {
        for (int k = 0; k < kinds.size(); k++) {
          String kind = kinds.get((k + round - 1) % kinds.size());
          String name = kind + " #" + round;
          List<EpochMetrics> seen = new ArrayList<>();
          PsLogisticRegression trainer =
              trainer(batches, step, reg, budget, target).setEpochListener(seen::add);
          if (kind.equals("default") || kind.equals("best")) {
            Setting s = kind.equals("default") ? defaults : best;
            PsLogisticRegressionModel m =
                trainer
                    .setStaleness(s.staleness().toString())
                    .setAggregation(s.aggregation().label())
                    .setNumShards(s.shards())
                    .setPartitioner(s.partitioner().name())
                    .setNumWorkers(s.workers())
                    .setTuning("off")
                    .fit(train);
            runs.add(run(name + " " + s, seen, target, 0, m, test, ""));
          } else {
            boolean cold = kind.equals("tuned-cold");
            replaceContents(history, cold ? null : series);
            PsLogisticRegressionModel m =
                trainer.setNumWorkers(defaults.workers()).setTargetLoss(target).fit(train);
            if (!cold || isEmpty(series)) {
              replaceContents(series, history); // the series starts from the first cold job
            }
            TuningResult t = m.tuning().orElseThrow();
            runs.add(
                run(
                    name,
                    seen,
                    target,
                    t.tunerSeconds() + t.instrumentationSeconds(),
                    m,
                    test,
                    String.format(
                        Locale.ROOT,
                        "%d settings, final %s, %d re-tunes, own cost %.3f s (%.2f%%), worst lag %.2f s, report %s",
                        t.settingsTried(),
                        t.finalSetting(),
                        t.retunes(),
                        t.tunerSeconds() + t.instrumentationSeconds(),
                        100 * t.overhead(),
                        t.worstLagSeconds(),
                        t.report())));
          }
          print(runs.get(runs.size() - 1));
        }
      }
      summarize(workload, runs, budget, out);
    } finally {
      spark.stop();
    }
  }

  /**
   * Replaces the files of directory {@code dir} by copies of those of {@code from} (none if null).
   */
  private static void replaceContents(Path dir, Path from) throws IOException {
    try (var old = Files.list(dir)) {
      for (Path p : old.toList()) {
        Files.delete(p);
      }
    }
    if (from != null) {
      try (var files = Files.list(from)) {
        for (Path p : files.toList()) {
          Files.copy(p, dir.resolve(p.getFileName()));
        }
      }
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.findAny().isEmpty();
    }
  }

  private static PsLogisticRegression trainer(
      int batches, double step, double reg, double budget, double target) {
    return new PsLogisticRegression()
        .setEpochs(10_000)
        .setBatchesPerEpoch(batches)
        .setUpdater("adagrad")
        .setStepSize(step)
        .setRegParam(reg)
        .setSeed(7)
        .setStopWhen(
            h ->
                h.get(h.size() - 1).trainLoss() <= target
                    || h.stream().mapToDouble(m -> m.seconds() + m.switchSeconds()).sum()
                        >= budget);
  }

  private static Dataset<Row>[] data(SparkSession spark, String workload, long rows, int slots) {
    switch (workload) {
      case "click":
        return FoundationBenchmark.clickFrame(spark, rows, slots * 2, 20, 16, 1.1, 11)
            .randomSplit(new double[] {0.9, 0.1}, 7);
      case "spam":
        return BuiltinDatasets.load(spark, BuiltinDatasets.SPAM)
            .randomSplit(new double[] {0.8, 0.2}, 7);
      default:
        @SuppressWarnings("unchecked")
        Dataset<Row>[] f =
            new Dataset[] {
              BuiltinDatasets.load(spark, "fashion_footwear"),
              BuiltinDatasets.load(spark, "fashion_footwear_test")
            };
        return f;
    }
  }

  private static Run run(
      String name,
      List<EpochMetrics> seen,
      double target,
      double overhead,
      PsLogisticRegressionModel m,
      Dataset<Row> test,
      String note) {
    double t = 0;
    double ttt = Double.NaN;
    for (EpochMetrics e : seen) {
      t += e.seconds() + e.switchSeconds();
      if (e.trainLoss() <= target) {
        ttt = t + overhead;
        break;
      }
    }
    return new Run(
        name,
        ttt,
        seen.get(seen.size() - 1).trainLoss(),
        m.evaluate(test).logLoss(),
        seen.size(),
        note);
  }

  private static void print(Run r) {
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

  private static void summarize(String workload, List<Run> runs, double budget, Path out)
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
    double gridBest = Arrays.stream(times).min().orElseThrow();
    double worst = Arrays.stream(times).max().orElseThrow();
    double mean = Arrays.stream(times).average().orElseThrow();
    long unreached = statics.stream().filter(r -> Double.isNaN(r.timeToTarget())).count();
    Run bestRun = statics.get(indexOf(times, gridBest));
    double[] defRounds = rounds(runs, "default #");
    double[] bestRounds = rounds(runs, "best #");
    double defMedian = median(defRounds);
    double best = median(bestRounds);
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
          median(t),
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
    return median(
        runs.stream()
            .filter(r -> r.name().startsWith(prefix))
            .mapToDouble(Run::testLoss)
            .toArray());
  }

  /** Median, a run that did not reach the target counting as slowest; NaN if none. */
  private static double median(double[] xs) {
    if (xs.length == 0) {
      return Double.NaN;
    }
    double[] s =
        Arrays.stream(xs)
            .map(x -> Double.isNaN(x) ? Double.POSITIVE_INFINITY : x)
            .sorted()
            .toArray();
    double m = s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    return Double.isInfinite(m) ? Double.NaN : m;
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
