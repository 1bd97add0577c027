package io.trimtab.tuner;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tuner's phases: measure the first setting (baseline), explore (trials, each possibly followed
 * by a {@link ControlWindow}), exploit, and re-tune after a drift. It takes the job's position
 * after each epoch and returns the next decision; the lag guard travels between epochs as an
 * immutable {@link LagGuard}. Package-private, mutable, driver-side only.
 */
final class PhaseMachine {
  /** Calibrated epochs before a curve's prediction of the time left is trusted to stop early. */
  private static final int MIN_CALIBRATIONS = 2;

  enum Phase {
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
  private final Scoreboard board;
  private final SwitchCosts costs;
  private final JobCurve curve;
  private final DriftCheck driftCheck;
  private final ControlWindow control;
  private final Deque<Setting> planned = new ArrayDeque<>();
  private Phase phase;
  private LagGuard lag;
  private int trials;
  private int trialBudget;
  private int retunes;
  private Map<Setting, Double> lastComparison = Map.of();

  PhaseMachine(
      TunerConfig config,
      SearchSpace space,
      Setting initial,
      String startReason,
      List<PriorObservation> priors,
      Scoreboard board,
      SwitchCosts costs,
      JobCurve curve) {
    this.config = config;
    this.space = space;
    this.initial = initial;
    this.startReason = startReason;
    this.priors = priors;
    this.board = board;
    this.costs = costs;
    this.curve = curve;
    this.driftCheck = new DriftCheck(config.drift(), config.driftEpochs());
    this.control = new ControlWindow(config, board, curve);
    this.lag = LagGuard.start(initial);
    this.phase =
        config.knobs().isEmpty() || space.candidates().size() < 2 ? Phase.FIXED : Phase.BASELINE;
  }

  Phase phase() {
    return phase;
  }

  LagGuard lag() {
    return lag;
  }

  int retunes() {
    return retunes;
  }

  /** The scores of the last exploit decision (empty before one). */
  Map<Setting, Double> lastComparison() {
    return lastComparison;
  }

  /**
   * The decision after epoch {@code o}, which started at loss {@code before} and left the job at
   * {@code p}.
   */
  Decision decide(EpochObservation o, double before, JobPosition p) {
    Measured anchor = board.get(lag.anchor());
    lag = lag.observe(o, p.current(), before, anchor != null && !anchor.stale(), board::speed);
    int next = o.epoch() + 1;
    Setting current = p.current();
    Measured m = board.get(current);
    if (config.reached(o)) {
      return keep(next, Decision.Action.KEEP, "target loss reached", m, p);
    }
    switch (phase) {
      case FIXED:
        return keep(next, Decision.Action.FIXED, "tuning is off", m, p);
      case BASELINE:
        if (!TrialWindow.done(m, board, config, p.loss())) {
          return keep(
              next, Decision.Action.BASELINE, progressText("measuring " + startReason, m), m, p);
        }
        // at least one epoch: predicted totals from a few epochs are often optimistic (a curve
        // fitted early underestimates how much training slows), and a guard below one epoch stops
        // every trial
        lag =
            lag.withBudget(
                Math.max(
                    config.guard()
                        * Math.min(
                            board.remainingSeconds(m, p.firstLoss()),
                            config.maxEpochs() > 0
                                ? config.maxEpochs() * m.secondsPerIteration() * o.iterations()
                                : Double.POSITIVE_INFINITY),
                    o.seconds() * config.trialEpochs()));
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
          planned.addAll(TrialPlans.initialDesign(space, initial, config, costs, o.seconds()));
        }
        return nextTrial(next, p);
      case EXPLORE:
        if (control.bracketed() != null) {
          if (m.segmentEpochs() < control.epochs()) {
            return keep(
                next,
                Decision.Action.CONTROL,
                "control window after the trial of "
                    + control.bracketed()
                    + " continues ("
                    + m.segmentEpochs()
                    + "/"
                    + control.epochs()
                    + " epochs)",
                m,
                p);
          }
          control.close();
          return nextTrial(next, p);
        }
        if (!TrialWindow.done(m, board, config, p.loss())) {
          return keep(
              next,
              Decision.Action.TRIAL,
              progressText("trial of " + current + " continues", m),
              m,
              p);
        }
        if (lag.rebaseline() && current.equals(lag.anchor())) {
          lag =
              lag.withBudget(
                  config.guard() * Math.min(board.remainingSeconds(m, p.loss()), board.horizon(p)));
        }
        Decision window = control.open(next, m, p);
        return window != null ? window : nextTrial(next, p);
      case EXPLOIT:
      default:
        // a job without a target loss runs its every epoch: its time left is the epoch budget's,
        // however flat the curve (a plateau reads as a few epochs from "converged")
        double left = config.target().hasLoss() ? board.eta(m, p) : board.horizon(p);
        String drift = driftCheck.check(o, m, before, left, p.epochSeconds(), p.current(), curve);
        if (drift != null) {
          return retune(next, drift, m, p);
        }
        if (driftCheck.suspects()) {
          // the next epoch confirms or clears the suspicion against a fit that includes this one:
          // the periodic fit, up to a few epochs old, extrapolates too far and reads as a slowdown
          curve.refit(p.loss());
        }
        return keep(next, Decision.Action.KEEP, "exploiting the best setting found", m, p);
    }
  }

