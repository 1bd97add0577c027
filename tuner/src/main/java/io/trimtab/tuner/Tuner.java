package io.trimtab.tuner;

import io.trimtab.tuner.progress.Estimate;
import io.trimtab.tuner.progress.ProgressEstimator;
import io.trimtab.tuner.progress.ProgressFit;
import io.trimtab.tuner.progress.Target;
import io.trimtab.tuner.search.LatinHypercube;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.regression.SimpleRegression;

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
 * <p>Pure policy: no threads, no I/O; deterministic for a seed except the reported own cost.
 */
public final class Tuner implements TuningPolicy {
  private static final int RETUNE_TRIALS = 3;
  private static final int REPORTED_MODEL_CANDIDATES = 5;

  /** Points of a segment a fit uses at most (the most recent ones): bounds the tuner's own cost. */
  private static final int MAX_FIT_POINTS = 60;

  private static final double SLOPE_PRECISION = 0.15;
  private static final int MAX_TRIAL_STRETCH = 3;
  private static final double UNPROMISING = 1.5;
  private static final int MIN_CALIBRATIONS = 2;

  /** Epochs checked against the curve before a slowed convergence counts as drift. */
  private static final int DRIFT_CALIBRATIONS = 5;

  /**
   * While exploiting, the whole-job curve is refitted every this many epochs (its fit is most of
   * the tuner's cost).
   */
  private static final int EXPLOIT_REFIT_EPOCHS = 5;

  /**
   * Epochs of the control window after a trial. The whole-job curve compares settings measured at
   * different phases of training through its fitted shape, and a shape fitted on a few epochs is
   * too flat: the setting measured first looks better than a later one of equal efficiency. On the
   * recorded click grid (pairs of the default with six other settings, both orders, two epochs
   * each) the later setting was predicted 1.7x slower relative to the earlier one than it truly was
   * (mean ln ratio 0.53) and the faster one ranked first in 6 of 12 pairs, no better than the order
   * they ran in; with the first setting run again for two epochs after the trial, the bias fell to
   * ln 0.04 and the faster one ranked first in 10 of 12 pairs (after a one-epoch trial: ln -0.22, 7
   * of 12; one control epoch after a two-epoch trial: ln 0.65, no better than none).
   */
  private static final int CONTROL_EPOCHS = 2;

  /**
   * Epochs whose ratio of mean loss to fitted trend set the loss scale (the median of the latest).
   */
  private static final int SCALE_EPOCHS = 5;

  private static final double SCALE_MIN = 0.5;
  private static final double SCALE_MAX = 3;

  private enum Phase {
    BASELINE,
    EXPLORE,
    EXPLOIT,
    FIXED
  }

  private final TunerConfig config;
  private final SearchSpace space;
  private final Setting initial;
  private final String startReason;
  private final List<PriorObservation> priors;
  private final ProgressEstimator estimator = ProgressEstimator.standard();
  private final Map<Setting, Measured> measured = new LinkedHashMap<>();
  private final SwitchCosts costs = new SwitchCosts();
  private final JobCurve curve;
  private final DriftCheck driftCheck;
  private final CandidateSearch search;
  private final Deque<Setting> planned = new ArrayDeque<>();
  private Phase phase;
  private Setting current;
  private Setting previous;
  private int nextEpoch = 1;
  private long iteration;
  private double firstLoss = Double.NaN;
  private double lastLoss = Double.NaN;
  private double lastEpochSeconds = Double.NaN;
  private int trials;
  private int trialBudget;
  private double lagSeconds;

  /**
   * The setting the lag is measured against: the first one, or the one re-measured after a drift.
   */
  private Setting lagAnchor;

  /**
   * Whether the guard budget is re-derived once the current setting is re-measured (after a drift).
   */
  private boolean rebaseline;

  private double worstLag;
  private double guardBudget = Double.POSITIVE_INFINITY;
  private Map<Setting, Double> lastComparison = Map.of();
  private double tunerSeconds;
  private int retunes;
  private int epochsSinceCurveFit;

