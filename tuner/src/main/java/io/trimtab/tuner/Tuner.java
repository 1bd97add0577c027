package io.trimtab.tuner;

import io.trimtab.tuner.progress.Estimate;
import io.trimtab.tuner.progress.ProgressEstimator;
import io.trimtab.tuner.progress.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The self-tuning policy of Liu et al., "Towards Self-Tuning Parameter Servers" (2018/2020), made
 * cost-aware, drift-aware and safe.
 *
 * <p><b>Score.</b> A setting is scored by its predicted time from the current loss to the target:
 * the iterations it needs between the two losses times its measured (median) seconds per iteration.
 * The iterations come from the whole job's curve fitted with one progress rate per setting ({@link
 * JobCurve}; the paper's model k(l) = (h/l) ln(d/l) + j0 or Optimus' 1/(b0 k + b1) + b2, chosen per
 * job by held-out error), so settings measured at different phases of training are compared on one
 * curve. Speed and statistical efficiency both enter: a fast but stale setting that needs more
 * iterations is not preferred for its speed alone. Per-segment fits (the paper's segment model)
 * smooth the current loss and decide when a trial has seen enough.
 *
 * <p><b>Search.</b> The first setting (the default, or the best of a similar finished job) is
 * measured for a trial window; then a Latin-hypercube design, then expected improvement of a
 * Gaussian process over (setting encoding, loss level) fitted to the log scores relative to the
 * first setting, with priors from finished jobs. Every trial window trains the model: no work is
 * thrown away.
 *
 * <p><b>Safety.</b> A trial or a switch happens only if its predicted gain exceeds the measured
 * cost of the switch plus the measurement noise. Exploration stops when the trial budget is used,
 * when no untried setting promises more than the noise, near the target or the epoch budget, or
 * when the job has fallen {@code guard} of the first setting's predicted total time (at least one
 * epoch) behind what the first setting would have done (the lag is tracked for the whole job and
 * reported; worst case: the guard plus one trial window of the slowest setting tried). Once
 * exploiting, the tuner keeps its setting until iteration time or progress per iteration drifts for
 * {@code driftEpochs} epochs; then it re-measures (never flaps between settings on noise).
 *
 * <p><b>Shape.</b> This class validates observations and measures; {@link PhaseMachine} decides,
 * through the {@link Scoreboard} (predicted times), {@link TrialPlans}, {@link TrialWindow}, {@link
 * ControlWindow} and {@link DriftCheck}; the job's {@link JobPosition}, {@link LossScale} and
 * {@link LagGuard} pass between them as immutable values.
 *
 * <p>Pure policy: no threads, no I/O; deterministic for a seed except the reported own cost. Not
 * thread-safe: the driver calls it between epochs.
 */
public final class Tuner implements TuningPolicy {
  /** Points of a segment a fit uses at most (the most recent ones): bounds the tuner's own cost. */
  private static final int MAX_FIT_POINTS = 60;

  private final TunerConfig config;
  private final Setting initial;
  private final String startReason;
  private final ProgressEstimator estimator = ProgressEstimator.standard();
  private final SwitchCosts costs = new SwitchCosts();
  private final JobCurve curve;
  private final Scoreboard board;
  private final PhaseMachine phases;
  private Setting current;
  private Setting previous;
  private int nextEpoch = 1;
  private long iteration;
  private double firstLoss = Double.NaN;
  private double lastLoss = Double.NaN;
  private LossScale lossScale = LossScale.NONE;
  private double tunerSeconds;

  /**
   * @param config search and switch parameters
   * @param space the settings the tuner may choose from ({@code defaults} must be one of them)
   * @param defaults the setting a job runs with untuned
   * @param history observations of finished similar jobs (empty for a cold start)
   * @throws IllegalArgumentException if {@code defaults} is not in {@code space}
   */
  public Tuner(
      TunerConfig config, SearchSpace space, Setting defaults, List<PriorObservation> history) {
    this.config = config;
    this.curve = new JobCurve(config.target());
    if (!space.candidates().contains(defaults)) {
      throw new IllegalArgumentException(
          "The default setting " + defaults + " is not in the search space");
    }
    List<PriorObservation> usable =
        history.stream().filter(p -> space.candidates().contains(p.setting())).toList();
    Optional<PriorObservation> best =
        usable.stream().min(Comparator.comparingDouble(PriorObservation::relativeScore));
    this.initial = best.map(PriorObservation::setting).orElse(defaults);
    this.startReason =
        best.isPresent()
            ? String.format(
                Locale.ROOT,
                "warm start: best of %d observations of similar finished jobs",
                usable.size())
            : "cold start: the default setting";
    CandidateSearch search = new CandidateSearch(space, usable, initial, config.seed());
    this.board = new Scoreboard(curve, costs, search, config.maxEpochs());
    this.phases =
        new PhaseMachine(config, space, initial, startReason, usable, board, costs, curve);
    this.current = initial;
  }

  @Override
  public Decision first() {
    boolean fixed = phases.phase() == PhaseMachine.Phase.FIXED;
    return new Decision(
        1,
        initial,
        fixed ? Decision.Action.FIXED : Decision.Action.BASELINE,
        fixed ? "tuning is off" : startReason,
        Double.NaN,
        Double.NaN,
        List.of(),
        0);
  }

