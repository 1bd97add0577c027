package io.trimtab.tuner;

import io.trimtab.tuner.progress.Target;
import java.util.EnumSet;
import java.util.Set;

/**
 * How the tuner searches and when it switches. Validated on construction.
 *
 * @param target when the job is done: a target loss, or convergence
 * @param knobs the knobs it may change (empty: tuning off)
 * @param trialEpochs epochs a trial window lasts at least, >= 1
 * @param minTrialPoints clocks a trial window lasts at least (its loss curve needs points to fit),
 *     >= 3
 * @param initialTrials size of the Latin-hypercube initial design, the first setting included, >= 1
 * @param maxTrials settings tried at most, the first one included, >= 1
 * @param noise relative measurement noise: a switch must gain more than this fraction of the
 *     remaining time on top of its cost, in [0, 1)
 * @param guard exploration stops once the job has fallen this fraction of the first setting's
 *     predicted total time behind it, in [0, 1]
 * @param drift relative change of iteration time (or of progress per iteration) that counts as
 *     drift, > 0
 * @param driftEpochs consecutive drifted epochs before re-tuning, >= 1
 * @param seed seed of the initial design and the kernel fitting
 * @param maxEpochs the job's epoch budget (it stops there whatever the loss), 0 for none: no gain
 *     is counted beyond it
 */
public record TunerConfig(
    Target target,
    Set<Knob> knobs,
    int trialEpochs,
    int minTrialPoints,
    int initialTrials,
    int maxTrials,
    double noise,
    double guard,
    double drift,
    int driftEpochs,
    long seed,
    int maxEpochs) {

  public TunerConfig {
    if (target == null) {
      throw new IllegalArgumentException(
          "A tuner needs a target (a loss, or convergence), got null");
    }
    knobs = knobs == null || knobs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(knobs));
    requireAtLeast("trial epochs", trialEpochs, 1);
    requireAtLeast("trial points", minTrialPoints, 3);
    requireAtLeast("initial trials", initialTrials, 1);
    requireAtLeast("maximum trials", maxTrials, 1);
    requireAtLeast("drift epochs", driftEpochs, 1);
    if (!(noise >= 0 && noise < 1)) {
      throw new IllegalArgumentException(
          "Invalid tuner noise margin: " + noise + " (must be in [0, 1))");
    }
    if (!(guard >= 0 && guard <= 1)) {
      throw new IllegalArgumentException(
          "Invalid exploration guard: " + guard + " (must be in [0, 1])");
    }
    if (maxEpochs < 0) {
      throw new IllegalArgumentException(
          "Invalid epoch budget: " + maxEpochs + " (must be >= 0, 0 for none)");
    }
    if (!(drift > 0) || !Double.isFinite(drift)) {
      throw new IllegalArgumentException(
          "Invalid drift threshold: " + drift + " (must be finite and > 0)");
    }
  }

  /** Every knob, 1-epoch trials of at least 5 clocks, 4 initial and at most 8 trials, 10% guard. */
  public static TunerConfig defaults(Target target) {
    return new TunerConfig(
        target, EnumSet.allOf(Knob.class), 1, 5, 4, 8, 0.05, 0.10, 0.30, 2, 42, 0);
  }

  public TunerConfig withKnobs(Set<Knob> k) {
    return new TunerConfig(
        target,
        k,
        trialEpochs,
        minTrialPoints,
        initialTrials,
        maxTrials,
        noise,
        guard,
        drift,
        driftEpochs,
        seed,
        maxEpochs);
  }

  public TunerConfig withTrials(int initial, int max) {
    return new TunerConfig(
        target,
        knobs,
        trialEpochs,
        minTrialPoints,
        initial,
        max,
        noise,
        guard,
        drift,
        driftEpochs,
        seed,
        maxEpochs);
  }

  public TunerConfig withTrialWindow(int epochs, int points) {
    return new TunerConfig(
        target,
        knobs,
        epochs,
        points,
        initialTrials,
        maxTrials,
        noise,
        guard,
        drift,
        driftEpochs,
        seed,
        maxEpochs);
  }

  public TunerConfig withGuard(double g) {
    return new TunerConfig(
        target,
        knobs,
        trialEpochs,
        minTrialPoints,
        initialTrials,
        maxTrials,
        noise,
        g,
        drift,
        driftEpochs,
        seed,
        maxEpochs);
  }

  public TunerConfig withDrift(double d, int epochs) {
    return new TunerConfig(
        target,
        knobs,
        trialEpochs,
        minTrialPoints,
        initialTrials,
        maxTrials,
        noise,
        guard,
        d,
        epochs,
        seed,
        maxEpochs);
  }

  public TunerConfig withMaxEpochs(int epochs) {
    return new TunerConfig(
        target,
        knobs,
        trialEpochs,
        minTrialPoints,
        initialTrials,
        maxTrials,
        noise,
        guard,
        drift,
        driftEpochs,
        seed,
        epochs);
  }

  public TunerConfig withSeed(long s) {
    return new TunerConfig(
        target,
        knobs,
        trialEpochs,
        minTrialPoints,
        initialTrials,
        maxTrials,
        noise,
        guard,
        drift,
        driftEpochs,
        s,
        maxEpochs);
  }

  /**
   * Whether the job is done after epoch {@code o}: its mean loss, what the job stops on, is at or
   * below the target loss.
   */
  boolean reached(EpochObservation o) {
    return target.hasLoss() && o.meanLoss() <= target.loss();
  }

  private static void requireAtLeast(String what, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(
          "Invalid number of " + what + ": " + value + " (must be >= " + min + ")");
    }
  }
}
