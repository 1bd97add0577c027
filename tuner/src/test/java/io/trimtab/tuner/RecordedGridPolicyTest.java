package io.trimtab.tuner;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.ps.StalenessBound;
import io.trimtab.tuner.progress.RecordedGrid;
import io.trimtab.tuner.progress.Target;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The policy driving jobs that replay REAL recorded curves (the static grids of test resources
 * {@code curves/}, measured on local-cluster): an epoch under a setting moves the loss along that
 * setting's recorded curve from wherever the job's loss is, and takes that setting's median
 * recorded epoch time. Unlike {@link SimulatedJob}, whose one curve is of a family the tuner fits
 * exactly, these curves have the shape of real training, which the fitted families only
 * approximate: settings measured at different phases are then compared through an imperfect shape.
 */
class RecordedGridPolicyTest {
  private static final int CLOCKS = 10;
  private static final int MAX_EPOCHS = 80;

  /** Switch costs as measured on local-cluster (Knobs issue): no data moves vs moving the model. */
  private static final double LIGHT_SWITCH = 0.01;

  private static final double LAYOUT_SWITCH = 0.3;

  /** {@code -Dtrace=true} prints every decision of the tuned replays (to diagnose the policy). */
  private static final boolean TRACE = Boolean.getBoolean("trace");

  /** A job replaying the recorded curves of one grid. */
  static final class Replay {
    final RecordedGrid grid;
    final SplittableRandom rnd;

    /** Each mini-batch's own difficulty: the same factor on its clock's loss every epoch. */
    final double[] batch = new double[CLOCKS];

    final double clockNoise;

    Replay(RecordedGrid grid, long seed, double batchSpread, double clockNoise) {
      this.grid = grid;
      this.rnd = new SplittableRandom(seed);
      this.clockNoise = clockNoise;
      for (int k = 0; k < CLOCKS; k++) {
        batch[k] = Math.max(0.2, 1 + batchSpread * rnd.nextGaussian());
      }
    }

    RecordedGrid.Curve curve(Setting s) {
      RecordedGrid.Curve c = grid.curves().get(s.toString());
      if (c == null) {
        throw new IllegalStateException("No recorded curve for " + s);
      }
      return c;
    }

    double epochSeconds(Setting s) {
      double[] t = curve(s).epochSeconds();
      double[] timed =
          Arrays.copyOfRange(t, Math.min(1, t.length - 1), t.length); // the first epoch warms up
      Arrays.sort(timed);
      return timed[timed.length / 2];
    }

    /** Seconds to the target and epochs under {@code policy}, or +infinity if not reached. */
    double[] run(TuningPolicy policy, double target) {
      Decision d = policy.first();
      Setting prev = null;
      double loss = Math.log(2);
      double seconds = 0;
      for (int e = 1; e <= MAX_EPOCHS; e++) {
        Setting s = d.setting();
        double sw =
            prev == null || prev.equals(s)
                ? 0
                : s.layoutDiffers(prev) ? LAYOUT_SWITCH : LIGHT_SWITCH;
        double[] c = curve(s).losses();
        double e0 = epochAt(c, loss);
        double[] losses = new double[CLOCKS];
        for (int k = 0; k < CLOCKS; k++) {
          losses[k] =
              lossAt(c, e0 + (k + 1.0) / CLOCKS)
                  * batch[k]
                  * Math.max(0.2, 1 + clockNoise * rnd.nextGaussian());
        }
        loss = lossAt(c, e0 + 1);
        double t = epochSeconds(s) * Math.max(0.5, 1 + 0.03 * rnd.nextGaussian());
        seconds += t + sw;
        prev = s;
        // as a Trimtab job: it stops after the first epoch whose mean training loss is at the
        // target
        if (Arrays.stream(losses).average().orElseThrow() <= target) {
          return new double[] {seconds, e};
        }
        d = policy.observe(new EpochObservation(e, s, t, sw, losses));
        if (TRACE) {
          System.out.printf(
              Locale.ROOT,
              "  epoch %d %s %.3f s loss %.4f -> %s %s: %s%n",
              e,
              s,
              t,
              Arrays.stream(losses).average().orElseThrow(),
              d.action(),
              d.setting(),
              d.reason());
        }
      }
      return new double[] {Double.POSITIVE_INFINITY, MAX_EPOCHS};
    }
  }

  /**
   * Fractional epoch at which a recorded curve reaches {@code l} (epoch 0: ln 2), log-linear
   * between epochs.
   */
  static double epochAt(double[] c, double l) {
    double prev = Math.log(2);
    for (int i = 0; i < c.length; i++) {
      if (c[i] <= l) {
        return i + (Math.log(prev) - Math.log(l)) / (Math.log(prev) - Math.log(c[i]));
      }
      prev = c[i];
    }
    // beyond the recorded epochs: the last epoch's ratio continues
    double ratio = c.length > 1 ? Math.min(0.999, c[c.length - 1] / c[c.length - 2]) : 0.99;
    return c.length + Math.log(l / c[c.length - 1]) / Math.log(ratio);
  }

