package io.trimtab.tuner;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.tuner.search.LatinHypercube;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The finite set of valid {@link Setting}s the tuner may choose from for one cluster shape, and
 * their encoding as points of [0,1]^5 for a {@link GaussianProcess}. Immutable.
 *
 * <p>Candidates. A tunable knob takes every candidate value, an untuned one keeps the base
 * setting's value: staleness from the given choices; aggregation all three; shards 1..executors;
 * partitioner range and hash; workers max(1, slots/2) and slots under bsp/ssp (a barrier stage
 * needs all its tasks running at once, so never more than the task slots), plus 2·slots under asp.
 * The base setting's own values are always offered too, so the base is a candidate; a base that
 * does not fit the cluster (more shards than executors, or more workers than task slots under
 * bsp/ssp) is rejected. Combinations the {@link Setting} constructor rejects (driver-tree without
 * bsp, executor-combine with asp) are left out. Order: staleness by encoding, then aggregation,
 * shards, partitioner (range, hash) and workers, each ascending.
 *
 * <p>Encoding. One coordinate per {@link Knob} in declaration order, always all five, whatever is
 * tunable, so observations of jobs tuned over different knobs share one space: staleness bsp = 0,
 * ssp(s) = (s+1)/(s+2) (ssp:0 = 0.5, ssp:1 = 0.67, ssp:3 = 0.8, rising towards 1 as s grows), asp =
 * 1 (a fixed map rather than a rank among the choices, so the code of a bound does not depend on
 * the other choices); aggregation direct = 0, executor-combine = 0.5, driver-tree = 1; shards
 * (shards−1)/(executors−1), 0 with one executor; partitioner range = 0, hash = 1; workers
 * log2(workers)/log2(2·slots) clipped to [0,1].
 */
public final class SearchSpace {
  private final Setting base;
  private final Set<Knob> tunable;
  private final int executors;
  private final int taskSlots;
  private final List<Setting> candidates;
  private final double[][] codes;

  private SearchSpace(
      Setting base, Set<Knob> tunable, int executors, int taskSlots, List<Setting> candidates) {
    this.base = base;
    this.tunable = tunable;
    this.executors = executors;
    this.taskSlots = taskSlots;
    this.candidates = candidates;
    this.codes = candidates.stream().map(this::encode).toArray(double[][]::new);
  }

  /** The staleness choices offered by default: bsp, ssp:1, ssp:3, asp. */
  public static List<StalenessBound> defaultStaleness() {
    return List.of(
        StalenessBound.bsp(), StalenessBound.ssp(1), StalenessBound.ssp(3), StalenessBound.asp());
  }

  /** {@link #of(Setting, Set, int, int, List)} with the {@link #defaultStaleness()} choices. */
  public static SearchSpace of(Setting base, Set<Knob> tunable, int executors, int taskSlots) {
    return of(base, tunable, executors, taskSlots, defaultStaleness());
  }

