package io.trimtab.tuner;

import java.util.List;

/**
 * What the tuner decided after an epoch: the setting of the next epoch and why.
 *
 * @param epoch the epoch the decision is for (the next one)
 * @param setting the setting it runs with
 * @param action what kind of decision this is
 * @param reason one sentence a user can read
 * @param etaSeconds predicted seconds to the target under the chosen setting (NaN while unknown)
 * @param currentLoss the loss the decision was made at (last clock of the last epoch)
 * @param candidates the settings weighed, best first
 * @param tunerSeconds time this decision took to compute (estimation and search)
 */
public record Decision(
    int epoch,
    Setting setting,
    Action action,
    String reason,
    double etaSeconds,
    double currentLoss,
    List<Candidate> candidates,
    double tunerSeconds) {

  public Decision {
    candidates = List.copyOf(candidates);
  }

  /** Kinds of decision. */
  public enum Action {
    /** Keep measuring the first setting (the default, or the best of a similar finished job). */
    BASELINE,
    /** Try a setting for a short window that still trains the model. */
    TRIAL,
    /**
     * Run the best setting so far again after a trial, so that the trial falls between two of its
     * windows and the two compare at the same phase of training.
     */
    CONTROL,
    /** Exploration done (or stopped by its guard): run the best setting found. */
    EXPLOIT,
    /** Stay with the current setting. */
    KEEP,
    /** Iteration time or convergence drifted: the measurements are stale, try settings again. */
    RETUNE,
    /** Tuning is off or nothing is tunable. */
    FIXED
  }
}
