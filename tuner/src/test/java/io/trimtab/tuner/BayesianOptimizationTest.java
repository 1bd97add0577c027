package io.trimtab.tuner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.tuner.search.ExpectedImprovement;
import io.trimtab.tuner.search.GaussianProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * End-to-end check that the pieces make a working Bayesian optimizer (Snoek et al. 2012): a 4-point
 * Latin-hypercube design, then one GP fit + expected-improvement pick per evaluation, on synthetic
 * "seconds to target loss" tables over the 68 candidates of a 2-executor, 2-slot cluster with every
 * knob tunable. The GP models log(seconds), as is usual for durations. Compared with random search
 * (1000 seeded runs) at the same budget.
 */
class BayesianOptimizationTest {
  private static final int INITIAL = 4;
  private static final long[] SEEDS = {1, 2, 3, 4, 5};
  private static final int RANDOM_RUNS = 1000;
  private static final SearchSpace SPACE =
      SearchSpace.of(Setting.defaults(2, 2), EnumSet.allOf(Knob.class), 2, 2);

  /**
   * Interior optimum: multiplicative knob effects, asp pays for extra workers; unique best
   * ssp:1/executor-combine/hash/2sh/2w at 68 s, runners-up 71.4 s (range) and 72.25 s (ssp:3).
   */
  static double interior(Setting s) {
    double staleness =
        switch (s.staleness().mode()) {
          case BSP -> 1.0;
          case SSP -> s.staleness().clocks() == 1 ? 0.8 : 0.85;
          case ASP -> 1.3;
        };
    double aggregation =
        switch (s.aggregation()) {
          case DIRECT -> 1.0;
          case EXECUTOR_COMBINE -> 0.85;
          case DRIVER_TREE -> 1.1;
        };
    double workers =
        s.workers() == 1 ? 1.5 : s.workers() == 2 || s.staleness().bounded() ? 1.0 : 1.25;
    return 100
        * staleness
        * aggregation
        * (s.shards() == 1 ? 1.2 : 1.0)
        * (s.partitioner() == PartitionerKind.RANGE ? 1.05 : 1.0)
        * workers;
  }

  /**
   * Corner optimum: asp with oversubscribed workers, unique best asp/direct/range/2sh/4w at 72 s.
   */
  static double corner(Setting s) {
    double staleness =
        switch (s.staleness().mode()) {
          case BSP -> 1.2;
          case SSP -> s.staleness().clocks() == 1 ? 1.0 : 0.9;
          case ASP -> 0.8;
        };
    double aggregation =
        switch (s.aggregation()) {
          case DIRECT -> 1.0;
          case EXECUTOR_COMBINE -> 0.9;
          case DRIVER_TREE -> 1.3;
        };
    double workers = s.workers() == 1 ? 1.6 : s.workers() == 2 ? 1.0 : 0.9;
    return 100
        * staleness
        * aggregation
        * (s.shards() == 1 ? 1.3 : 1.0)
        * (s.partitioner() == PartitionerKind.RANGE ? 1.0 : 1.08)
        * workers;
  }

  /** The values observed, in evaluation order: the LHS design first, then the EI picks. */
  static List<Double> bayesianOptimization(ToDoubleFunction<Setting> f, int budget, long seed) {
    Map<Setting, Double> observed = new LinkedHashMap<>();
    for (Setting s : SPACE.initialDesign(INITIAL, seed)) {
      observed.put(s, f.applyAsDouble(s));
    }
    while (observed.size() < budget) {
      double[][] x = observed.keySet().stream().map(SPACE::encode).toArray(double[][]::new);
      double[] y = observed.values().stream().mapToDouble(Math::log).toArray();
      GaussianProcess gp = GaussianProcess.fit(x, y, seed * 1000 + observed.size());
      double best = Arrays.stream(y).min().orElseThrow();
      Setting next = null;
      double nextEi = -1;
      for (Setting c : SPACE.candidates()) { // ties: the first candidate
        if (!observed.containsKey(c)) {
          double ei = ExpectedImprovement.of(gp.predict(SPACE.encode(c)), best, 0);
          if (ei > nextEi) {
            next = c;
            nextEi = ei;
          }
        }
      }
      observed.put(next, f.applyAsDouble(next));
    }
    return new ArrayList<>(observed.values());
  }