  static double lossAt(double[] c, double e) {
    if (e <= 0) {
      return Math.log(2);
    }
    int i = (int) Math.floor(e);
    if (i >= c.length) {
      double ratio = c.length > 1 ? Math.min(0.999, c[c.length - 1] / c[c.length - 2]) : 0.99;
      return c[c.length - 1] * Math.pow(ratio, e - c.length);
    }
    double a = i == 0 ? Math.log(2) : c[i - 1];
    double f = e - i;
    return Math.exp((1 - f) * Math.log(a) + f * Math.log(c[i]));
  }

  /**
   * Tuned, default and best static on one grid, over seeds; returns the median tuned/default ratio.
   */
  private static double replay(
      String workload, double target, int seeds, double batchSpread, double clockNoise) {
    RecordedGrid grid = RecordedGrid.load(workload);
    Setting defaults = Setting.parse("bsp/direct/hash/2sh/4w");
    // the grid's knobs: its workers are 2 or 4 under every bound, so the worker count stays
    SearchSpace space =
        SearchSpace.of(
            defaults,
            EnumSet.of(Knob.STALENESS, Knob.AGGREGATION, Knob.SHARDS, Knob.PARTITIONER),
            2,
            4,
            List.of(StalenessBound.bsp(), StalenessBound.ssp(2), StalenessBound.asp()));
    double best = Double.POSITIVE_INFINITY;
    String bestName = null;
    double sum = 0;
    for (Setting s : space.candidates()) {
      double t = new Replay(grid, 0, 0, 0).run(TunerTest.fixed(s), target)[0];
      sum += Math.min(t, 60);
      if (t < best) {
        best = t;
        bestName = s.toString();
      }
    }
    double average = sum / space.candidates().size();
    double[] ratios = new double[seeds];
    double[] vsBest = new double[seeds];
    for (int seed = 1; seed <= seeds; seed++) {
      double def =
          new Replay(grid, seed, batchSpread, clockNoise).run(TunerTest.fixed(defaults), target)[0];
      Tuner tuner =
          new Tuner(
              TunerConfig.defaults(Target.loss(target)).withSeed(seed), space, defaults, List.of());
      double[] tuned = new Replay(grid, seed, batchSpread, clockNoise).run(tuner, target);
      ratios[seed - 1] = tuned[0] / def;
      vsBest[seed - 1] = tuned[0] / best;
      System.out.printf(
          Locale.ROOT,
          "%s seed %d: tuned %.2f s (%d epochs, %d settings), default %.2f s, best static"
              + " %s %.2f s, average static %.2f s: tuned/default %.2f, tuned/best %.2f%n",
          workload,
          seed,
          tuned[0],
          (int) tuned[1],
          tuner.settingsTried(),
          def,
          bestName,
          best,
          average,
          ratios[seed - 1],
          vsBest[seed - 1]);
    }
    Arrays.sort(ratios);
    Arrays.sort(vsBest);
    System.out.printf(
        Locale.ROOT,
        "%s target %.4f, batch spread %.2f, clock noise %.3f: median tuned/default %.2f (worst %.2f), median tuned/best %.2f%n",
        workload,
        target,
        batchSpread,
        clockNoise,
        ratios[seeds / 2],
        ratios[seeds - 1],
        vsBest[seeds / 2]);
    return ratios[seeds / 2];
  }

  // measured: median tuned/default 0.55 (worst of 9 seeds 0.83), tuned/best static 1.37
  @Test
  void click_tunedIsFasterThanTheDefault() {
    assertThat(replay("click", 0.26, 9, 0, 0.003)).isLessThan(0.8);
  }

  // measured: median 0.51 (worst 0.51), tuned/best static 1.45
  @Test
  void spam_tunedIsFasterThanTheDefault() {
    assertThat(replay("spam", 0.005, 9, 0, 0.003)).isLessThan(0.8);
  }

  // each mini-batch with its own difficulty (spread 2% on click, 20% on spam, as the live per-clock
  // losses show) and noisier clocks; measured: click median 0.58 (worst 0.85), spam 0.51 (worst
  // 0.72)
  @Test
  void noisyBatches_tunedIsStillFasterThanTheDefault() {
    assertThat(replay("click", 0.26, 9, 0.02, 0.01)).isLessThan(0.9);
    assertThat(replay("spam", 0.005, 9, 0.2, 0.1)).isLessThan(0.9);
  }
}
