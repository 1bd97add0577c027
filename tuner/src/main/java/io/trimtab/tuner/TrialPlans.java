package io.trimtab.tuner;

import io.trimtab.tuner.search.LatinHypercube;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which settings the tuner tries, in order, before the Gaussian process picks: the initial design
 * after the first setting, and the settings re-tried after a drift. Stateless.
 */
final class TrialPlans {
  /** Trials of a re-tune: the current setting re-measured, and up to this many less one others. */
  static final int RETUNE_TRIALS = 3;

  /**
   * A stale setting measured this much slower per iteration than the current one is not re-tried.
   */
  static final double UNPROMISING = 1.5;

  private TrialPlans() {}

  /**
   * The Latin-hypercube design after the first setting, cheapest switch first, after two screening
   * trials that only relax the staleness bound: by one step, then all the way (the two ends of the
   * knob with the largest effect: with the first step alone, the fastest static setting of the
   * recorded grids stayed untried in most replays). Its first point keeps the first setting's
   * layout and workers (a change of staleness or aggregation moves no data, while a new layout
   * moves the model and a new worker count re-cuts the data, each up to a few epochs of a short
   * job), so the first switch whose cost is measured is a cheap one; the rest spans every tunable
   * knob (a design kept half on the first layout found the best setting less often). The figures
   * are in docs/design-notes.md, "Tuner".
   *
   * @param epochSeconds the first setting's epoch time, which scales the guessed switch costs
   */
  static List<Setting> initialDesign(
      SearchSpace space,
      Setting initial,
      TunerConfig config,
      SwitchCosts costs,
      double epochSeconds) {
    int n = Math.max(1, config.initialTrials() - 1);
    List<Setting> light =
        space.candidates().stream()
            .filter(
                c ->
                    !c.equals(initial)
                        && !c.layoutDiffers(initial)
                        && c.workers() == initial.workers())
            .toList();
    List<Setting> out = new ArrayList<>();
    // screening: the first trials relax the staleness bound, one step and then fully, and change
    // nothing else: the cheapest switches there are (no data or model moves) on the knob with the
    // largest effect in the paper's experiments and in the Knobs grids (the fastest static settings
    // of click, spam and Fashion-MNIST all relax BSP to SSP(1) or ASP)
    List<Setting> relaxed =
        light.stream()
            .filter(
                c ->
                    c.equals(initial.withStaleness(c.staleness()))
                        && c.staleness().clocks() > initial.staleness().clocks())
            .sorted(Comparator.comparingLong(c -> c.staleness().clocks()))
            .toList();
    if (!relaxed.isEmpty()) {
      out.add(relaxed.get(0));
      if (relaxed.size() > 1) {
        out.add(relaxed.get(relaxed.size() - 1));
      }
    }
    if (light.size() > out.size()) {
      for (double[] point : LatinHypercube.sample(1, space.dimensions(), config.seed())) {
        light.stream()
            .filter(c -> !out.contains(c))
            .min(Comparator.comparingDouble(c -> distance(space.encode(c), point)))
            .ifPresent(out::add);
      }
    }
    space.initialDesign(n + 1, config.seed()).stream()
        .filter(c -> !c.equals(initial) && !out.contains(c))
        .sorted(Comparator.comparingDouble(c -> costs.estimate(initial, c, epochSeconds)))
        .limit(Math.max(0, n - out.size()))
        .forEach(out::add);
    return out;
  }

  /**
   * Settings to re-try after a drift: the best stale one, and the best stale ones that differ from
   * the current setting in worker count and in staleness mode (a straggler hurts some settings more
   * than others, so a diverse few are worth re-measuring).
   *
   * @param currentSpi the current setting's seconds per iteration before the drift
   */
  static List<Setting> retunePlan(
      Scoreboard board, Setting current, double loss, double currentSpi) {
    List<Setting> ranked = new ArrayList<>();
    // not the settings already measured far slower per iteration: their trial costs more than a
    // drift can explain
    board.all().stream()
        .filter(x -> x.stale() && x.fit() != null)
        .filter(x -> !(x.secondsPerIteration() > UNPROMISING * currentSpi))
        .sorted(Comparator.comparingDouble(x -> board.remainingSeconds(x, loss)))
        .forEach(x -> ranked.add(x.setting()));
    List<Setting> out = new ArrayList<>();
    ranked.stream().findFirst().ifPresent(out::add);
    ranked.stream()
        .filter(x -> x.workers() != current.workers() && !out.contains(x))
        .findFirst()
        .ifPresent(out::add);
    ranked.stream()
        .filter(x -> x.staleness().mode() != current.staleness().mode() && !out.contains(x))
        .findFirst()
        .ifPresent(out::add);
    return out.subList(0, Math.min(out.size(), RETUNE_TRIALS - 1));
  }

  private static double distance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return sum;
  }
}