  static List<Double> randomSearch(ToDoubleFunction<Setting> f, int budget, long seed) {
    List<Setting> shuffled = new ArrayList<>(SPACE.candidates());
    Collections.shuffle(shuffled, new Random(seed));
    return shuffled.subList(0, budget).stream().map(f::applyAsDouble).toList();
  }

  private static double optimum(ToDoubleFunction<Setting> f) {
    return SPACE.candidates().stream().mapToDouble(f).min().orElseThrow();
  }

  /** Runs BO on every seed and random search 1000 times; asserts BO's hit count and mean regret. */
  private static void assertBoFindsOptimum(String name, ToDoubleFunction<Setting> f, int budget) {
    double optimum = optimum(f);
    int found = 0;
    double boRegret = 0;
    List<String> runs = new ArrayList<>();
    for (long seed : SEEDS) {
      List<Double> values = bayesianOptimization(f, budget, seed);
      double best = Collections.min(values);
      found += best == optimum ? 1 : 0;
      boRegret += (best - optimum) / SEEDS.length;
      runs.add(
          String.format(
              "seed %d: best %.2f s at evaluation %d", seed, best, values.indexOf(best) + 1));
    }
    double randomRegret = 0;
    int randomFound = 0;
    for (long seed = 1; seed <= RANDOM_RUNS; seed++) {
      double best = Collections.min(randomSearch(f, budget, seed));
      randomRegret += (best - optimum) / RANDOM_RUNS;
      randomFound += best == optimum ? 1 : 0;
    }
    System.out.printf(
        "%s table, budget %d of %d: BO found the optimum (%.2f s) in %d of %d seeds, mean regret "
            + "%.3f s %s; random search found it in %d of %d runs, mean regret %.3f s%n",
        name,
        budget,
        SPACE.candidates().size(),
        optimum,
        found,
        SEEDS.length,
        boRegret,
        runs,
        randomFound,
        RANDOM_RUNS,
        randomRegret);

    assertThat(found)
        .as("%s: seeds where BO found the optimum within %d evaluations", name, budget)
        .isGreaterThanOrEqualTo(4);
    assertThat(boRegret).as("%s: BO mean regret vs random search's", name).isLessThan(randomRegret);
  }

  @Test
  void bo_tablesHaveUniqueKnownOptima() {
    assertThat(SPACE.candidates()).hasSize(68);
    assertThat(
            SPACE.candidates().stream()
                .filter(s -> interior(s) == optimum(BayesianOptimizationTest::interior))
                .map(Setting::toString))
        .containsExactly("ssp:1/executor-combine/hash/2sh/2w");
    assertThat(optimum(BayesianOptimizationTest::interior)).isCloseTo(68.0, within(1e-9));
    assertThat(
            SPACE.candidates().stream()
                .filter(s -> corner(s) == optimum(BayesianOptimizationTest::corner))
                .map(Setting::toString))
        .containsExactly("asp/direct/range/2sh/4w");
    assertThat(optimum(BayesianOptimizationTest::corner)).isCloseTo(72.0, within(1e-9));
  }

  @Test
  void bo_findsCornerOptimumWithin12Of68EvaluationsAndBeatsRandomSearch() {
    assertBoFindsOptimum("corner", BayesianOptimizationTest::corner, 12);
  }

  @Test
  void bo_findsInteriorOptimumWithin16Of68EvaluationsAndBeatsRandomSearch() {
    assertBoFindsOptimum("interior", BayesianOptimizationTest::interior, 16);
  }
}
