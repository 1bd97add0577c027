package io.trimtab.spark.ml;

import java.io.Serializable;
import java.util.Locale;

/**
 * What one training epoch did.
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean training loss of the epoch's examples (log-loss for the classifiers,
 *     squared error for a regression), each computed with the weights its mini-batch pulled (before
 *     that mini-batch's update)
 * @param examples examples processed
 * @param seconds wall time of the epoch, driver-side, including scheduling
 * @param clock the table's clock after the epoch
 * @param pullSeconds time workers spent in pulls (summed over tasks), including waits for other
 *     workers
 * @param computeSeconds time workers spent computing gradients (summed over tasks)
 * @param pushSeconds time workers spent sending pushes (summed over tasks)
 * @param setting the setting the epoch ran with (see {@code io.trimtab.tuner.Setting#toString})
 * @param switchSeconds time spent before the epoch switching to its setting (0 if unchanged):
 *     moving parameters between shards, re-cutting data partitions, resetting worker clocks
 * @param maxStaleness the largest staleness of any read of the epoch: clocks between the reader's
 *     clock and the table clock it read at (0 under BSP; at most s under SSP(s))
 * @param taskSeconds each task's wall time, indexed by worker
 * @param clockLosses mean training loss of each clock of the epoch, in order (NaN for a clock with
 *     no examples): the loss curve the tuner fits
 * @param etaSeconds the tuner's predicted seconds to the target after this epoch (NaN: untuned or
 *     not yet known)
 * @param tuning what the tuner decided after this epoch, e.g. {@code "TRIAL
 *     ssp:3/direct/hash/2sh/4w"} (empty when untuned)
 * @param tunerSeconds time the tuner took to decide after this epoch (its own cost)
 */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    long examples,
    double seconds,
    long clock,
    double pullSeconds,
    double computeSeconds,
    double pushSeconds,
    String setting,
    double switchSeconds,
    long maxStaleness,
    double[] taskSeconds,
    double[] clockLosses,
    double etaSeconds,
    String tuning,
    double tunerSeconds)
    implements Serializable {

  /** The same epoch with the tuner's decision after it. */
  public EpochMetrics withTuning(double eta, String decision, double seconds) {
    return new EpochMetrics(
        epoch,
        trainLoss,
        examples,
        this.seconds,
        clock,
        pullSeconds,
        computeSeconds,
        pushSeconds,
        setting,
        switchSeconds,
        maxStaleness,
        taskSeconds,
        clockLosses,
        eta,
        decision,
        seconds);
  }

  /** Examples per second of wall time. */
  public double examplesPerSecond() {
    return seconds > 0 ? examples / seconds : Double.NaN;
  }

  /** One line for logs and the console. */
  public String format(int totalEpochs) {
    long iterations = clockLosses == null ? 0 : clockLosses.length;
    return String.format(
        Locale.ROOT,
        "epoch %d/%d  train loss %.5f  time %.2f s  %.4f s/iteration  examples/s %,.0f  clock %d  %s%s%s%s",
        epoch,
        totalEpochs,
        trainLoss,
        seconds,
        iterations > 0 ? seconds / iterations : Double.NaN,
        examplesPerSecond(),
        clock,
        setting,
        switchSeconds > 0
            ? String.format(Locale.ROOT, "  (switched in %.2f s)", switchSeconds)
            : "",
        Double.isFinite(etaSeconds) ? String.format(Locale.ROOT, "  ETA %.1f s", etaSeconds) : "",
        tuning == null || tuning.isEmpty() ? "" : "  next: " + tuning);
  }
}