  /**
   * The space around {@code base} for a cluster of {@code executors} executors with {@code
   * taskSlots} task slots in all.
   *
   * @param stalenessChoices candidate bounds when staleness is tunable (at least one)
   */
  public static SearchSpace of(
      Setting base,
      Set<Knob> tunable,
      int executors,
      int taskSlots,
      List<StalenessBound> stalenessChoices) {
    if (base == null
        || tunable == null
        || stalenessChoices == null
        || tunable.stream().anyMatch(k -> k == null)
        || stalenessChoices.stream().anyMatch(s -> s == null)) {
      throw new IllegalArgumentException(
          "A search space needs a base setting, the tunable knobs and the"
              + " staleness choices (got null)");
    }
    if (executors < 1) {
      throw new IllegalArgumentException(
          "Invalid number of executors: " + executors + " (must be >= 1)");
    }
    if (taskSlots < 1) {
      throw new IllegalArgumentException(
          "Invalid number of task slots: " + taskSlots + " (must be >= 1)");
    }
    if (tunable.contains(Knob.STALENESS) && stalenessChoices.isEmpty()) {
      throw new IllegalArgumentException("No staleness choices (expected at least one, e.g. bsp)");
    }
    if (base.shards() > executors) {
      throw new IllegalArgumentException(
          "Base setting "
              + base
              + " does not fit the cluster: "
              + base.shards()
              + " shards (expected at most "
              + executors
              + ", one per executor)");
    }
    if (base.staleness().bounded() && base.workers() > taskSlots) {
      throw new IllegalArgumentException(
          "Base setting "
              + base
              + " does not fit the cluster: "
              + base.workers()
              + " workers under "
              + base.staleness()
              + " (expected at most the "
              + taskSlots
              + " task slots: a barrier stage needs all workers running at once)");
    }
    Set<Knob> knobs = tunable.isEmpty() ? EnumSet.noneOf(Knob.class) : EnumSet.copyOf(tunable);
    TreeSet<StalenessBound> stalenesses =
        new TreeSet<>(
            Comparator.comparingDouble(SearchSpace::stalenessCode)
                .thenComparing(StalenessBound::mode)
                .thenComparingLong(StalenessBound::clocks));
    stalenesses.add(base.staleness());
    if (knobs.contains(Knob.STALENESS)) {
      stalenesses.addAll(stalenessChoices);
    }
    List<Aggregation> aggregations =
        knobs.contains(Knob.AGGREGATION)
            ? List.of(Aggregation.values())
            : List.of(base.aggregation());
    TreeSet<Integer> shards = new TreeSet<>(List.of(base.shards()));
    for (int s = 1; knobs.contains(Knob.SHARDS) && s <= executors; s++) {
      shards.add(s);
    }
    List<PartitionerKind> partitioners =
        knobs.contains(Knob.PARTITIONER)
            ? List.of(PartitionerKind.RANGE, PartitionerKind.HASH)
            : List.of(base.partitioner());
    List<Setting> all = new ArrayList<>();
    for (StalenessBound st : stalenesses) {
      TreeSet<Integer> workers = new TreeSet<>(List.of(base.workers()));
      if (knobs.contains(Knob.WORKERS)) {
        workers.addAll(List.of(Math.max(1, taskSlots / 2), taskSlots));
        if (!st.bounded()) {
          workers.add(2 * taskSlots);
        }
      }
      if (st.bounded()) {
        workers.removeIf(w -> w > taskSlots);
      }
      for (Aggregation a : aggregations) {
        for (int sh : shards) {
          for (PartitionerKind p : partitioners) {
            for (int w : workers) {
              try {
                all.add(new Setting(st, a, sh, p, w));
              } catch (IllegalArgumentException invalid) {
                // an impossible combination (e.g. driver-tree without bsp): not a candidate
              }
            }
          }
        }
      }
    }
    if (!all.contains(
        base)) { // only when the base itself is impossible, which its constructor prevents
      throw new IllegalArgumentException(
          "Base setting "
              + base
              + " is not a valid candidate for "
              + executors
              + " executors and "
              + taskSlots
              + " task slots");
    }
    return new SearchSpace(
        base, Collections.unmodifiableSet(knobs), executors, taskSlots, List.copyOf(all));
  }

  /**
   * This space without the settings of fewer than {@code minShards} shards (a model too large for
   * fewer executors' memory).
   *
   * @throws IllegalArgumentException if the base setting itself has fewer shards
   */
  public SearchSpace withMinShards(int minShards) {
    if (base.shards() < minShards) {
      throw new IllegalArgumentException(
          "Base setting "
              + base
              + " has "
              + base.shards()
              + " shards, fewer than the "
              + minShards
              + " the model needs");
    }
    return new SearchSpace(
        base,
        tunable,
        executors,
        taskSlots,
        candidates.stream().filter(c -> c.shards() >= minShards).toList());
  }

  /**
   * This space with only the candidates {@code feasible} accepts (e.g. without the driver-tree
   * settings whose dense gradient would not fit in memory).
   *
   * @param why what the rule is, for the error
   * @throws IllegalArgumentException if the base setting itself is not feasible
   */
  public SearchSpace retain(java.util.function.Predicate<Setting> feasible, String why) {
    if (!feasible.test(base)) {
      throw new IllegalArgumentException("Base setting " + base + " is not feasible: " + why);
    }
    return new SearchSpace(
        base, tunable, executors, taskSlots, candidates.stream().filter(feasible).toList());
  }

