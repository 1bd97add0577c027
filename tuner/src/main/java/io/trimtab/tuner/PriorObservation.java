package io.trimtab.tuner;

/**
 * What a finished job learned about one setting, kept to warm-start the next similar job.
 *
 * @param setting the setting
 * @param lossLevel the loss at which it was measured, as a fraction of the job's first loss, > 0
 * @param relativeScore natural log of its predicted time to the target over that of the job's best
 *     setting (0 for the best, > 0 for slower ones)
 * @param secondsPerIteration its measured time per iteration (for reports)
 */
public record PriorObservation(
    Setting setting, double lossLevel, double relativeScore, double secondsPerIteration) {

  public PriorObservation {
    if (setting == null) {
      throw new IllegalArgumentException("A prior observation needs a setting (got null)");
    }
    if (!(lossLevel > 0) || !Double.isFinite(lossLevel)) {
      throw new IllegalArgumentException(
          "Invalid loss level: " + lossLevel + " (must be finite and > 0)");
    }
    if (!Double.isFinite(relativeScore)) {
      throw new IllegalArgumentException(
          "Invalid relative score of " + setting + ": " + relativeScore + " (must be finite)");
    }
  }
}
