package io.trimtab.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.math3.stat.StatUtils;

/**
 * The fits of {@link MllibComparisonBenchmark} and their report: one CSV line per fit as it ends,
 * then the medians over the rounds, each library's time to the common target and the speed-up.
 */
final class MllibReport {
  private MllibReport() {}

  /** One fit (round 1, 2, ...), or the medians over the rounds at one length (round 0). */
  record Point(String library, int round, int length, double seconds, double testLoss) {}

  /** Prints the summary of all the fits {@code points} (rounds 1 to {@code opt.repeats}). */
  static void summarize(MllibOptions opt, List<Point> points) {
    List<Point> medians = new ArrayList<>(medians(points, "mllib", opt.mllibIters()));
    medians.addAll(medians(points, "trimtab", opt.epochs()));
    String rounds = opt.repeats == 1 ? "one round" : "medians of " + opt.repeats + " rounds";
    if (opt.repeats > 1) {
      System.out.printf(Locale.ROOT, "%n## %s: medians of %d rounds%n", opt.workload, opt.repeats);
      System.out.println("library,length,median_fit_seconds,median_test_log_loss");
      for (Point p : medians) {
        System.out.printf(
            Locale.ROOT, "%s,%d,%.3f,%.5f%n", p.library(), p.length(), p.seconds(), p.testLoss());
      }
    }
    double bestMllib = best(medians, "mllib");
    double bestTrimtab = best(medians, "trimtab");
    double target = Math.max(bestMllib, bestTrimtab) * 1.005;
    Point mllib = first(medians, "mllib", target).orElseThrow();
    Point ours = first(medians, "trimtab", target).orElseThrow();
    System.out.printf(
        Locale.ROOT,
        "%n## %s: time to test log-loss %.4f (the worse best, %.4f MLlib / %.4f Trimtab, "
            + "+0.5%%); figures are %s%n",
        opt.workload,
        target,
        bestMllib,
        bestTrimtab,
        rounds);
    System.out.printf(
        Locale.ROOT,
        "MLlib LogisticRegression (L-BFGS, regParam %g, standardization %s): %7.2f s  "
            + "(maxIter %d)%n",
        opt.mllibReg(),
        opt.standardize(),
        mllib.seconds(),
        mllib.length());
    System.out.printf(
        Locale.ROOT,
        "Trimtab PsLogisticRegression (%s, adagrad %.2f, L2 %g, %d batches/epoch): %7.2f s  "
            + "(%d epochs)%n",
        opt.staleness,
        opt.step,
        opt.reg,
        opt.batches,
        ours.seconds(),
        ours.length());
    System.out.printf(
        Locale.ROOT, "speed-up (MLlib / Trimtab): %.2fx%n", mllib.seconds() / ours.seconds());
    if (opt.repeats > 1) {
      printRoundSpeedups(points, opt.repeats, target);
    }
  }

  static Point print(Point p) {
    System.out.printf(
        Locale.ROOT,
        "%s,%d,%d,%.3f,%.5f%n",
        p.library(),
        p.round(),
        p.length(),
        p.seconds(),
        p.testLoss());
    return p;
  }

  /**
   * Each round's speed-up at {@code target} from its own fits; min / median / max over the rounds
   * reaching it.
   */
  private static void printRoundSpeedups(List<Point> points, int repeats, double target) {
    List<Double> speedups = new ArrayList<>();
    List<String> each = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    for (int round = 1; round <= repeats; round++) {
      int r = round;
      List<Point> own = points.stream().filter(p -> p.round() == r).toList();
      Optional<Point> mllib = first(own, "mllib", target);
      Optional<Point> ours = first(own, "trimtab", target);
      if (mllib.isPresent() && ours.isPresent()) {
        double s = mllib.get().seconds() / ours.get().seconds();
        speedups.add(s);
        each.add(String.format(Locale.ROOT, "%.2fx", s));
      } else {
        each.add("-");
        missed.add(
            round
                + " ("
                + (mllib.isEmpty() ? "MLlib" : "")
                + (mllib.isEmpty() && ours.isEmpty() ? ", " : "")
                + (ours.isEmpty() ? "Trimtab" : "")
                + ")");
      }
    }
    if (speedups.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "speed-up per round (same target): no round reaches it with both libraries%n");
    } else {
      double[] s = speedups.stream().mapToDouble(Double::doubleValue).toArray();
      System.out.printf(
          Locale.ROOT,
          "speed-up per round (each round's own fits, same target; %d of %d rounds): "
              + "min %.2fx, median %.2fx, max %.2fx  (rounds: %s)%n",
          speedups.size(),
          repeats,
          StatUtils.min(s),
          Stats.median(s),
          StatUtils.max(s),
          String.join(", ", each));
    }
    if (!missed.isEmpty()) {
      System.out.println("rounds not reaching the target: " + String.join(", ", missed));
    }
  }

  /**
   * Per length of {@code ladder}, in its order: the median fit seconds and median test loss over
   * the rounds.
   */
  private static List<Point> medians(List<Point> points, String library, int[] ladder) {
    List<Point> out = new ArrayList<>();
    for (int k : ladder) {
      List<Point> at =
          points.stream().filter(p -> p.library().equals(library) && p.length() == k).toList();
      out.add(
          new Point(
              library,
              0,
              k,
              Stats.median(at.stream().mapToDouble(Point::seconds).toArray()),
              Stats.median(at.stream().mapToDouble(Point::testLoss).toArray())));
    }
    return out;
  }

  private static double best(List<Point> points, String library) {
    return points.stream()
        .filter(p -> p.library().equals(library))
        .mapToDouble(Point::testLoss)
        .min()
        .orElseThrow();
  }

  /** The fit of {@code library} with the shortest length at or below {@code target}, if any. */
  private static Optional<Point> first(List<Point> points, String library, double target) {
    return points.stream()
        .filter(p -> p.library().equals(library) && p.testLoss() <= target)
        .min(Comparator.comparingInt(Point::length));
  }
}
