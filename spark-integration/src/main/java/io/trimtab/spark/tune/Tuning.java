package io.trimtab.spark.tune;

import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.TrimtabConf;
import io.trimtab.spark.objective.Objective;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Knob;
import io.trimtab.tuner.SearchSpace;
import io.trimtab.tuner.Setting;
import io.trimtab.tuner.TunerConfig;
import io.trimtab.tuner.progress.Target;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns configuration into a {@link TuningSession}. */
public final class Tuning {
  private static final Logger LOG = LoggerFactory.getLogger(Tuning.class);
  private static final AtomicInteger JOBS = new AtomicInteger();

  private Tuning() {}

  /**
   * The knobs named by {@code spec}: {@code auto}/{@code all}, {@code off}/{@code none}, or a comma
   * list of knob names.
   *
   * @throws IllegalArgumentException naming the unknown knob and the valid ones
   */
  public static Set<Knob> knobs(String spec) {
    if (spec == null) {
      throw new IllegalArgumentException(
          "Invalid tuning: null (expected auto, off or a comma list of knobs)");
    }
    String s = spec.trim().toLowerCase(Locale.ROOT);
    if (s.equals("auto") || s.equals("all") || s.equals("on")) {
      return EnumSet.allOf(Knob.class);
    }
    if (s.equals("off") || s.equals("none") || s.isEmpty()) {
      return EnumSet.noneOf(Knob.class);
    }
    Set<Knob> out = EnumSet.noneOf(Knob.class);
    for (String k : s.split(",")) {
      out.add(Knob.parse(k.trim()));
    }
    return out;
  }

  /**
   * Starts {@link TunerWarmUp} when the fit will be tuned ({@code spec}, else the session's
   * setting, names a knob): called as a fit starts, it runs while the data are cut, before the
   * tuner's first decision.
   */
  public static void warmUp(ParameterServer ps, TrimtabConf conf, String spec, Setting initial) {
    Set<Knob> knobs = knobs(spec != null ? spec : conf.tuning());
    if (knobs.isEmpty()) {
      return;
    }
    try {
      TunerWarmUp.start(
          TunerConfig.defaults(Target.convergence(conf.convergence(), 10)).withKnobs(knobs),
          SearchSpace.of(
              initial, knobs, ps.numShards(), ps.taskSlots(), SearchSpace.defaultStaleness()),
          initial,
          10);
    } catch (RuntimeException e) {
      // a warm-up only saves time: the fit's own tuner meets and reports whatever stopped it
      LOG.debug("No tuner warm-up: {}", e.toString());
    }
  }

  /**
   * Whether driver-tree aggregation is worth a trial for a model of {@code modelKeys} keys whose
   * clocks push {@code clockKeys} keys (all workers together; NaN if unknown: then it is). It sums
   * every key's gradient each clock and broadcasts the whole model (MLlib's treeAggregate), where
   * direct aggregation moves the keys the clock touches: with a model more than {@value
   * #DRIVER_TREE_RATIO} times those keys it moves more data each clock and cannot be faster. It was
   * the slowest setting of every recorded grid (click, spam, Fashion), and one epoch of its trial
   * took 1 s of a 1.7 s cold spam job (benchmarks/run-tuner spam).
   */
  static boolean driverTreeCanPay(long modelKeys, double clockKeys) {
    return !(modelKeys > DRIVER_TREE_RATIO * clockKeys);
  }

  /** Model keys over keys a clock pushes beyond which driver-tree is not tried. */
  static final double DRIVER_TREE_RATIO = 4;

  /**
   * A tuning session for one fit, or null when tuning is off (no knob to tune).
   *
   * @param minShards the fewest shards whose share of the model fits in an executor
   * @param fits the settings whose aggregation fits in memory (the tuner tries no other)
   * @param clockKeys keys a clock's pushes carry, all workers together (NaN if unknown)
   */
  public static TuningSession start(
      SparkSession spark,
      ParameterServer ps,
      TrimtabConf conf,
      String spec,
      double target,
      Setting initial,
      Objective objective,
      long dim,
      long rows,
      int batches,
      long seed,
      int epochs,
      int minShards,
      java.util.function.Predicate<Setting> fits,
      double clockKeys) {
    Set<Knob> knobs = knobs(spec != null ? spec : conf.tuning());
    if (knobs.isEmpty()) {
      return null;
    }
    Target t =
        Double.isFinite(target)
            ? Target.loss(target)
            : Target.convergence(conf.convergence(), batches);
    TunerConfig config =
        TunerConfig.defaults(t)
            .withKnobs(knobs)
            .withTrialWindow(conf.trialEpochs(), 5)
            .withTrials(Math.min(4, conf.maxTrials()), conf.maxTrials())
            .withGuard(conf.guard())
            .withDrift(conf.drift(), 2)
            .withSeed(seed)
            .withMaxEpochs(epochs);
    SearchSpace space =
        SearchSpace.of(
                initial, knobs, ps.numShards(), ps.taskSlots(), SearchSpace.defaultStaleness())
            .withMinShards(minShards)
            .retain(fits, "its aggregation does not fit in memory")
            .retain(
                s ->
                    s.aggregation() != Aggregation.DRIVER_TREE
                        || initial.aggregation() == Aggregation.DRIVER_TREE
                        || driverTreeCanPay(objective.dimension(dim), clockKeys),
                "driver-tree moves the whole model every clock");
    String job =
        objective.name()
            + "-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
            + "-"
            + JOBS.incrementAndGet();
    Path dir = conf.tunerDir().resolve(spark.sparkContext().applicationId()).resolve(job);
    Path historyDir = conf.tunerHistory();
    TuningHistory history = historyDir == null ? null : new TuningHistory(historyDir);
    String key =
        TuningHistory.key(objective.name(), dim, rows, ps.numShards(), ps.taskSlots(), batches);
    return new TuningSession(
        config,
        space,
        initial,
        dir,
        history,
        key,
        String.format(
            Locale.ROOT,
            "%s, %d rows, %d clocks per epoch, %d executors with %d task slots, target %s",
            objective.describe(dim),
            rows,
            batches,
            ps.numShards(),
            ps.taskSlots(),
            t.hasLoss()
                ? "loss " + t.loss()
                : "convergence (relative improvement < " + t.threshold() + " over an epoch)"));
  }
}