  @Override
  public Decision observe(EpochObservation o) {
    long start = System.nanoTime();
    if (o.epoch() != nextEpoch || !o.setting().equals(current)) {
      throw new IllegalArgumentException(
          "Observation of epoch "
              + o.epoch()
              + " under "
              + o.setting()
              + " does not match the decision (epoch "
              + nextEpoch
              + " under "
              + current
              + ")");
    }
    double before = lastLoss;
    record(o);
    Decision d =
        phases.decide(
            o, before, new JobPosition(o.epoch(), current, firstLoss, lastLoss, o.seconds()));
    nextEpoch = d.epoch();
    previous = current;
    current = d.setting();
    double spent = (System.nanoTime() - start) / 1e9;
    tunerSeconds += spent;
    return new Decision(
        d.epoch(),
        d.setting(),
        d.action(),
        d.reason(),
        d.etaSeconds(),
        d.currentLoss(),
        d.candidates(),
        spent);
  }

  /**
   * Tells the tuner how long the job's first data cut (partitioning the data into mini-batches for
   * the first worker count) took: its prior for the cost of a new worker count.
   *
   * @throws IllegalArgumentException if {@code seconds} is negative or not finite
   */
  public void dataCutSeconds(double seconds) {
    if (!(seconds >= 0) || !Double.isFinite(seconds)) {
      throw new IllegalArgumentException(
          "Invalid data cut time: " + seconds + " s (must be finite and >= 0)");
    }
    costs.dataCut(seconds);
  }

  /** Seconds this tuner spent deciding so far. */
  public double tunerSeconds() {
    return tunerSeconds;
  }

  /** How far (seconds) the job has been behind the first setting at worst; the guard bounds it. */
  public double worstLagSeconds() {
    return phases.lag().worst();
  }

  /**
   * The lag budget after which exploration stops (infinite until the first setting is measured).
   */
  public double guardBudgetSeconds() {
    return phases.lag().budget();
  }

  /** Distinct settings measured so far (each had a trial window or ran as the first setting). */
  public int settingsTried() {
    return board.size();
  }

  /** Times the tuner re-tuned after a drift. */
  public int retunes() {
    return phases.retunes();
  }

  /** What this job learned, for the history store: one observation per measured setting. */
  public List<PriorObservation> learned() {
    // the comparison of the last exploit decision: at the end of a job every time left is 0
    Map<Setting, Double> scores =
        phases.lastComparison().isEmpty() ? board.scores(lastLoss) : phases.lastComparison();
    double best =
        scores.values().stream()
            .mapToDouble(Double::doubleValue)
            .filter(x -> x > 0)
            .min()
            .orElse(Double.NaN);
    List<PriorObservation> out = new ArrayList<>();
    scores.forEach(
        (s, r) -> {
          Measured m = board.get(s);
          if (Double.isFinite(r) && r > 0 && Double.isFinite(best) && best > 0 && m.level() > 0) {
            out.add(
                new PriorObservation(
                    s, m.level(), Math.log(r) - Math.log(best), m.secondsPerIteration()));
          }
        });
    return out;
  }

  /** How much higher the epochs' mean loss runs than the fitted trend (1 before it is measured). */
  double lossScale() {
    return lossScale.value();
  }

  /**
   * Adds the epoch to the measurements of its setting, the switch costs and the whole-job curve,
   * and updates the smoothed loss and the loss scale.
   */
  private void record(EpochObservation o) {
    double before = lastLoss;
    Measured m = board.enter(current);
    if (!m.open()) {
      m.startSegment();
    }
    if (previous != null) {
      costs.record(previous, current, o.switchSeconds());
    }
    // the job's first epoch warms up JVMs and caches: its time says little about the setting
    boolean timed = o.epoch() > 1;
    m.add(o, iteration, timed);
    iteration += o.iterations();
    if (Double.isNaN(firstLoss)) {
      firstLoss = Math.max(o.clockLosses()[0], 1e-12);
    }
    refit(m);
    lastLoss = m.fit() != null ? m.fit().lossAt(m.lastIteration()) : m.recentLoss(3);
    if (!(lastLoss > 0) || !Double.isFinite(lastLoss)) {
      lastLoss = m.recentLoss(3);
    }
    m.level(lastLoss / firstLoss);
    LossScale scale = lossScale.observe(o, m.fit(), iteration);
    if (scale != lossScale) {
      lossScale = scale;
      curve.retarget(lossScale.scaled(config.target()));
    }
    // once the target is reached nothing is left to decide; while exploiting, a periodic refit
    // keeps the drift check and the ETA current, with the curve family chosen while exploring
    boolean exploiting = phases.phase() == PhaseMachine.Phase.EXPLOIT;
    boolean refitCurve = !config.reached(o) && curve.refitDue(exploiting);
    curve.add(
        current,
        o.clockLosses(),
        !exploiting && refitCurve && m.segmentEpochs() >= config.trialEpochs(),
        before,
        lastLoss,
        refitCurve);
    for (Measured other : board.all()) {
      if (other != m) {
        other.close();
      }
    }
  }

  /**
   * Refits the segment of {@code m}: on its last {@value #MAX_FIT_POINTS} points (the fit describes
   * the current phase of training, since a long segment's early part, fitted with one curve, biases
   * its end, and its cost stays bounded), with the job's curve family, else any family.
   */
  private void refit(Measured m) {
    double[] it = recent(m.iterations());
    double[] loss = recent(m.losses());
    Target target = lossScale.scaled(config.target());
    Optional<Estimate> e =
        it.length < 3 ? Optional.empty() : estimator.estimate(it, loss, target, curve.model());
    if (e.isEmpty() && it.length >= 3) {
      e = estimator.estimate(it, loss, target);
    }
    m.fitted(
        e.map(Estimate::fit).orElse(null),
        e.map(x -> m.lastIteration() + x.remainingIterations()).orElse(Double.POSITIVE_INFINITY));
  }

  private static double[] recent(double[] v) {
    return v.length <= MAX_FIT_POINTS
        ? v
        : Arrays.copyOfRange(v, v.length - MAX_FIT_POINTS, v.length);
  }
}