  /** The valid settings, in the deterministic order described in the class comment. */
  public List<Setting> candidates() {
    return candidates;
  }

  /** Whether {@code s} is one of the candidates. */
  public boolean contains(Setting s) {
    return candidates.contains(s);
  }

  /** The setting untuned knobs keep. */
  public Setting base() {
    return base;
  }

  /** The knobs the tuner may change. */
  public Set<Knob> tunable() {
    return tunable;
  }

  /** Length of an encoded point: one coordinate per {@link Knob}, tunable or not. */
  public int dimensions() {
    return Knob.values().length;
  }

  /** The point of [0,1]^5 for {@code s} (any setting: coordinates are clipped to [0,1]). */
  public double[] encode(Setting s) {
    if (s == null) {
      throw new IllegalArgumentException("Cannot encode a null setting");
    }
    double[] p = new double[dimensions()];
    p[Knob.STALENESS.ordinal()] = stalenessCode(s.staleness());
    p[Knob.AGGREGATION.ordinal()] =
        switch (s.aggregation()) {
          case DIRECT -> 0;
          case EXECUTOR_COMBINE -> 0.5;
          case DRIVER_TREE -> 1;
        };
    p[Knob.SHARDS.ordinal()] =
        executors == 1 ? 0 : clip((s.shards() - 1) / (double) (executors - 1));
    p[Knob.PARTITIONER.ordinal()] = s.partitioner() == PartitionerKind.RANGE ? 0 : 1;
    p[Knob.WORKERS.ordinal()] = clip(Math.log(s.workers()) / Math.log(2.0 * taskSlots));
    return p;
  }

  /**
   * The candidate closest to {@code point} in Euclidean distance over the tunable coordinates; ties
   * go to the earliest candidate.
   */
  public Setting nearest(double[] point) {
    return candidates.get(ranked(point).get(0));
  }

  /**
   * {@code min(n, candidates().size())} distinct candidates spread over the tunable knobs: a Latin
   * hypercube over the tunable coordinates, each point mapped to the nearest candidate not taken
   * yet. The same seed gives the same design.
   */
  public List<Setting> initialDesign(int n, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("Invalid initial design size: " + n + " (must be >= 1)");
    }
    int size = Math.min(n, candidates.size());
    if (tunable.isEmpty()) {
      return List.of(candidates.get(0));
    }
    Knob[] knobs = tunable.toArray(Knob[]::new);
    double[][] lhs = LatinHypercube.sample(size, knobs.length, seed);
    double[] baseCode = encode(base);
    LinkedHashSet<Setting> design = new LinkedHashSet<>();
    for (double[] u : lhs) {
      double[] point = baseCode.clone();
      for (int k = 0; k < knobs.length; k++) {
        point[knobs[k].ordinal()] = u[k];
      }
      for (int i : ranked(point)) {
        if (design.add(candidates.get(i))) {
          break;
        }
      }
    }
    return List.copyOf(design);
  }

  /** Candidate indices by distance to {@code point} over the tunable coordinates, ties by index. */
  private List<Integer> ranked(double[] point) {
    if (point == null || point.length != dimensions()) {
      throw new IllegalArgumentException(
          "Invalid point: "
              + Arrays.toString(point)
              + " (expected "
              + dimensions()
              + " coordinates, one per knob)");
    }
    if (!Arrays.stream(point).allMatch(Double::isFinite)) {
      throw new IllegalArgumentException(
          "Invalid point: " + Arrays.toString(point) + " (coordinates must be finite)");
    }
    double[] dist = new double[candidates.size()];
    for (int i = 0; i < dist.length; i++) {
      for (Knob k : tunable) {
        double d = codes[i][k.ordinal()] - point[k.ordinal()];
        dist[i] += d * d;
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < dist.length; i++) {
      order.add(i);
    }
    order.sort(Comparator.<Integer>comparingDouble(i -> dist[i]).thenComparingInt(i -> i));
    return order;
  }

  static double stalenessCode(StalenessBound s) {
    return switch (s.mode()) {
      case BSP -> 0;
      case SSP -> (s.clocks() + 1.0) / (s.clocks() + 2.0);
      case ASP -> 1;
    };
  }

  private static double clip(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
