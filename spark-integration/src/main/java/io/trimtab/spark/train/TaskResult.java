package io.trimtab.spark.train;

import java.io.Serializable;
import java.util.Objects;

/**
 * What one worker's task did in one epoch (sums over its clocks), sent back to the driver.
 *
 * @param lossSum summed training loss of its examples
 * @param examples examples it trained on
 * @param pullNanos time in pulls, including waits for other workers
 * @param computeNanos time computing gradients
 * @param pushNanos time sending pushes
 * @param maxStaleness the largest staleness of any of its reads
 * @param taskNanos the task's wall time
 * @param clockLoss summed loss per clock of the epoch, in order
 * @param clockExamples examples per clock of the epoch, in order
 */
record TaskResult(
    double lossSum,
    long examples,
    long pullNanos,
    long computeNanos,
    long pushNanos,
    long maxStaleness,
    long taskNanos,
    double[] clockLoss,
    double[] clockExamples)
    implements Serializable {

  TaskResult {
    Objects.requireNonNull(clockLoss, "clockLoss");
    Objects.requireNonNull(clockExamples, "clockExamples");
    if (clockLoss.length != clockExamples.length) {
      throw new IllegalArgumentException(
          "Invalid task result: "
              + clockLoss.length
              + " clock losses for "
              + clockExamples.length
              + " clock example counts (expected one of each per clock)");
    }
  }
}