  private Decision nextTrial(int next, JobPosition p) {
    Setting current = p.current();
    List<Candidate> cands = board.candidates(p);
    // no gain counts beyond the job's epoch budget
    double bestR =
        Math.min(
            board.horizon(p),
            cands.stream()
                .filter(c -> c.measured())
                .mapToDouble(Candidate::predictedSeconds)
                .min()
                .orElse(Double.POSITIVE_INFINITY));
    if (trials >= trialBudget) {
      return exploit(next, "trial budget of " + trialBudget + " settings used", cands, p);
    }
    if (lag.exceeded()) {
      return exploit(
          next,
          String.format(
              Locale.ROOT,
              "guard: %.2f s behind the first setting (budget %.2f s)",
              lag.seconds(),
              lag.budget()),
          cands,
          p,
          true);
    }
    // only once predictions have been checked against what happened: a curve fitted on the first
    // epochs is optimistic
    if (bestR < 3 * p.epochSeconds() && curve.calibrations() >= MIN_CALIBRATIONS) {
      return exploit(
          next,
          "less than 3 epochs left (to the target or the epoch budget): no time to explore",
          cands,
          p);
    }
    Setting pick = null;
    String why = null;
    double epochSeconds = p.epochSecondsOrZero();
    while (!planned.isEmpty() && pick == null) {
      Setting s = planned.poll();
      Measured ms = board.get(s);
      // a planned point whose switches there and back cost more than half the time left cannot pay
      boolean affordable =
          costs.estimate(current, s, epochSeconds) + costs.estimate(s, current, epochSeconds)
              <= 0.5 * bestR;
      if ((ms == null || ms.stale()) && affordable) {
        pick = s;
        why = retunes > 0 ? "re-trying after the drift" : "initial design";
      }
    }
    if (pick == null) {
      double margin = config.noise() * p.epochSeconds() * config.trialEpochs();
      Setting best =
          cands.stream()
              .filter(c -> c.measured())
              .findFirst()
              .map(Candidate::setting)
              .orElse(current);
      Candidate top =
          cands.stream()
              .filter(c -> !c.measured())
              .max(Comparator.comparingDouble(c -> netGain(c, bestR, best, p)))
              .orElse(null);
      if (top == null || netGain(top, bestR, best, p) <= margin) {
        return exploit(
            next,
            top == null
                ? "no other setting to try"
                : String.format(
                    Locale.ROOT,
                    "no untried setting is expected to gain more than the noise (best: %s, expected gain %.2f s <= %.2f s)",
                    top.setting(),
                    netGain(top, bestR, best, p),
                    margin),
            cands,
            p);
      }
      pick = top.setting();
      why =
          String.format(
              Locale.ROOT,
              "expected improvement %.3f (expected net gain %.2f s)",
              top.expectedImprovement(),
              netGain(top, bestR, best, p));
    }
    trials++;
    Measured pm = board.get(pick);
    if (pm != null && pm.stale()) {
      pm.resetTiming();
    }
    return new Decision(
        next,
        pick,
        Decision.Action.TRIAL,
        "trial " + trials + "/" + trialBudget + ": " + why,
        board.eta(board.get(current), p),
        p.loss(),
        Scoreboard.reported(cands),
        0);
  }

  private double netGain(Candidate c, double bestR, Setting best, JobPosition p) {
    return TrialWindow.netGain(c, bestR, best, p, costs, config);
  }

  private Decision exploit(int next, String why, List<Candidate> cands, JobPosition p) {
    return exploit(next, why, cands, p, false);
  }

  /** Stops exploring and keeps the setting {@link ExploitChoice} picks. */
  private Decision exploit(
      int next, String why, List<Candidate> cands, JobPosition p, boolean guard) {
    phase = Phase.EXPLOIT;
    lastComparison = board.scores(p.loss());
    ExploitChoice choice =
        ExploitChoice.choose(why, cands, p, lag.anchor(), guard, board, config.noise());
    Measured pm = board.get(choice.pick());
    driftCheck.reset(pm);
    return new Decision(
        next,
        choice.pick(),
        Decision.Action.EXPLOIT,
        choice.reason(),
        board.eta(pm, p),
        p.loss(),
        Scoreboard.reported(cands),
        0);
  }

  private Decision retune(int next, String why, Measured m, JobPosition p) {
    Setting current = p.current();
    retunes++;
    // the drift made the old lag meaningless: measure the re-tune's exploration against the current
    // setting
    lag = lag.restartAt(current);
    control.reset();
    for (Measured other : board.all()) {
      other.stale(other != m);
    }
    double currentSpi = m.secondsPerIteration();
    m.startSegment();
    m.resetTiming();
    phase = Phase.EXPLORE;
    trials = 1;
    trialBudget = Math.min(config.maxTrials(), 1 + TrialPlans.RETUNE_TRIALS);
    planned.clear();
    planned.addAll(TrialPlans.retunePlan(board, current, p.loss(), currentSpi));
    driftCheck.reset(null);
    return new Decision(
        next,
        current,
        Decision.Action.RETUNE,
        why
            + "; re-measuring "
            + current
            + " and re-trying up to "
            + (TrialPlans.RETUNE_TRIALS - 1)
            + " settings",
        Double.NaN,
        p.loss(),
        List.of(),
        0);
  }

  private Decision keep(
      int next, Decision.Action action, String reason, Measured m, JobPosition p) {
    return new Decision(next, p.current(), action, reason, board.eta(m, p), p.loss(), List.of(), 0);
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
}