  /** The trial a control window is bracketing, or null outside a control window. */
  private Setting bracketed;

  private final java.util.Set<Setting> controlled = new java.util.HashSet<>();

  /**
   * Epochs run under settings other than the lag anchor since it was set: the lag is re-derived
   * from them.
   */
  private final List<EpochObservation> offAnchor = new ArrayList<>();

  /** The latest ratios of an epoch's mean loss to the mean of the fitted trend over its clocks. */
  private final Deque<Double> scaleRatios = new ArrayDeque<>();

  /**
   * The job's loss over the tuner's: how much higher an epoch's mean loss (what the job stops on)
   * is than the fitted trend of its clock losses. Fits drop outlying clocks by median absolute
   * deviation, and mini-batch losses are skewed (a few hard batches), so the trend runs below the
   * mean: by 20-45% late in training on SpamAssassin and Fashion-MNIST, 1-2% on synthetic clicks.
   * Unscaled, the tuner took Fashion-MNIST's target as reached 36 epochs before the job did, and
   * every remaining time it predicted near the target was too short.
   */
  private double lossScale = 1;

  /**
   * @param config search and switch parameters
   * @param space the settings the tuner may choose from ({@code defaults} must be one of them)
   * @param defaults the setting a job runs with untuned
   * @param history observations of finished similar jobs (empty for a cold start)
   */
  public Tuner(
      TunerConfig config, SearchSpace space, Setting defaults, List<PriorObservation> history) {
    this.config = config;
    this.space = space;
    this.curve = new JobCurve(config.target());
    this.driftCheck = new DriftCheck(config.drift(), config.driftEpochs());
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
    this.priors = usable;
    this.search = new CandidateSearch(space, usable, initial, config.seed());
    this.current = initial;
    this.lagAnchor = initial;
    this.phase =
        config.knobs().isEmpty() || space.candidates().size() < 2 ? Phase.FIXED : Phase.BASELINE;
  }

