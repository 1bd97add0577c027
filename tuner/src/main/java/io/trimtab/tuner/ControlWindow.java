package io.trimtab.tuner;

import java.util.Comparator;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Control windows: after a trial that ran faster per iteration than the best measured setting but
 * is predicted slower, the best setting runs again, so that the trial falls between two of its
 * windows. The whole-job curve compares settings measured at different phases of training through
 * its fitted shape, and a shape fitted on a few epochs is too flat: the setting measured first
 * looks better than a later one of equal efficiency. Running it again for {@value #EPOCHS} epochs
 * after the trial removes most of that bias, where one epoch does not (figures in
 * docs/design-notes.md, "Tuner"). Package-private, mutable, driver-side only.
 */
final class ControlWindow {
  /** Epochs of a control window (at least the trial's). */
  static final int EPOCHS = 2;

  /** Calibrated epochs before the curve's time left is trusted to say the end is near. */
  private static final int MIN_CALIBRATIONS = 2;

  private final TunerConfig config;
  private final Scoreboard board;
  private final JobCurve curve;
  private final Set<Setting> controlled = new HashSet<>();

  /** The trial the open window is bracketing, or null when none is open. */
  private Setting bracketed;

  ControlWindow(TunerConfig config, Scoreboard board, JobCurve curve) {
    this.config = config;
    this.board = board;
    this.curve = curve;
  }

  /** Epochs a control window runs. */
  int epochs() {
    return Math.max(EPOCHS, config.trialEpochs());
  }

  /** The trial the open window is bracketing, or null when none is open. */
  Setting bracketed() {
    return bracketed;
  }

  /** Ends the open window. */
  void close() {
    bracketed = null;
  }

  /** Forgets every window (after a drift, every setting may be bracketed again). */
  void reset() {
    bracketed = null;
    controlled.clear();
  }

  /**
   * Opens a control window after the trial of {@code p.current()}, just done with measurements
   * {@code m}, and returns the decision that runs it; null if the trial needs none. Once per
   * setting, and not when the end is near; also after the last trial or the guard, since it runs
   * what exploiting would.
   */
  Decision open(int next, Measured m, JobPosition p) {
    Setting current = p.current();
    if (controlled.contains(current)) {
      return null;
    }
    Measured best =
        board.all().stream()
            .filter(x -> x != m && !x.stale() && x.fit() != null && x.timedEpochs() > 0)
            .min(Comparator.comparingDouble(x -> board.remainingSeconds(x, p.loss())))
            .orElse(null);
    if (best == null) {
      return null;
    }
    double own = board.remainingSeconds(m, p.loss());
    double other = board.remainingSeconds(best, p.loss());
    if (!(m.secondsPerIteration() < best.secondsPerIteration())
        || !(own > other)
        || !Double.isFinite(other)
        || curve.calibrations() >= MIN_CALIBRATIONS && other < (epochs() + 2) * p.epochSeconds()) {
      return null;
    }
    controlled.add(current);
    bracketed = current;
    return new Decision(
        next,
        best.setting(),
        Decision.Action.CONTROL,
        String.format(
            Locale.ROOT,
            "control: %s again for %d epochs after the trial of %s (faster per iteration, %.4f vs %.4f s, but predicted "
                + "slower, %.2f s vs %.2f s: settings measured at different phases compare fairly once one brackets the other)",
            best.setting(),
            epochs(),
            current,
            m.secondsPerIteration(),
            best.secondsPerIteration(),
            own,
            other),
        board.eta(best, p),
        p.loss(),
        Scoreboard.reported(board.candidates(p)),
        0);
  }
}
