package io.trimtab.tuner;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * A scripted training job for policy tests: every setting has a true time per iteration and a true
 * statistical efficiency (iterations of progress per iteration run), all settings share one true
 * loss curve l(p) = 1/(b0 p + b1) + b2 over progress p, and switches cost what the script says.
 * Epoch times and clock losses get seeded multiplicative noise. Drives a {@link TuningPolicy} epoch
 * by epoch and records what it did.
 */
final class SimulatedJob {
  static final double B0 = 0.02;
  static final double B1 = 1.5;
  static final double B2 = 0.2;

  final int clocks;
  final ToDoubleFunction<Setting> secondsPerIteration;
  final ToDoubleFunction<Setting> efficiency;
  final SwitchCost switchCost;
  final double timeNoise;
  final double lossNoise;
  private final SplittableRandom rnd;

  /**
   * The clock loss under a setting, from the true curve's value: the true curve itself unless a
   * test shapes it into one the tuner's families do not fit (a plateau, a loss that rises under
   * some settings).
   */
  private LossShape shape = (trueLoss, s, epochsUnder) -> trueLoss;

  /** Shapes the true loss: {@code epochsUnder} counts the epochs run under {@code s} so far. */
  interface LossShape {
    double loss(double trueLoss, Setting s, int epochsUnder);
  }

  /** This job with its clock losses shaped by {@code shape}. */
  SimulatedJob shaped(LossShape shape) {
    this.shape = shape;
    return this;
  }

  /** Seconds to switch between two settings. */
  interface SwitchCost {
    double seconds(Setting from, Setting to);
  }

  SimulatedJob(
      int clocks,
      ToDoubleFunction<Setting> secondsPerIteration,
      ToDoubleFunction<Setting> efficiency,
      SwitchCost switchCost,
      double timeNoise,
      double lossNoise,
      long seed) {
    this.clocks = clocks;
    this.secondsPerIteration = secondsPerIteration;
    this.efficiency = efficiency;
    this.switchCost = switchCost;
    this.timeNoise = timeNoise;
    this.lossNoise = lossNoise;
    this.rnd = new SplittableRandom(seed);
  }

  static double loss(double progress) {
    return 1 / (B0 * progress + B1) + B2;
  }

  /** True seconds from progress {@code p} to the target loss under {@code s} alone, no switch. */
  double trueSecondsToTarget(Setting s, double p, double target) {
    double pt = (1 / (target - B2) - B1) / B0;
    return Math.max(0, pt - p) / efficiency.applyAsDouble(s) * secondsPerIteration.applyAsDouble(s);
  }

  /** One run of a job under {@code policy} until the target loss or {@code maxEpochs}. */
  Run run(TuningPolicy policy, double target, int maxEpochs) {
    return run(policy, target, maxEpochs, (epoch, s) -> 1.0);
  }

  /**
   * As {@link #run(TuningPolicy, double, int)}, with a slowdown factor per epoch and setting
   * (drift).
   */
  Run run(TuningPolicy policy, double target, int maxEpochs, Slowdown slowdown) {
    Run r = new Run();
    Decision d = policy.first();
    r.decisions.add(d);
    Setting prev = null;
    double progress = 0;
    java.util.Map<Setting, Integer> under = new java.util.HashMap<>();
    for (int e = 1; e <= maxEpochs; e++) {
      Setting s = d.setting();
      double sw = prev == null || prev.equals(s) ? 0 : switchCost.seconds(prev, s);
      double[] losses = new double[clocks];
      for (int c = 0; c < clocks; c++) {
        progress += efficiency.applyAsDouble(s);
        losses[c] =
            shape.loss(loss(progress), s, under.getOrDefault(s, 0))
                * (1 + lossNoise * rnd.nextGaussian());
      }
      double seconds =
          clocks
              * secondsPerIteration.applyAsDouble(s)
              * slowdown.factor(e, s)
              * Math.max(0.2, 1 + timeNoise * rnd.nextGaussian());
      r.seconds += seconds + sw;
      r.settings.add(s);
      if (prev != null && !prev.equals(s)) {
        r.switches++;
      }
      prev = s;
      under.merge(s, 1, Integer::sum);
      r.epochs = e;
      // as a Trimtab job: it stops after the first epoch whose mean training loss is at the target
      if (java.util.Arrays.stream(losses).average().orElseThrow() <= target) {
        r.reached = true;
        break;
      }
      d = policy.observe(new EpochObservation(e, s, seconds, sw, losses));
      r.decisions.add(d);
    }
    return r;
  }

  /** Slowdown of an epoch under a setting: 1 normally, more under drift. */
  interface Slowdown {
    double factor(int epoch, Setting s);
  }

  /** What a run did. */
  static final class Run {
    final List<Decision> decisions = new ArrayList<>();
    final List<Setting> settings = new ArrayList<>();
    double seconds;
    int epochs;
    int switches;
    boolean reached;

    Setting last() {
      return settings.get(settings.size() - 1);
    }

    long distinctSettings() {
      return settings.stream().distinct().count();
    }

    /** Epochs until {@code s} first ran, or -1. */
    int firstEpochOf(Setting s) {
      int i = settings.indexOf(s);
      return i < 0 ? -1 : i + 1;
    }

    /** Switches after the first decision of {@code action}. */
    long switchesAfter(Decision.Action action) {
      int from = -1;
      for (int i = 0; i < decisions.size(); i++) {
        if (decisions.get(i).action() == action) {
          from = i;
          break;
        }
      }
      if (from < 0) {
        return 0;
      }
      long n = 0;
      for (int i = from + 1; i < decisions.size(); i++) {
        if (!decisions.get(i).setting().equals(decisions.get(i - 1).setting())) {
          n++;
        }
      }
      return n;
    }
  }

  /**
   * A landscape like the measured ones: ASP and SSP run faster per iteration than BSP but make less
   * progress per iteration; driver-tree is slow; range partitioning and more shards help a little;
   * more workers help until they oversubscribe. Unique best: ssp:1/direct/range/2sh/2w.
   */
  static double landscapeSpi(Setting s) {
    double t = 0.10;
    t *=
        switch (s.staleness().mode()) {
          case BSP -> 1.0;
          case SSP -> 0.65;
          case ASP -> 0.55;
        };
    t *=
        switch (s.aggregation()) {
          case DIRECT -> 1.0;
          case EXECUTOR_COMBINE -> 1.15;
          case DRIVER_TREE -> 3.0;
        };
    t *= s.partitioner() == PartitionerKind.RANGE ? 0.9 : 1.0;
    t *= s.shards() == 2 ? 0.85 : 1.0;
    t *= s.workers() == 2 ? 0.8 : s.workers() == 1 ? 1.3 : 1.1;
    return t;
  }

  static double landscapeEfficiency(Setting s) {
    StalenessBound b = s.staleness();
    return switch (b.mode()) {
      case BSP -> 1.0;
      case SSP -> b.clocks() <= 1 ? 0.95 : 0.75;
      case ASP -> 0.5;
    };
  }
}
