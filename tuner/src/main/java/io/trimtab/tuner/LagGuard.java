package io.trimtab.tuner;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * How far the job is behind what its anchor setting (the first one, or the one re-measured after a
 * drift) would have done, and the budget beyond which exploration stops. Each epoch under another
 * setting made progress worth, in seconds of the anchor setting, its time times the ratio of the
 * two settings' speeds (fitted rate per second: a ratio the curve's shape biases far less than the
 * predicted times themselves, and one that a control window corrects).
 *
 * @param anchor the setting the lag is measured against
 * @param offAnchor the epochs run under other settings since the anchor was set
 * @param seconds the lag now
 * @param worst the largest lag of the job so far (kept across anchors)
 * @param budget the lag after which exploration stops (infinite until the anchor is measured)
 * @param rebaseline whether the budget is re-derived once the anchor is re-measured (after a drift)
 */
record LagGuard(
    Setting anchor,
    List<EpochObservation> offAnchor,
    double seconds,
    double worst,
    double budget,
    boolean rebaseline) {

  LagGuard {
    Objects.requireNonNull(anchor, "anchor");
    offAnchor = List.copyOf(offAnchor);
    if (Double.isNaN(seconds) || Double.isNaN(worst)) {
      throw new IllegalArgumentException(
          "Invalid lag: " + seconds + " s, worst " + worst + " s (must be numbers)");
    }
    if (!(budget >= 0)) {
      throw new IllegalArgumentException("Invalid guard budget: " + budget + " s (must be >= 0)");
    }
  }

  /** No lag yet behind {@code anchor}, and no budget. */
  static LagGuard start(Setting anchor) {
    return new LagGuard(anchor, List.of(), 0, 0, Double.POSITIVE_INFINITY, false);
  }

  /**
   * The guard after epoch {@code o} under {@code current}, which started at loss {@code before}
   * (NaN for the job's first epoch, which counts for nothing), with the lag re-derived from the
   * latest fit.
   *
   * @param anchorMeasured whether the anchor's measurements are usable (measured and not stale)
   * @param speed fitted progress per second of a setting (NaN if unknown)
   */
  LagGuard observe(
      EpochObservation o,
      Setting current,
      double before,
      boolean anchorMeasured,
      ToDoubleFunction<Setting> speed) {
    List<EpochObservation> off = offAnchor;
    if (!current.equals(anchor) && !Double.isNaN(before)) {
      off = new ArrayList<>(offAnchor);
      off.add(o);
    }
    if (!anchorMeasured || off.isEmpty()) {
      return new LagGuard(anchor, off, seconds, worst, budget, rebaseline);
    }
    double anchorSpeed = speed.applyAsDouble(anchor);
    double lag = 0;
    boolean any = false;
    for (EpochObservation e : off) {
      double ratio = speed.applyAsDouble(e.setting()) / anchorSpeed;
      if (Double.isFinite(ratio)) {
        lag += e.switchSeconds() + e.seconds() * (1 - Math.max(0, ratio));
        any = true;
      }
    }
    return any
        ? new LagGuard(anchor, off, lag, Math.max(worst, lag), budget, rebaseline)
        : new LagGuard(anchor, off, seconds, worst, budget, rebaseline);
  }

  /** The guard with a budget of {@code seconds}, no longer waiting to re-derive it. */
  LagGuard withBudget(double seconds) {
    return new LagGuard(anchor, offAnchor, this.seconds, worst, seconds, false);
  }

  /**
   * The guard after a drift: the old lag is meaningless, so the re-tune's exploration is measured
   * against {@code newAnchor}, with a budget re-derived once it is re-measured.
   */
  LagGuard restartAt(Setting newAnchor) {
    return new LagGuard(newAnchor, List.of(), 0, worst, Double.POSITIVE_INFINITY, true);
  }

  /** Whether the job is further behind than the budget allows. */
  boolean exceeded() {
    return seconds > budget;
  }
}
