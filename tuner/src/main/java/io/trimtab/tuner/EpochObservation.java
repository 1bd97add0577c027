package io.trimtab.tuner;

import java.util.Arrays;

/**
 * What the tuner sees of one epoch: the setting it ran with, its time, and its loss at every clock.
 *
 * @param epoch 1-based epoch number
 * @param setting the setting the epoch ran with
 * @param seconds wall time of the epoch, without the switch before it
 * @param switchSeconds time spent switching to {@code setting} before the epoch (0 if unchanged)
 * @param clockLosses mean training loss of each clock (iteration) of the epoch, in order; every
 *     value finite and >= 0, at least one
 */
public record EpochObservation(
    int epoch, Setting setting, double seconds, double switchSeconds, double[] clockLosses) {

  public EpochObservation {
    if (epoch < 1) {
      throw new IllegalArgumentException("Invalid epoch: " + epoch + " (must be >= 1)");
    }
    if (setting == null) {
      throw new IllegalArgumentException(
          "An observation needs the setting its epoch ran with (got null)");
    }
    if (!(seconds > 0) || !Double.isFinite(seconds)) {
      throw new IllegalArgumentException(
          "Invalid epoch time: " + seconds + " s (must be finite and > 0)");
    }
    if (!(switchSeconds >= 0) || !Double.isFinite(switchSeconds)) {
      throw new IllegalArgumentException(
          "Invalid switch time: " + switchSeconds + " s (must be finite and >= 0)");
    }
    if (clockLosses == null || clockLosses.length == 0) {
      throw new IllegalArgumentException(
          "Epoch " + epoch + " has no clock losses (expected one per clock)");
    }
    clockLosses = clockLosses.clone();
    for (int i = 0; i < clockLosses.length; i++) {
      if (!(clockLosses[i] >= 0) || !Double.isFinite(clockLosses[i])) {
        throw new IllegalArgumentException(
            "Invalid loss at clock "
                + i
                + " of epoch "
                + epoch
                + ": "
                + clockLosses[i]
                + " (must be finite and >= 0)");
      }
    }
  }

  /** Clocks (iterations) the epoch ran. */
  public int iterations() {
    return clockLosses.length;
  }

  /** Seconds per iteration, without the switch. */
  public double secondsPerIteration() {
    return seconds / clockLosses.length;
  }

  /** Mean loss over the epoch's clocks. */
  public double meanLoss() {
    return Arrays.stream(clockLosses).average().orElseThrow();
  }

  @Override
  public double[] clockLosses() {
    return clockLosses.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EpochObservation e
        && e.epoch == epoch
        && e.setting.equals(setting)
        && e.seconds == seconds
        && e.switchSeconds == switchSeconds
        && Arrays.equals(e.clockLosses, clockLosses);
  }

  @Override
  public int hashCode() {
    return 31 * Integer.hashCode(epoch) + Arrays.hashCode(clockLosses);
  }

  @Override
  public String toString() {
    return "EpochObservation[epoch="
        + epoch
        + ", setting="
        + setting
        + ", seconds="
        + seconds
        + ", switchSeconds="
        + switchSeconds
        + ", iterations="
        + clockLosses.length
        + ", meanLoss="
        + meanLoss()
        + "]";
  }
}