  @Override
  public Decision first() {
    return new Decision(
        1,
        initial,
        phase == Phase.FIXED ? Decision.Action.FIXED : Decision.Action.BASELINE,
        phase == Phase.FIXED ? "tuning is off" : startReason,
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
    if (!current.equals(lagAnchor) && !Double.isNaN(before)) {
      offAnchor.add(o);
    }
    updateLag();
    Decision d = decide(o, before);
    nextEpoch = d.epoch();
    if (!d.setting().equals(current)) {
      previous = current;
      current = d.setting();
    } else {
      previous = current;
    }
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
   * The lag behind the anchor setting, re-derived every epoch with the latest fit: each epoch under
   * another setting made progress worth, in seconds of the anchor setting, its time times the ratio
   * of the two settings' speeds (fitted rate per second; a ratio the curve's shape biases far less
   * than the predicted times themselves, and one that a control window corrects).
   */
  private void updateLag() {
    Measured base = measured.get(lagAnchor);
    if (base == null || base.stale || offAnchor.isEmpty()) {
      return;
    }
    double anchorSpeed = curve.rate(lagAnchor) / base.secondsPerIteration();
    double lag = 0;
    boolean any = false;
    for (EpochObservation e : offAnchor) {
      Measured m = measured.get(e.setting());
      double ratio =
          m == null ? Double.NaN : curve.rate(e.setting()) / m.secondsPerIteration() / anchorSpeed;
      if (Double.isFinite(ratio)) {
        lag += e.switchSeconds() + e.seconds() * (1 - Math.max(0, ratio));
        any = true;
      }
    }
    if (any) {
      lagSeconds = lag;
      worstLag = Math.max(worstLag, lagSeconds);
    }
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
    return worstLag;
  }

  /**
   * The lag budget after which exploration stops (infinite until the first setting is measured).
   */
  public double guardBudgetSeconds() {
    return guardBudget;
  }

  /** Distinct settings measured so far (each had a trial window or ran as the first setting). */
  public int settingsTried() {
    return measured.size();
  }

  /** Times the tuner re-tuned after a drift. */
  public int retunes() {
    return retunes;
  }

  /** What this job learned, for the history store: one observation per measured setting. */
  public List<PriorObservation> learned() {
    // the comparison of the last exploit decision: at the end of a job every time left is 0
    Map<Setting, Double> scores = lastComparison.isEmpty() ? scores(lastLoss) : lastComparison;
    double best =
        scores.values().stream()
            .mapToDouble(Double::doubleValue)
            .filter(x -> x > 0)
            .min()
            .orElse(Double.NaN);
    List<PriorObservation> out = new ArrayList<>();
    scores.forEach(
        (s, r) -> {
          Measured m = measured.get(s);
          if (Double.isFinite(r) && r > 0 && Double.isFinite(best) && best > 0 && m.level > 0) {
            out.add(
                new PriorObservation(
                    s, m.level, Math.log(r) - Math.log(best), m.secondsPerIteration()));
          }
        });
    return out;
  }

  private void record(EpochObservation o) {
    double before = lastLoss;
    Measured m = measured.computeIfAbsent(current, Measured::new);
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
    lastEpochSeconds = o.seconds();
    refit(m);
    lastLoss = m.fit != null ? m.fit.lossAt(m.lastIteration()) : m.recentLoss(3);
    if (!(lastLoss > 0) || !Double.isFinite(lastLoss)) {
      lastLoss = m.recentLoss(3);
    }
    m.level = lastLoss / firstLoss;
    updateLossScale(o, m);
    // once the target is reached nothing is left to decide; while exploiting, a periodic refit
    // keeps
    // the drift check and the ETA current, with the curve family chosen while exploring
    boolean reached = reached(o);
    boolean refitCurve =
        !reached && (phase != Phase.EXPLOIT || ++epochsSinceCurveFit >= EXPLOIT_REFIT_EPOCHS);
    if (refitCurve) {
      epochsSinceCurveFit = 0;
    }
    curve.add(
        current,
        o.clockLosses(),
        phase != Phase.EXPLOIT && refitCurve && m.segmentEpochs() >= config.trialEpochs(),
        before,
        lastLoss,
        refitCurve);
    for (Measured other : measured.values()) {
      if (other != m) {
        other.close();
      }
    }
  }

  private void refit(Measured m) {
    double[] it = recent(m.iterations());
    double[] loss = recent(m.losses());
    Optional<Estimate> e =
        it.length < 3
            ? Optional.empty()
            : estimator.estimate(it, loss, scaledTarget(), curve.model());
    if (e.isEmpty() && it.length >= 3) {
      e = estimator.estimate(it, loss, scaledTarget());
    }
    m.fit = e.map(Estimate::fit).orElse(null);
    m.doneIteration =
        e.map(x -> m.lastIteration() + x.remainingIterations()).orElse(Double.POSITIVE_INFINITY);
  }

  /**
   * Whether the job is done: the epoch's mean loss, what the job stops on, is at or below the
   * target loss.
   */
  private boolean reached(EpochObservation o) {
    return config.target().hasLoss() && o.meanLoss() <= config.target().loss();
  }

  /**
   * The target in the units of the fitted trends: the target loss over the {@link #lossScale} (a
   * convergence target is relative and needs no scaling).
   */
  private Target scaledTarget() {
    Target t = config.target();
    return t.hasLoss() && lossScale != 1
        ? new Target(t.loss() / lossScale, t.threshold(), t.window())
        : t;
  }

  /**
   * Updates {@link #lossScale} with this epoch's ratio of mean loss to fitted trend (not the job's
   * first epoch, whose steep start no segment fit follows), and re-targets the whole-job curve.
   */
  private void updateLossScale(EpochObservation o, Measured m) {
    if (m.fit == null || o.epoch() == 1) {
      return;
    }
    double trend = 0;
    int n = o.iterations();
    for (int i = 0; i < n; i++) {
      trend += m.fit.lossAt(iteration - n + i);
    }
    double ratio = o.meanLoss() / (trend / n);
    if (!(ratio > 0) || !Double.isFinite(ratio)) {
      return;
    }
    scaleRatios.addLast(ratio);
    if (scaleRatios.size() > SCALE_EPOCHS) {
      scaleRatios.removeFirst();
    }
    double median =
        StatUtils.percentile(scaleRatios.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    lossScale = Math.max(SCALE_MIN, Math.min(SCALE_MAX, median));
    curve.retarget(scaledTarget());
  }

  /** How much higher the epochs' mean loss runs than the fitted trend (1 before it is measured). */
  double lossScale() {
    return lossScale;
  }

  /**
   * The last {@value #MAX_FIT_POINTS} points of a segment: the fit describes the current phase of
   * training (a long segment's early part, fitted with one curve, biases its end) and its cost
   * stays bounded.
   */
  private static double[] recent(double[] v) {
    return v.length <= MAX_FIT_POINTS
        ? v
        : java.util.Arrays.copyOfRange(v, v.length - MAX_FIT_POINTS, v.length);
  }

  private Decision decide(EpochObservation o, double before) {
    int next = o.epoch() + 1;
    Measured m = measured.get(current);
    if (reached(o)) {
      return keep(next, Decision.Action.KEEP, "target loss reached", m);
    }
    switch (phase) {
      case FIXED:
        return keep(next, Decision.Action.FIXED, "tuning is off", m);
      case BASELINE:
        if (!trialDone(m)) {
          return keep(
              next, Decision.Action.BASELINE, progressText("measuring " + startReason, m), m);
        }
        // at least one epoch: predicted totals from a few epochs are often optimistic (a curve
        // fitted
        // early underestimates how much training slows), and a guard below one epoch stops every
        // trial
        guardBudget =
            Math.max(
                config.guard()
                    * Math.min(
                        remainingSeconds(m, firstLoss),
                        config.maxEpochs() > 0
                            ? config.maxEpochs() * m.secondsPerIteration() * o.iterations()
                            : Double.POSITIVE_INFINITY),
                o.seconds() * config.trialEpochs());
        phase = Phase.EXPLORE;
        trials = 1;
        // a warm start has spent part of the job family's exploration already
        trialBudget =
            priors.isEmpty()
                ? config.maxTrials()
                : Math.max(
                    2,
                    config.maxTrials()
                        - (int) priors.stream().map(PriorObservation::setting).distinct().count());
        if (priors.isEmpty()) {
          planned.addAll(initialDesign(o.seconds()));
        }
        return nextTrial(next);
      case EXPLORE:
        if (bracketed != null) {
          if (m.segmentEpochs() < controlEpochs()) {
            return keep(
                next,
                Decision.Action.CONTROL,
                "control window after the trial of "
                    + bracketed
                    + " continues ("
                    + m.segmentEpochs()
                    + "/"
                    + controlEpochs()
                    + " epochs)",
                m);
          }
          bracketed = null;
          return nextTrial(next);
        }
        if (!trialDone(m)) {
          return keep(
              next,
              Decision.Action.TRIAL,
              progressText("trial of " + current + " continues", m),
              m);
        }
        if (rebaseline && current.equals(lagAnchor)) {
          guardBudget = config.guard() * Math.min(remainingSeconds(m, lastLoss), horizon());
          rebaseline = false;
        }
        Decision control = control(next, m);
        return control != null ? control : nextTrial(next);
      case EXPLOIT:
      default:
        String drift = drift(o, m, before);
        if (drift != null) {
          return retune(next, drift, m);
        }
        if (driftCheck.suspects()) {
          // the next epoch confirms or clears the suspicion against a fit that includes this one:
          // the
          // periodic fit, up to a few epochs old, extrapolates too far and reads as a slowdown (2
          // of
          // 6 tuned jobs re-tuned for nothing on the long click benchmark before this refit)
          curve.refit(lastLoss);
          epochsSinceCurveFit = 0;
        }
        return keep(next, Decision.Action.KEEP, "exploiting the best setting found", m);
    }
  }

  private int controlEpochs() {
    return Math.max(CONTROL_EPOCHS, config.trialEpochs());
  }

  /**
   * A control window after the trial just done, or null: when the trial ran faster per iteration
   * than the best measured setting but is predicted slower, its (fitted) statistical efficiency
   * decides, and that estimate is biased towards the setting measured earlier; running the best
   * setting again puts the trial between two of its windows. Once per setting, and not when the end
   * is near; also after the last trial or the guard, since it runs what exploiting would.
   */
  private Decision control(int next, Measured m) {
    if (controlled.contains(current)) {
      return null;
    }
    Measured best =
        measured.values().stream()
            .filter(x -> x != m && !x.stale && x.fit != null && x.timedEpochs() > 0)
            .min(Comparator.comparingDouble(x -> remainingSeconds(x, lastLoss)))
            .orElse(null);
    if (best == null) {
      return null;
    }
    double own = remainingSeconds(m, lastLoss);
    double other = remainingSeconds(best, lastLoss);
    if (!(m.secondsPerIteration() < best.secondsPerIteration())
        || !(own > other)
        || !Double.isFinite(other)
        || curve.calibrations() >= MIN_CALIBRATIONS
            && other < (controlEpochs() + 2) * lastEpochSeconds) {
      return null;
    }
    controlled.add(current);
    bracketed = current;
    return new Decision(
        next,
        best.setting,
        Decision.Action.CONTROL,
        String.format(
            Locale.ROOT,
            "control: %s again for %d epochs after the trial of %s (faster per iteration, %.4f vs %.4f s, but predicted "
                + "slower, %.2f s vs %.2f s: settings measured at different phases compare fairly once one brackets the other)",
            best.setting,
            controlEpochs(),
            current,
            m.secondsPerIteration(),
            best.secondsPerIteration(),
            own,
            other),
        eta(best),
        lastLoss,
        reported(candidates()),
        0);
  }

  /**
   * The Latin-hypercube design after the first setting, cheapest switch first, after two screening
   * trials that only relax the staleness bound: by one step, then all the way (the two ends of the
   * knob with the largest effect; on the recorded grids the screening by one step alone left ASP,
   * the fastest static setting of all three workloads, untried in most replays: tuned/best static
   * 1.60 on click and 1.59 on spam, against 1.37 and 1.45 with both steps). Its first point keeps
   * the first setting's layout and workers (a change of staleness or aggregation moves no data,
   * while a new layout moves the model and a new worker count re-cuts the data: measured 0.2-2.3 s
   * on local-cluster, up to 4 epochs of a short job), so the first switch whose cost is measured is
   * a cheap one; the rest spans every tunable knob (keeping half the design on the first layout
   * found the best setting less often on scripted streams: 3 of 10 seeds within 20% of the best,
   * against 8 of 10).
   */
  private List<Setting> initialDesign(double epochSeconds) {
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

  private static double distance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return sum;
  }

  /**
   * A trial window is done after its epochs and points, once its loss slope is known to within
   * {@value #SLOPE_PRECISION} (relative standard error of the slope of log-loss against iteration;
   * late in training an epoch moves the loss little against the mini-batch noise) or after {@value
   * #MAX_TRIAL_STRETCH} times its epochs.
   */
  private boolean trialDone(Measured m) {
    if (m.segmentEpochs() < config.trialEpochs()
        || m.points() < config.minTrialPoints()
        || m.timedEpochs() == 0) {
      return false;
    }
    if (m.segmentEpochs() >= MAX_TRIAL_STRETCH * config.trialEpochs()) {
      return true;
    }
    // stretch only a promising trial: one already predicted far slower than the best gains nothing
    double own = remainingSeconds(m, lastLoss);
    double best =
        measured.values().stream()
            .filter(x -> x != m && !x.stale)
            .mapToDouble(x -> remainingSeconds(x, lastLoss))
            .min()
            .orElse(Double.POSITIVE_INFINITY);
    if (own > UNPROMISING * best) {
      return true;
    }
    SimpleRegression r = new SimpleRegression();
    double[] it = m.iterations();
    double[] loss = m.losses();
    for (int i = 0; i < it.length; i++) {
      r.addData(it[i], Math.log(loss[i]));
    }
    return r.getSlope() < 0 && r.getSlopeStdErr() < SLOPE_PRECISION * -r.getSlope();
  }

  private Decision nextTrial(int next) {
    List<Candidate> cands = candidates();
    // no gain counts beyond the job's epoch budget
    double bestR =
        Math.min(
            horizon(),
            cands.stream()
                .filter(c -> c.measured())
                .mapToDouble(Candidate::predictedSeconds)
                .min()
                .orElse(Double.POSITIVE_INFINITY));
    if (trials >= trialBudget) {
      return exploit(next, "trial budget of " + trialBudget + " settings used", cands);
    }
    if (lagSeconds > guardBudget) {
      return exploit(
          next,
          String.format(
              Locale.ROOT,
              "guard: %.2f s behind the first setting (budget %.2f s)",
              lagSeconds,
              guardBudget),
          cands);
    }
    // only once predictions have been checked against what happened: a curve fitted on the first
    // epochs is optimistic (measured on synthetic clicks: 1.3 s predicted after 2 epochs, 5.5 s
    // taken)
    if (bestR < 3 * lastEpochSeconds && curve.calibrations() >= MIN_CALIBRATIONS) {
      return exploit(
          next,
          "less than 3 epochs left (to the target or the epoch budget): no time to explore",
          cands);
    }
    Setting pick = null;
    String why = null;
    double epochSeconds = Double.isFinite(lastEpochSeconds) ? lastEpochSeconds : 0;
    while (!planned.isEmpty() && pick == null) {
      Setting s = planned.poll();
      Measured ms = measured.get(s);
      // a planned point whose switches there and back cost more than half the time left cannot pay
      boolean affordable =
          costs.estimate(current, s, epochSeconds) + costs.estimate(s, current, epochSeconds)
              <= 0.5 * bestR;
      if ((ms == null || ms.stale) && affordable) {
        pick = s;
        why = retunes > 0 ? "re-trying after the drift" : "initial design";
      }
    }
    if (pick == null) {
      double margin = config.noise() * lastEpochSeconds * config.trialEpochs();
      Setting best =
          cands.stream()
              .filter(c -> c.measured())
              .findFirst()
              .map(Candidate::setting)
              .orElse(current);
      Candidate top =
          cands.stream()
              .filter(c -> !c.measured())
              .max(Comparator.comparingDouble(c -> netGain(c, bestR, best)))
              .orElse(null);
      if (top == null || netGain(top, bestR, best) <= margin) {
        return exploit(
            next,
            top == null
                ? "no other setting to try"
                : String.format(
                    Locale.ROOT,
                    "no untried setting is expected to gain more than the noise (best: %s, expected gain %.2f s <= %.2f s)",
                    top.setting(),
                    netGain(top, bestR, best),
                    margin),
            cands);
      }
      pick = top.setting();
      why =
          String.format(
              Locale.ROOT,
              "expected improvement %.3f (expected net gain %.2f s)",
              top.expectedImprovement(),
              netGain(top, bestR, best));
    }
    trials++;
    Measured pm = measured.get(pick);
    if (pm != null && pm.stale) {
      pm.resetTiming();
    }
    return new Decision(
        next,
        pick,
        Decision.Action.TRIAL,
        "trial " + trials + "/" + trialBudget + ": " + why,
        eta(measured.get(current)),
        lastLoss,
        reported(cands),
        0);
  }

  /**
   * Expected seconds a trial of {@code c} gains: its expected improvement as a fraction of the best
   * predicted time, less the progress the trial window is expected to lose if {@code c} is as slow
   * as predicted, less the switches there and back to {@code best}.
   */
  private double netGain(Candidate c, double bestR, Setting best) {
    double epoch = Double.isFinite(lastEpochSeconds) ? lastEpochSeconds : 0;
    double in = costs.estimate(current, c.setting(), epoch);
    double back = costs.estimate(c.setting(), best, epoch);
    double own = c.predictedSeconds() - in;
    double trialLoss =
        own > bestR && own > 0 ? epoch * config.trialEpochs() * (1 - bestR / own) : 0;
    return bestR * (1 - Math.exp(-c.expectedImprovement())) - trialLoss - in - back;
  }

  private Decision exploit(int next, String why, List<Candidate> cands) {
    phase = Phase.EXPLOIT;
    lastComparison = scores(lastLoss);
    Candidate best =
        cands.stream()
            .filter(c -> c.measured())
            .min(Comparator.comparingDouble(Candidate::predictedSeconds))
            .orElse(null);
    Measured cur = measured.get(current);
    double curR =
        cur == null || cur.stale ? Double.POSITIVE_INFINITY : remainingSeconds(cur, lastLoss);
    Setting pick = current;
    String reason = why + "; keeping " + current;
    if (best != null && !best.setting().equals(current)) {
      double margin =
          config.noise() * Math.min(curR, best.predictedSeconds())
              + (cur == null ? 0 : cur.timeNoise()) * best.predictedSeconds();
      if (curR - best.predictedSeconds() > margin) {
        pick = best.setting();
        reason =
            String.format(
                Locale.ROOT,
                "%s; switching to the best measured %s: predicted %.2f s vs %.2f s "
                    + "(switch cost included), gain above the noise margin %.2f s",
                why,
                pick,
                best.predictedSeconds(),
                curR,
                margin);
      } else {
        reason =
            String.format(
                Locale.ROOT,
                "%s; keeping %s: the best measured %s gains %.2f s, not more than the "
                    + "noise margin %.2f s",
                why,
                current,
                best.setting(),
                curR - best.predictedSeconds(),
                margin);
      }
    }
    Measured pm = measured.get(pick);
    driftCheck.reset(pm);
    return new Decision(
        next, pick, Decision.Action.EXPLOIT, reason, eta(pm), lastLoss, reported(cands), 0);
  }

  /** A reason if this epoch's time per iteration or progress per iteration drifted, else null. */
  private String drift(EpochObservation o, Measured m, double before) {
    if (eta(m) < 3 * lastEpochSeconds) {
      return null; // near the target a re-tune cannot pay for itself
    }
    // progress is checked against the curve only once the curve's calibration has settled: an
    // early fit is optimistic (its shape too flat), and on click its first checks read as a slowed
    // convergence ("the loss falls 58% as fast as predicted") in 2 of 3 live tuned jobs
    ProgressFit predicted =
        curve.calibrations() >= DRIFT_CALIBRATIONS ? curve.previousView(current, before) : null;
    return driftCheck.check(o, m, predicted, curve.calibration(), before);
  }

  private Decision retune(int next, String why, Measured m) {
    retunes++;
    // the drift made the old lag meaningless: measure the re-tune's exploration against the current
    // setting
    lagAnchor = current;
    lagSeconds = 0;
    offAnchor.clear();
    bracketed = null;
    controlled.clear();
    guardBudget = Double.POSITIVE_INFINITY;
    rebaseline = true;
    for (Measured other : measured.values()) {
      other.stale = other != m;
    }
    double currentSpi = m.secondsPerIteration();
    m.startSegment();
    m.resetTiming();
    phase = Phase.EXPLORE;
    trials = 1;
    trialBudget = Math.min(config.maxTrials(), 1 + RETUNE_TRIALS);
    planned.clear();
    planned.addAll(retunePlan(currentSpi));
    driftCheck.reset(null);
    return new Decision(
        next,
        current,
        Decision.Action.RETUNE,
        why
            + "; re-measuring "
            + current
            + " and re-trying up to "
            + (RETUNE_TRIALS - 1)
            + " settings",
        Double.NaN,
        lastLoss,
        List.of(),
        0);
  }

  /**
   * Settings to re-try after a drift: the best stale one, and the best stale ones that differ from
   * the current setting in worker count and in staleness mode (a straggler hurts some settings more
   * than others, so a diverse few are worth re-measuring).
   */
  private List<Setting> retunePlan(double currentSpi) {
    List<Setting> ranked = new ArrayList<>();
    // not the settings already measured far slower per iteration (a driver-side aggregation ran
    // 14x slower than the default on click): their trial costs more than a drift can explain
    measured.values().stream()
        .filter(x -> x.stale && x.fit != null)
        .filter(x -> !(x.secondsPerIteration() > UNPROMISING * currentSpi))
        .sorted(Comparator.comparingDouble(x -> remainingSeconds(x, lastLoss)))
        .forEach(x -> ranked.add(x.setting));
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

  private Decision keep(int next, Decision.Action action, String reason, Measured m) {
    return new Decision(next, current, action, reason, eta(m), lastLoss, List.of(), 0);
  }

  private String progressText(String what, Measured m) {
    return String.format(
        Locale.ROOT,
        "%s (%d/%d epochs, %d/%d clocks)",
        what,
        m.segmentEpochs(),
        config.trialEpochs(),
        m.points(),
        config.minTrialPoints());
  }

  private double eta(Measured m) {
    if (m == null || m.stale || m.fit == null || m.timedEpochs() == 0) {
      return Double.NaN;
    }
    return Math.min(remainingSeconds(m, lastLoss), horizon());
  }

  /** Seconds until the epoch budget ends at the current pace (infinite without a budget). */
  private double horizon() {
    if (config.maxEpochs() <= 0 || !Double.isFinite(lastEpochSeconds)) {
      return Double.POSITIVE_INFINITY;
    }
    // called while deciding after epoch nextEpoch (it is advanced after the decision)
    return Math.max(0, config.maxEpochs() - nextEpoch) * lastEpochSeconds;
  }

  /**
   * Predicted seconds from {@code loss} to the target under {@code m}'s setting, without switching.
   */
  double remainingSeconds(Measured m, double loss) {
    if (!(m.timedEpochs() > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    double iterations = curve.remainingIterations(m.setting, loss);
    if (!Double.isNaN(iterations)) {
      return iterations * m.secondsPerIteration();
    }
    if (m.fit == null) {
      return Double.POSITIVE_INFINITY;
    }
    double at = m.fit.iterationAt(loss);
    if (!Double.isFinite(at) || !Double.isFinite(m.doneIteration)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.max(0, m.doneIteration - at) * m.secondsPerIteration();
  }

  /** Predicted seconds to the target of every usable measured setting at {@code loss}. */
  private Map<Setting, Double> scores(double loss) {
    Map<Setting, Double> out = new LinkedHashMap<>();
    for (Measured m : measured.values()) {
      if (!m.stale && m.fit != null && m.timedEpochs() > 0) {
        out.put(m.setting, remainingSeconds(m, loss));
      }
    }
    return out;
  }

  /** Measured settings with their predicted time, and unmeasured ones with the GP's, best first. */
  private List<Candidate> candidates() {
    double epoch = Double.isFinite(lastEpochSeconds) ? lastEpochSeconds : 0;
    Map<Setting, Double> scores = scores(lastLoss);
    Map<Setting, Double> levels = new LinkedHashMap<>();
    scores.keySet().forEach(x -> levels.put(x, measured.get(x).level));
    return search.weigh(
        scores, levels, lastLoss / firstLoss, x -> costs.estimate(current, x, epoch));
  }

  /** Candidates the decision log shows: every measured one and the best few of the model. */
  static List<Candidate> reported(List<Candidate> all) {
    List<Candidate> out = new ArrayList<>();
    int model = 0;
    for (Candidate c : all) {
      if (c.measured() || model++ < REPORTED_MODEL_CANDIDATES) {
        out.add(c);
      }
    }
    return out;
  }
}
